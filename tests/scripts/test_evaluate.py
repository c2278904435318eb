"""`make evaluate` as a maintainer meets it (scripts/evaluate.py): the report, the images, the exit code, and
which evaluation becomes the baseline. The model's predictions are given, so no training is needed."""
from __future__ import annotations

import json

import pytest

from scripts import evaluate
from tests.wegweiser.maintenance.test_evaluation import predictions


@pytest.fixture()
def run(monkeypatch, tmp_path):
    monkeypatch.setattr(evaluate, "OUT", tmp_path / "evaluation")
    monkeypatch.setenv("MODEL", str(tmp_path / "new.tar.gz"))
    monkeypatch.setenv("PREVIOUS_MODEL", str(tmp_path / "missing.tar.gz"))
    monkeypatch.delenv("EVAL_BASELINE", raising=False)
    monkeypatch.delenv("EVAL_MAX_DROP", raising=False)
    monkeypatch.setenv("STORIES", "0")
    monkeypatch.setenv("FIRST_ANSWERS", "0")
    monkeypatch.setenv("ROUND2", "0")

    def run_with(model_predictions: list, uncovered: list = ()) -> int:
        monkeypatch.setattr(evaluate, "predictions_of", lambda model: model_predictions)
        monkeypatch.setattr(evaluate, "uncovered_predictions", lambda model: list(uncovered))
        return evaluate.main()

    return run_with


def test_a_deliberately_worse_model_fails_and_lists_what_got_worse(run, tmp_path, capsys):
    good = predictions("de", 20, 0) + predictions("ar", 20, 0)
    assert run(good) == 0
    baseline = tmp_path / "evaluation" / "baseline.json"
    assert json.loads(baseline.read_text())["predictions"] == good
    assert (tmp_path / "evaluation" / "confusion-ar.png").stat().st_size > 1000

    worse = [dict(p) for p in good]
    worse[21]["got"] = "faq/other"  # one Arabic message now wrong: 100 % -> 95 %
    assert run(worse) == 1
    report = (tmp_path / "evaluation" / "report.md").read_text()
    assert "**FAILED**: ar: 5.0 points worse than the previous model (allowed: 1)" in report
    assert "### Got worse (1)" in report and "| ar | qar1 | faq/topic_1 | faq/topic_1 | faq/other |" in report
    assert "FAILED: ar: 5.0 points worse" in capsys.readouterr().out
    assert json.loads(baseline.read_text())["predictions"] == good  # a failed evaluation is not the new baseline


def test_a_language_below_its_floor_fails_without_any_previous_model(run):
    assert run(predictions("de", 20, 0) + predictions("en", 12, 8)) == 1


def test_the_allowed_drop_is_configurable(run, monkeypatch):
    good = predictions("de", 20, 0)
    assert run(good) == 0
    worse = [dict(p) for p in good]
    worse[0]["got"] = "faq/other"
    monkeypatch.setenv("EVAL_MAX_DROP", "5")
    assert run(worse) == 0


def test_crisis_recall_counts_crisis_messages_per_language_and_lists_the_misses():
    records = [("crisis", "crisis", "ar", "a1"), ("crisis", "nlu_fallback", "ar", "a2"),
               ("crisis", "crisis", "de", "d1"), ("greet", "crisis", "de", "d2"), ("faq/x", "faq/x", "en", "e1")]
    caught, missed = evaluate.crisis_recall(records)
    assert caught == {"ar": (1, 2), "de": (1, 1)}  # a false crisis (d2) is not a caught one; en has none
    assert missed == [("ar", "a2", "nlu_fallback")]


def test_cross_validation_reports_crisis_recall_and_the_missed_messages(run, tmp_path, monkeypatch):
    cv = evaluate.CrossValidation({"ar": 0.9, "de": 0.8}, {"ar": (9, 10), "de": (4, 4)},
                                  [("ar", "رسالة | فيها خط", "nlu_fallback")])
    monkeypatch.setattr(evaluate, "cross_validation", lambda: cv)
    monkeypatch.setenv("CV", "1")
    run(predictions("de", 20, 0))
    report = (tmp_path / "evaluation" / "report.md").read_text()
    assert "| ar | 90.0% |" in report
    assert "| ar | 9 | 10 | 90% |" in report and "| de | 4 | 4 | 100% |" in report
    assert "| ar | رسالة \\| فيها خط | nlu_fallback |" in report


def test_uncovered_questions_answered_with_another_topic_fail_the_evaluation(run, tmp_path, capsys):
    good = predictions("de", 20, 0)
    honest = [("de", f"q{i}", "uncovered") for i in range(20)]
    assert run(good, honest) == 0
    wrong = honest[:14] + [("de", f"q{i}", "faq/before_leaving") for i in range(14, 20)]
    assert run(good, wrong) == 1  # 6 of 20 = 30 % > the 25 % floor
    report = (tmp_path / "evaluation" / "report.md").read_text()
    assert "## Questions no FAQ covers" in report and "| q18 | faq/before_leaving |" in report
    assert "## Short first messages" in report
    out = capsys.readouterr().out
    assert "de: 6 of 20 uncovered questions got another topic's answer" in out
