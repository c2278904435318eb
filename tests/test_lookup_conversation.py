"""The programme lookup end to end: the real Rasa and action servers through the REST channel.

Scripted in five languages: step by step, everything at once, skip, stop midway, an ambiguous country
answered with a button, two nationalities, an FAQ in between.
"""
from __future__ import annotations


from tests.conftest import new_sender
from wegweiser.dialogue.eligibility import Person, assess
from wegweiser.dialogue.lookup_answer import text
from wegweiser.render import currency_statement, format_eur


class Chat:
    def __init__(self, rasa_chat):
        self.rasa_chat, self.sender = rasa_chat, new_sender()

    def say(self, message):
        replies = self.rasa_chat.send(message, sender=self.sender)
        self.last = replies
        return "\n".join(r.get("text") or "" for r in replies)

    def buttons(self):
        return [b for r in self.last for b in r.get("buttons") or []]


def dated(answer, person, language):
    """Says how current it is from the sources' own dates."""
    return currency_statement(assess(person).facts, language) in answer


def test_step_by_step_de(rasa_chat):
    chat = Chat(rasa_chat)
    first = chat.say("Welche Unterstützung kann ich bekommen?")
    # answer first: the general amounts, then the offer to calculate it
    assert format_eur(200, "de") in first and format_eur(1000, "de") in first
    assert first.index(format_eur(200, "de")) < first.index(text("form", "ask_country", "de"))
    assert text("form", "intro", "de") in first and text("form", "ask_country", "de") in first
    assert {"/dont_know", "/stop"} <= {b["payload"] for b in chat.buttons()}
    assert text("form", "ask_family", "de") in chat.say("Irak")
    answer = chat.say("2 Erwachsene und 3 Kinder")
    assert format_eur(700, "de") in answer  # travel allowance 2 × 200 + 3 × 100, from the data
    assert dated(answer, Person("IQ", adults=2, children=3), "de")
    assert "/request_human" in {b["payload"] for b in chat.buttons()}


def test_everything_at_once_en(rasa_chat):
    chat = Chat(rasa_chat)
    answer = chat.say("I am from Iraq, we are two adults and three children - what do we get?")
    assert "2 × €200" in answer and "3 × €100" in answer and "€700" in answer
    assert text("form", "ask_country", "en") not in answer


def test_skip_every_question_ru(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("Какую поддержку я могу получить?")
    assert text("form", "ask_family", "ru") in chat.say("/dont_know")
    answer = chat.say("не знаю")
    assert text("answer", "intro_general", "ru") in answer
    assert text("counsellor_checks", "country_unknown", "ru") in answer


def test_stop_midway_ar(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("ما الدعم الذي يمكنني الحصول عليه؟")
    chat.say("العراق")
    assert text("form", "stopped", "ar") in chat.say("توقف")
    # the form is gone: a greeting is just a greeting
    assert text("form", "ask_family", "ar") not in chat.say("مرحبا")


def test_ambiguous_country_is_asked_back_tr(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("Hangi desteği alabilirim?")
    question = chat.say("Kongo")
    assert "?" in question and text("form", "ask_family", "tr") not in question
    payloads = [b["payload"] for b in chat.buttons() if not b["payload"].startswith("/")]
    assert len(payloads) == 2
    assert text("form", "ask_family", "tr") in chat.say(payloads[0])  # pressing a button answers it


def test_two_nationalities_are_asked_back_en(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("What support can I get?")
    chat.say("I have Syrian and Turkish citizenship")
    payloads = [b["payload"] for b in chat.buttons() if not b["payload"].startswith("/")]
    assert len(payloads) == 2


def test_faq_in_between_then_the_question_again_de(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("Welche Unterstützung kann ich bekommen?")
    reply = chat.say("Wer bezahlt das Flugticket für die Rückreise?")
    assert text("form", "ask_country", "de") in reply  # answered, then asked again
    assert text("form", "ask_family", "de") in chat.say("Syrien")


def test_eu_citizen_is_not_asked_about_family_and_told_why_en(rasa_chat):
    chat = Chat(rasa_chat)
    chat.say("What support can I get?")
    answer = chat.say("I am from Romania")
    assert text("reasons", "eu_citizen", "en") in answer
    assert text("notes", "trafficking_exception", "en") in answer
