"""Answers on deportation, entry bans and coming back later (counsellor review): the rule first, from the
programme data with its source and status, then the counsellor/lawyer line — in every language."""
from __future__ import annotations

import pytest

from wegweiser.content import language_codes
from wegweiser.dialogue.turn import fact_note
from wegweiser.facts import all_facts
from wegweiser.faq import load_faq_answers
from wegweiser.texts import message

TOPICS = ("come_back_later", "entry_ban")


@pytest.mark.parametrize("language", list(language_codes()))
@pytest.mark.parametrize("topic", TOPICS)
def test_leaving_within_the_deadline_avoids_the_ban_is_said_first(topic, language):
    answer = load_faq_answers()[topic][language]
    first = answer.split("\n", 1)[0]
    # the rule: § 11 AufenthG, named in the first sentence, before any list or referral
    assert "{legal_ban_basis}" in first, first
    # the deportation's costs are the person's (§ 66 AufenthG), and the own case goes to a counsellor or lawyer last
    assert "{legal_deportation_costs_basis}" in answer
    assert "{legal_ban_max_years}" in answer and "{legal_ban_missed_deadline_years}" in answer
    assert answer.index("{legal_deportation_costs_basis}") < answer.rindex("\n\n")


def test_the_legal_basis_is_in_the_programme_data_with_its_source():
    fact = all_facts()["legal_ban_basis"]
    assert fact.value == "§ 11 AufenthG" and list(fact.sources) == ["buzer11"] and fact.status == "verified"


@pytest.mark.parametrize("language", list(language_codes()))
@pytest.mark.parametrize("topic", TOPICS)
def test_the_answer_is_dated_and_says_some_facts_are_not_confirmed(topic, language):
    note = fact_note(topic, language, {})
    assert note is not None
    # the usual maximum and the missed-deadline ban are only "probable" (lawyer source)
    assert message("some_unconfirmed", language) in note
