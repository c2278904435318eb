"""The lookup form's logic: what a message fills, what is asked next, what the answer is based on."""
from __future__ import annotations

import pytest

from wegweiser.dialogue.lookup_form import (ADULTS, CAR, CHILDREN, COUNTRY, FAMILY, QUESTION, STATUS, next_question,
                                   person, required_slots, summary, understand)


def test_everything_in_one_message():
    updates = understand("I am from Iraq, we are 2 adults and 3 children", "en", "ask_support", {})
    assert updates[COUNTRY] == "IQ" and updates[FAMILY] == "given"
    assert (updates[ADULTS], updates[CHILDREN]) == (2.0, 3.0)


def test_skip_answers_the_question_that_was_asked():
    assert understand("weiß nicht", "de", "dont_know", {"requested_slot": COUNTRY}) == {COUNTRY: "skipped", QUESTION: None}
    assert understand("skip", "en", "dont_know", {"requested_slot": FAMILY}) == {FAMILY: "skipped", QUESTION: None}


@pytest.mark.parametrize("intent", ["stop", "crisis", "request_human", "legal_own_case", "goodbye"])
def test_leaving_intents_are_not_answers(intent):
    assert understand("Irak stop", "de", intent, {"requested_slot": COUNTRY}) == {}


def test_an_faq_in_between_is_not_an_answer():
    assert understand("Wer bezahlt das Ticket?", "de", "faq", {"requested_slot": COUNTRY}) == {}


def test_an_unrecognised_answer_asks_again_instead_of_guessing():
    updates = understand("blabla", "en", "nlu_fallback", {"requested_slot": COUNTRY})
    assert updates == {QUESTION: "not_understood"}
    assert next_question({"requested_slot": COUNTRY, **updates})[0] == "country_not_understood"


def test_ambiguous_country_is_asked_back():
    updates = understand("Kongo", "de", "inform", {"requested_slot": COUNTRY})
    assert COUNTRY not in updates and updates[QUESTION].startswith("ambiguous:")
    key, values = next_question({"requested_slot": COUNTRY, **updates})
    assert key == "ambiguous_country" and set(values["codes"]) == {"CD", "CG"}


def test_two_nationalities_are_asked_back():
    updates = understand("I have Syrian and Turkish citizenship", "en", "inform", {"requested_slot": COUNTRY})
    key, values = next_question({"requested_slot": COUNTRY, **updates})
    assert key == "which_country" and set(values["codes"]) == {"SY", "TR"}


def test_stateless_is_taken_and_a_counsellor_checks():
    updates = understand("I am stateless", "en", "inform", {"requested_slot": COUNTRY})
    assert updates[COUNTRY] == "stateless"
    assert person(updates).stateless and person(updates).country is None


def test_status_and_car_are_taken_when_mentioned():
    updates = understand("Ich bin aus Syrien, habe eine Duldung und fahre mit dem Auto", "de", "inform", {})
    assert updates[STATUS] == "duldung" and updates[CAR] is True


@pytest.mark.parametrize(
    "slots, expected",
    [
        ({}, [COUNTRY, FAMILY]),
        ({COUNTRY: "IQ"}, [COUNTRY, FAMILY]),
        ({COUNTRY: "RO"}, [COUNTRY]),  # EU citizen: no programme pays, so who travels is not asked
        ({COUNTRY: "RO", STATUS: "trafficking_victim"}, [COUNTRY, FAMILY]),
        ({COUNTRY: "DE"}, [COUNTRY]),
    ],
)
def test_only_what_the_answer_needs_is_asked(slots, expected):
    assert required_slots(slots) == expected


def test_person_and_summary_from_slots():
    slots = {COUNTRY: "AF", FAMILY: "given", ADULTS: 2.0, CHILDREN: 1.0, STATUS: "duldung", CAR: False}
    p = person(slots)
    assert (p.country, p.adults, p.children, p.status, p.car) == ("AF", 2, 1, "duldung", False)
    assert summary(slots) == "country=AF adults=2 children=1 status=duldung car=no"
    assert person({COUNTRY: "skipped", FAMILY: "skipped"}).family_known is False


def test_an_faq_that_mentions_travelling_is_still_an_faq():
    assert understand("Wer bezahlt das Flugticket für die Rückreise?", "de", "faq", {"requested_slot": COUNTRY}) == {}
