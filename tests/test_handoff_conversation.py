"""The handoff request end to end: the real Rasa and action servers through the REST channel.

Asserts what the gateway receives: one `custom.handoff` message after the final "send", with the fields
of docs/handoff.md, and nothing at all when the person says no, stops or cancels.
"""
from __future__ import annotations

from tests.conftest import new_sender
from wegweiser.content import load_safety
from wegweiser.dialogue.handoff_form import choice_payload, summary, text


class Chat:
    def __init__(self, rasa_chat):
        self.rasa_chat, self.sender = rasa_chat, new_sender()
        self.handoffs = []

    def say(self, message):
        replies = self.rasa_chat.send(message, sender=self.sender)
        self.last = replies
        self.handoffs += [r["custom"]["handoff"] for r in replies if "handoff" in (r.get("custom") or {})]
        return "\n".join(r.get("text") or "" for r in replies)

    def payloads(self):
        return [b["payload"] for r in self.last for b in r.get("buttons") or []]


def start(text_, language):
    """The first sentence of a content text (before any placeholder), to find it in a reply."""
    return text("form", text_, language).split("{", 1)[0][:40]


def test_happy_path_ar_with_phone_and_a_wrong_number_first(rasa_chat):
    chat = Chat(rasa_chat)
    reply = chat.say("أريد التحدث مع مستشار")
    assert start("consent", "ar") in reply and "/delete" in reply
    assert chat.payloads() == ["/affirm", "/deny"]
    assert text("form", "ask_topic", "ar") in chat.say("نعم")
    assert choice_payload("appointment") in chat.payloads()
    assert text("form", "ask_language", "ar") in chat.say(choice_payload("appointment"))
    assert chat.payloads()[:3] == [choice_payload("ar"), choice_payload("de"), choice_payload("en")]
    assert text("form", "ask_contact", "ar") in chat.say(choice_payload("ar"))
    assert start("ask_phone", "ar") in chat.say(choice_payload("phone"))
    assert start("phone_invalid", "ar") in chat.say("12")
    assert text("form", "ask_times", "ar") in chat.say("0151 23456789")
    assert text("form", "ask_name", "ar") in chat.say(choice_payload("weekday_mornings"))
    reply = chat.say("أبو علي")
    assert text("form", "confirm", "ar") in reply and "+4915123456789" in reply
    assert chat.payloads() == ["/affirm", choice_payload("change"), "/stop"]
    assert chat.handoffs == []  # nothing before the final yes
    chat.say("/affirm")
    assert len(chat.handoffs) == 1
    assert chat.last == [{"recipient_id": chat.sender, "custom": {"handoff": chat.handoffs[0]}}]  # nothing else
    sent = chat.handoffs[0]
    slots = {"handoff_topic": "appointment", "handoff_counselling_language": "ar", "handoff_contact": "phone",
             "handoff_phone": "+4915123456789", "handoff_times": ["weekday_mornings"], "handoff_name": "أبو علي"}
    assert sent == {
        "version": 1, "language": "ar", "counselling_language": "ar", "topic": "appointment", "topic_text": None,
        "contact": "phone", "phone": "+4915123456789", "times": ["weekday_mornings"], "times_text": None,
        "name": "أبو علي", "country": None, "lookup": None, "reason": "asked", "summary": summary(slots, "ar"),
    }
    assert sent["summary"] in reply  # what was sent is what the person confirmed


def test_consent_no_en_sends_nothing_and_gives_the_centre(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("I want to talk to a counsellor")
    reply = chat.say("no")
    assert text("form", "declined", "en") in reply and "Flüchtlingszentrum Hamburg" in reply
    assert chat.handoffs == []
    assert start("consent", "en") not in chat.say("hello")  # the form is over


def test_stop_midway_de_and_cancel_command(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("Ich möchte mit einer Beraterin sprechen")
    chat.say("ja")
    assert text("form", "stopped", "de") in chat.say("stopp")
    chat.say("Ich möchte mit einer Beraterin sprechen")
    chat.say("/affirm")
    chat.say(choice_payload("money"))
    assert text("form", "stopped", "de") in chat.say("/cancel")
    assert chat.handoffs == []


def test_change_then_send_en_free_text_and_an_faq_in_between(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("I want to talk to a counsellor")
    chat.say("yes")
    assert text("form", "ask_language", "en") in chat.say("problems with my passport")
    chat.say("Kurdish")
    assert start("contact_not_understood", "en") in chat.say("banana")
    chat.say("video call")
    chat.say("Tuesdays after 2 pm")
    reply = chat.say("/dont_know")
    assert "problems with my passport" in reply and "Kurdish" in reply
    reply = chat.say(choice_payload("change"))
    assert text("form", "change", "en") in reply and text("form", "ask_topic", "en") in reply
    answer = chat.say("Who pays for my flight home?")
    assert text("form", "ask_topic", "en") in answer  # answered, then the question again
    chat.say(choice_payload("money"))
    chat.say(choice_payload("en"))
    chat.say(choice_payload("chat"))
    chat.say(choice_payload("any_time"))
    chat.say("Mo")
    chat.say("/affirm")
    sent = chat.handoffs[0]
    assert (sent["topic"], sent["topic_text"], sent["counselling_language"], sent["contact"], sent["phone"],
            sent["times"], sent["times_text"], sent["name"]) == ("money", None, "en", "chat", None, ["any_time"],
                                                                 None, "Mo")


def test_crisis_during_the_request_numbers_first_then_the_offer_carries_the_reason(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("I want to talk to a counsellor")
    chat.say("yes")
    reply = chat.say("I want to kill myself")
    assert load_safety()["numbers"]["emergency_number"] in reply and "/request_human" in chat.payloads()
    assert chat.handoffs == []
    chat.say("/request_human")
    for message in ("yes", choice_payload("other"), choice_payload("en"), choice_payload("chat"),
                    choice_payload("any_time"), "/dont_know", "/affirm"):
        chat.say(message)
    assert [h["reason"] for h in chat.handoffs] == ["crisis"]


def test_after_the_lookup_the_counsellor_button_brings_the_country_tr(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("Hangi desteği alabilirim?")
    chat.say("Irak")
    chat.say("2 yetişkin ve 3 çocuk")
    assert "/request_human" in chat.payloads()
    assert start("consent", "tr") in chat.say("/request_human")
    for message in ("evet", choice_payload("money"), choice_payload("tr"), choice_payload("in_person"),
                    choice_payload("weekday_afternoons"), "/dont_know", "/affirm"):
        chat.say(message)
    sent = chat.handoffs[0]
    assert sent["reason"] == "lookup" and sent["country"] == "IQ" and sent["lookup"].startswith("country=IQ")
    assert sent["language"] == "tr" and sent["contact"] == "in_person"
