"""How the evaluation sets are scored (wegweiser/maintenance/evaluation_sets.py): the rules, on made-up answers."""
from __future__ import annotations

from wegweiser.maintenance.evaluation_sets import (FirstAnswerCase, FirstMessages, judge, normalise_answer, score_first_answers,
                                       score_first_messages, score_uncovered, set_failures)


def test_answers_are_normalised_before_matching():
    assert normalise_answer("1.000\u00a0€ und €1,000 und ١٬٠٠٠ و ۴۰۰۰") == "1000 € und €1000 und 1000 و 4000"
    assert normalise_answer("مُساعَدة") == "مساعدة"


def test_a_first_answer_needs_every_must_and_no_must_not():
    case = FirstAnswerCase("x", "en", "I'm from Moldova", ("moldova", "reduced"), ("eu citizens .* excluded",), "MD")
    assert judge(case, "Moldova: the travel allowance is reduced.").ok
    missing = judge(case, "Moldova: you get €200.")
    assert not missing.ok and missing.missing == ("reduced",) and not missing.wrong_rule
    wrong = judge(case, "Moldova is reduced. EU citizens are excluded.")
    assert not wrong.ok and wrong.wrong_rule  # the rule of another country, said to this person
    scores = score_first_answers([missing, wrong, wrong, judge(case, "Moldova: reduced")])
    assert scores["en"].right == 1 and scores["en"].wrong_rule == 2
    assert any("wrong country" in p for p in set_failures({}, {}, scores))


def test_not_understood_is_a_miss_not_a_wrong_rule():
    case = FirstAnswerCase("x", "en", "I'm from Moldova", ("moldova",), ("did not (quite )?understand",), "MD")
    from wegweiser.texts import message

    verdict = judge(case, message("clarify", "en"))
    assert not verdict.ok and not verdict.wrong_rule


def test_uncovered_questions_count_only_confident_answers_to_another_topic():
    scores = score_uncovered([("de", "a", "nlu_fallback"), ("de", "b", "faq/before_leaving"),
                              ("de", "c", "out_of_scope"), ("de", "d", "faq/payout")])
    assert scores["de"].total == 4 and scores["de"].confident_wrong == [("b", "faq/before_leaving"), ("d", "faq/payout")]
    assert set_failures(scores, {}, None)  # 50 % > the floor


def test_short_messages_accept_either_language_where_the_words_are_shared():
    sets = FirstMessages({"fa": ["سلام خوبی", "سفر"], "en": ["hi"]}, {"سفر": frozenset({"ar", "fa"})})
    scores = score_first_messages(sets)
    assert scores["fa"].right == 2 and scores["en"].right == 1
