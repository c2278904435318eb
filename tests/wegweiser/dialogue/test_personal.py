"""Answers that depend on the person's country or status say what applies to them first
(wegweiser/dialogue/personal.py): computed by the lookup's rules, in the lookup's words."""
from __future__ import annotations

import datetime as dt

import pytest

from wegweiser.content import language_codes
from wegweiser.dialogue.eligibility import Person
from wegweiser.dialogue.lookup_answer import text
from wegweiser.dialogue.personal import lead, lead_for_message, person_from, topic_programmes
from wegweiser.render import template_values

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(
    "topic, person, must, must_not",
    [
        # Moldova is not in the EU: REAG/GARP is open, with the reduced travel allowance
        ("eu_citizens", Person("MD"), ["applies", "reduced"], ["cannot use"]),
        # Romania is: excluded, except trafficking victims
        ("eu_citizens", Person("RO"), ["does not apply", "Citizens of EU countries cannot use"], []),
        # never an EURP promise for a country not on its list
        ("reintegration", Person("AF"), ["EURP: does not cover Afghanistan"], ["EURP: likely"]),
        ("reintegration", Person("RU"), ["EURP: does not cover Russia"], ["NRP"]),
        ("reintegration", Person("IQ"), ["EURP: likely applies"], []),
        # Türkiye: the stay rule, whatever the topic
        ("startup_aid", Person("TR"), ["more than 6 months", "June 30, 2025"], []),
        ("startup_aid", Person("TR", months_in_germany=5), ["no more than 6 months"], ["€1,000 per adult"]),
        # start-up aid: never "not on the list"
        ("startup_aid", Person("AF"), ["No current official list"], ["not on"]),
        # a recognised refugee reads the warning first, and that REAG/GARP means giving up protection
        ("syria", Person("SY", status="recognised"), ["Important before anything else", "NRP SYR: may apply"],
         ["EURP: does not cover"]),
        ("eligibility", Person(None, status="recognised"), ["Important before anything else"], ["For "]),
        ("third_country", Person("IQ", destination="FR"), ["does not apply", "another EU country"], []),
    ],
)
def test_the_answer_starts_with_what_applies_to_the_person(topic, person, must, must_not):
    found = lead(topic, person, "en", today=TODAY)
    assert found.endswith("\n\n")
    for part in must:
        assert part in found, (part, found)
    for part in must_not:
        assert part not in found, (part, found)


def test_warnings_come_before_anything_else():
    found = lead("syria", Person("SY", status="recognised"), "de", today=TODAY)
    assert found.startswith(text("warnings", "protection_at_risk", "de", template_values("de")))


def test_nothing_when_nothing_is_known_or_the_topic_does_not_depend_on_it():
    assert lead("startup_aid", Person(), "en") == ""
    assert lead("eligibility", Person(status="rejected"), "en") == ""  # a status without a warning, no country
    assert lead("passport", Person("IQ"), "en") == ""  # a warnings-only topic without a warning
    assert lead("passport", Person("IQ", status="recognised"), "en").startswith("Important before anything else")
    assert lead("data_privacy", Person("IQ"), "en") == ""
    assert lead_for_message("bot_identity", "Ich komme aus dem Irak, bist du ein Bot?", "de", {}) == ""


@pytest.mark.parametrize("language", ["de", "en", "ar", "fa", "ru", "tr"])
def test_every_language(language):
    found = lead("reintegration", Person("AF"), language, today=TODAY)
    assert "{" not in found and "EURP" in found


def test_the_country_comes_from_the_message_or_else_from_the_conversation():
    assert person_from("Я из Молдовы", "ru", {}).country == "MD"
    assert person_from("what about reintegration?", "en", {"lookup_country": "IQ"}).country == "IQ"
    assert person_from("I am a recognised refugee", "en", {}).status == "recognised"
    assert "Moldova" in lead_for_message("eu_citizens", "I'm from Moldova, am I excluded as an EU citizen?", "en", {})


def test_every_personal_topic_starts_with_the_placeholder_in_every_language():
    from wegweiser.faq import load_faq_answers

    answers = load_faq_answers()
    for topic in topic_programmes():
        for language in language_codes():
            assert answers[topic][language].startswith("{personal_lead}"), (topic, language)
