"""The handoff form's actions through Rasa SDK trackers."""
from __future__ import annotations

import asyncio

from actions.handoff import (ActionAskHandoffConfirm, ActionAskHandoffConsent, ActionAskHandoffPhone,
                             ActionHandoffDeclined, ActionHandoffStart, ActionHandoffStopped, ActionHandoffSubmit,
                             ValidateHandoffForm)
from tests.actions.conftest import make_tracker
from wegweiser.dialogue.handoff_form import SLOTS, payload, summary, text

ANSWERED = {"language": "ar", "handoff_consent": "yes", "handoff_topic": "appointment",
            "handoff_counselling_language": "ar", "handoff_contact": "phone", "handoff_phone": "+4915123456789",
            "handoff_times": ["any_time"], "handoff_name": "skipped", "handoff_reason": "lookup",
            "lookup_summary": "country=IQ adults=2 children=3"}


def run(action, tracker, dispatcher):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_activation_asks_for_consent_first(dispatcher):
    events = [{"event": "user", "text": "x"}, {"event": "action", "name": "action_handoff_start"},
              {"event": "action", "name": "handoff_form"}]
    tracker = make_tracker("Ich möchte mit einer Beraterin sprechen", intent="request_human", slots={"language": "de"},
                           events=events)
    assert slot_events(run(ValidateHandoffForm(), tracker, dispatcher)) == {"requested_slot": "handoff_consent"}


def test_yes_to_consent_goes_on_to_the_topic(dispatcher):
    tracker = make_tracker("ja", intent="affirm", slots={"language": "de", "requested_slot": "handoff_consent"})
    events = slot_events(run(ValidateHandoffForm(), tracker, dispatcher))
    assert events["handoff_consent"] == "yes" and events["requested_slot"] == "handoff_topic"
    assert "handoff_outcome" not in events


def test_no_to_consent_ends_the_form(dispatcher):
    tracker = make_tracker("nein", intent="deny", slots={"language": "de", "requested_slot": "handoff_consent"})
    events = slot_events(run(ValidateHandoffForm(), tracker, dispatcher))
    assert events["handoff_consent"] == "no" and events["requested_slot"] is None
    assert events["handoff_outcome"] == "declined"


def test_the_final_yes_ends_the_form_with_send(dispatcher):
    slots = {**ANSWERED, "handoff_confirm": None, "requested_slot": "handoff_confirm"}
    events = slot_events(run(ValidateHandoffForm(), make_tracker("/affirm", intent="affirm", slots=slots), dispatcher))
    assert events == {"handoff_confirm": "send", "handoff_question": None, "handoff_outcome": "send",
                      "requested_slot": None}
    assert dispatcher.messages == []  # nothing is said, let alone sent, by the validation


def test_stop_is_rejected_so_the_rule_leaves_the_form(dispatcher):
    tracker = make_tracker("/cancel", intent="stop", slots={"language": "en", "requested_slot": "handoff_topic"})
    assert run(ValidateHandoffForm(), tracker, dispatcher) == []


def test_a_wrong_phone_number_is_asked_again(dispatcher):
    slots = {**ANSWERED, "handoff_phone": None, "requested_slot": "handoff_phone"}
    tracker = make_tracker("123", intent="nlu_fallback", slots=slots)
    events = slot_events(run(ValidateHandoffForm(), tracker, dispatcher))
    assert events == {"handoff_question": "phone_invalid", "requested_slot": "handoff_phone"}
    run(ActionAskHandoffPhone(), make_tracker("", slots={**slots, **events}), dispatcher)
    assert dispatcher.messages[0]["text"].startswith(text("form", "phone_invalid", "ar").split("{", 1)[0])
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/dont_know", "/stop"]


def test_consent_question_in_the_persons_language(dispatcher):
    run(ActionAskHandoffConsent(), make_tracker("", slots={"language": "ru", "centre_name": "FZ"}), dispatcher)
    message = dispatcher.messages[0]
    assert message["text"].startswith(text("form", "consent", "ru").split("{", 1)[0])
    assert [b["title"] for b in message["buttons"]] == [text("buttons", "yes", "ru"), text("buttons", "no", "ru")]


def test_summary_question_offers_send_change_cancel(dispatcher):
    run(ActionAskHandoffConfirm(), make_tracker("", slots=ANSWERED), dispatcher)
    message = dispatcher.messages[0]
    assert summary(ANSWERED, "ar") in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", '/inform{"handoff_choice":"change"}', "/stop"]


def test_start_notes_the_reason_and_forgets_an_earlier_request(dispatcher):
    events = [{"event": "user", "text": "x"}, {"event": "action", "name": "utter_crisis"},
              {"event": "action", "name": "action_listen"}, {"event": "user", "text": "/request_human"}]
    tracker = make_tracker("/request_human", intent="request_human", slots=ANSWERED, events=events)
    slots = slot_events(run(ActionHandoffStart(), tracker, dispatcher))
    assert slots["handoff_reason"] == "crisis" and slots["handoff_phone"] is None and slots["handoff_consent"] is None
    assert dispatcher.messages == []


def test_submit_sends_one_custom_message_and_nothing_else_then_forgets_the_answers(dispatcher):
    tracker = make_tracker("/affirm", intent="affirm", slots={**ANSWERED, "handoff_confirm": "send"})
    events = run(ActionHandoffSubmit(), tracker, dispatcher)
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["custom"] == {"handoff": payload(tracker.slots, "ar")}
    assert not message.get("text") and not message.get("buttons")
    assert message["custom"]["handoff"]["phone"] == "+4915123456789"
    assert message["custom"]["handoff"]["reason"] == "lookup" and message["custom"]["handoff"]["country"] == "IQ"
    assert slot_events(events) == {name: None for name in SLOTS}


def test_declined_and_stopped_say_nothing_was_sent(dispatcher):
    run(ActionHandoffDeclined(), make_tracker("nein", intent="deny", slots={"language": "de", "handoff_consent": "no"}),
        dispatcher)
    run(ActionHandoffDeclined(), make_tracker("nein", intent="deny", slots={**ANSWERED, "handoff_confirm": "no"}),
        dispatcher)
    run(ActionHandoffStopped(), make_tracker("stop", intent="stop", slots={"language": "tr"}), dispatcher)
    assert [m["text"] for m in dispatcher.messages] == [
        text("form", "declined", "de"), text("form", "stopped", "ar"), text("form", "stopped", "tr")]
    assert not any(m.get("custom") for m in dispatcher.messages)
