"""The lookup form's actions through Rasa SDK trackers."""
from __future__ import annotations

import asyncio

from actions.lookup import (ActionAskLookupCountry, ActionAskLookupFamily, ActionSupportAnswer, ActionSupportStopped,
                            ValidateSupportForm)
from tests.actions.conftest import make_tracker
from wegweiser.lookup_answer import text
from wegweiser.render import format_eur


def run(action, tracker, dispatcher):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_validation_takes_the_first_message_and_asks_what_is_missing(dispatcher):
    tracker = make_tracker("Ich komme aus Afghanistan", intent="ask_support", slots={"language": "de"})
    events = slot_events(run(ValidateSupportForm(), tracker, dispatcher))
    assert events["lookup_country"] == "AF" and events["requested_slot"] == "lookup_family"


def test_validation_completes_the_form_when_everything_is_known(dispatcher):
    tracker = make_tracker("2 Erwachsene, 1 Kind", intent="inform",
                           slots={"language": "de", "lookup_country": "IQ", "requested_slot": "lookup_family"})
    events = slot_events(run(ValidateSupportForm(), tracker, dispatcher))
    assert events["lookup_family"] == "given" and events["requested_slot"] is None


def test_validation_rejects_what_is_not_an_answer(dispatcher):
    tracker = make_tracker("stopp", intent="stop", slots={"language": "de", "requested_slot": "lookup_country"})
    assert run(ValidateSupportForm(), tracker, dispatcher) == []


def test_country_question_offers_skip_and_stop(dispatcher):
    tracker = make_tracker("", slots={"language": "tr", "requested_slot": "lookup_country"})
    run(ActionAskLookupCountry(), tracker, dispatcher)
    message = dispatcher.messages[0]
    assert message["text"] == text("form", "ask_country", "tr")
    assert [b["payload"] for b in message["buttons"]] == ["/dont_know", "/stop"]


def test_ambiguous_country_offers_both_countries_as_buttons(dispatcher):
    tracker = make_tracker("Kongo", slots={"language": "de", "requested_slot": "lookup_country",
                                           "lookup_question": "ambiguous:CD,CG"})
    run(ActionAskLookupCountry(), tracker, dispatcher)
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]][:2]
    assert titles == ["Kongo-Kinshasa", "Kongo-Brazzaville"]


def test_family_question_offers_just_me(dispatcher):
    tracker = make_tracker("", slots={"language": "en", "requested_slot": "lookup_family"})
    run(ActionAskLookupFamily(), tracker, dispatcher)
    assert dispatcher.messages[0]["buttons"][0]["title"] == text("form", "alone_button", "en")


def test_answer_renders_the_calculation_and_keeps_a_summary(dispatcher):
    slots = {"language": "fa", "lookup_country": "IQ", "lookup_family": "given", "lookup_adults": 1.0,
             "lookup_children": 2.0}
    events = slot_events(run(ActionSupportAnswer(), make_tracker("", slots=slots), dispatcher))
    assert format_eur(400, "fa") in dispatcher.messages[0]["text"]  # 1 × 200 + 2 × 100
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/request_human"
    assert events["lookup_country"] is None  # the next lookup starts fresh
    assert events["lookup_summary"].startswith("country=IQ adults=1 children=2")


def test_stopped_resets_the_form(dispatcher):
    events = slot_events(run(ActionSupportStopped(), make_tracker("", slots={"language": "ru"}), dispatcher))
    assert dispatcher.messages[0]["text"] == text("form", "stopped", "ru")
    assert all(v is None for v in events.values())


def test_validation_back_after_an_faq_asks_the_same_question_again(dispatcher):
    events = [{"event": "user", "text": "Wer zahlt das Ticket?"},
              {"event": "action_execution_rejected", "name": "support_form"},
              {"event": "action", "name": "utter_faq"}, {"event": "action", "name": "action_fact_note"},
              {"event": "action", "name": "support_form"}]
    tracker = make_tracker("Wer zahlt das Ticket?", intent="faq", events=events,
                           slots={"language": "de", "requested_slot": "lookup_country"})
    assert slot_events(run(ValidateSupportForm(), tracker, dispatcher)) == {"requested_slot": "lookup_country"}
