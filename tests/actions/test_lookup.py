"""The lookup form's actions through Rasa SDK trackers."""
from __future__ import annotations

import asyncio

from actions.lookup import (ActionAskLookupCountry, ActionAskLookupFamily, ActionSupportAnswer, ActionSupportStopped,
                            ValidateSupportForm)
from tests.actions.conftest import make_tracker
from wegweiser.dialogue.lookup_answer import text
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


def test_answer_first_what_is_known_then_the_question(dispatcher):
    events = [{"event": "action", "name": "action_support_intro"}, {"event": "user", "parse_data": {}}]
    tracker = make_tracker("How much money do I get?", slots={"language": "en", "requested_slot": "lookup_country"},
                           events=events)
    run(ActionAskLookupCountry(), tracker, dispatcher)
    answer, question = dispatcher.messages
    assert format_eur(200, "en") in answer["text"] and format_eur(1000, "en") in answer["text"]  # general amounts
    assert question["text"].endswith(text("form", "ask_country", "en"))
    # a country known: per person for its nationals, then "who would travel?"
    dispatcher.messages.clear()
    tracker = make_tracker("I'm from Iraq", slots={"language": "en", "requested_slot": "lookup_family",
                                                   "lookup_country": "IQ"}, events=events)
    run(ActionAskLookupFamily(), tracker, dispatcher)
    answer, question = dispatcher.messages
    assert "Iraq" in answer["text"] and f"{format_eur(200, 'en')} per adult" in answer["text"]
    assert question["text"].endswith(text("form", "ask_family", "en"))
    # asked once: the next question comes alone
    dispatcher.messages.clear()
    tracker = make_tracker("", slots={"language": "en", "requested_slot": "lookup_family", "lookup_country": "IQ"},
                           events=events + [{"event": "action", "name": "action_ask_lookup_family"}])
    run(ActionAskLookupFamily(), tracker, dispatcher)
    assert [m["text"] for m in dispatcher.messages] == [text("form", "ask_family", "en")]


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
