"""The first-answer review set (tests/first_answers.yml, issue 16): each question as the first message of a new
conversation to the real Rasa and action servers, judged by its must / must-not patterns. Enforced per
language: at least FIRST_ANSWER_FLOOR right and no answer stating a rule for the wrong country or status
(the same scoring `make evaluate` reports)."""
from __future__ import annotations

from wegweiser.maintenance.evaluation_sets import (FIRST_ANSWER_FLOOR, WRONG_RULE_MAX, first_answer_cases, judge,
                                                   score_first_answers)


def test_first_answers_answer_the_point_for_the_right_country(rasa_chat, capsys):
    verdicts = []
    for case in first_answer_cases():
        answer = "\n".join(m.get("text") or "" for m in rasa_chat.send(case.text))
        verdicts.append(judge(case, answer))
    scores = score_first_answers(verdicts)
    with capsys.disabled():
        print("\nfirst answers right:", ", ".join(f"{lang} {s.right}/{s.total}" for lang, s in scores.items()))
    assert len(scores) >= 6 and all(s.total >= 15 for s in scores.values())
    for language, s in scores.items():
        misses = [(v.case.id, v.missing, v.forbidden) for v in s.verdicts if not v.ok]
        assert s.accuracy >= FIRST_ANSWER_FLOOR, f"{language}: {s.right}/{s.total}; {misses}"
        assert s.wrong_rule <= WRONG_RULE_MAX, f"{language}: {misses}"
