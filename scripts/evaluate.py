"""`make evaluate`: how good is the trained model, and what changed since the last accepted one?

Writes results/evaluation/report.md with, per language: held-out accuracy and macro F1, a confusion
matrix image, the misclassified messages; the story test results; optionally cross-validation (CV=1,
three more NLU trainings, several minutes), with how many crisis messages in unseen wordings still get
the crisis answer; and the comparison with the previous model — which
messages got worse or better.

Exits 1 when a language is below its floor (wegweiser/maintenance/evaluation.py) or more than EVAL_MAX_DROP points
(default 1) worse than the previous model. The previous model's predictions are the last evaluation that
passed (results/evaluation/baseline.json), or, if there is none, models/previous.tar.gz (kept by
`make reload`) evaluated now. A passing evaluation becomes the new baseline.

It also scores the round-2 crisis and uncovered sets (scripts/evaluate_round2.py; reported, no floor) and the sets of wegweiser/maintenance/evaluation_sets.py: uncovered questions (how many get another topic's
answer), short first messages (the answer language picked) and the first-answer review set (each first
question sent to the real Rasa and action servers; FIRST_ANSWERS=0 skips it), each per language with its
floor.

Settings (environment): MODEL, EVAL_MAX_DROP, EVAL_BASELINE, CV=1, STORIES=0 (skip story tests),
FIRST_ANSWERS=0 (skip the first-answer review set).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from wegweiser.maintenance.evaluation import (
    Comparison,
    LanguageScore,
    Prediction,
    compare,
    failures,
    floor,
    heldout_examples,
    predict,
    score,
)

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "results" / "evaluation"
CRISIS = "crisis"


@dataclass(frozen=True)
class Settings:
    model: Path
    previous_model: Path
    baseline: Path
    max_drop_points: float
    cross_validate: bool
    stories: bool
    first_answers: bool
    round2: bool

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            model=Path(os.environ.get("MODEL", ROOT / "models" / "wegweiser.tar.gz")),
            previous_model=Path(os.environ.get("PREVIOUS_MODEL", ROOT / "models" / "previous.tar.gz")),
            baseline=Path(os.environ.get("EVAL_BASELINE", OUT / "baseline.json")),
            max_drop_points=float(os.environ.get("EVAL_MAX_DROP", "1")),
            cross_validate=os.environ.get("CV", "0") == "1",
            stories=os.environ.get("STORIES", "1") != "0",
            first_answers=os.environ.get("FIRST_ANSWERS", "1") != "0",
            round2=os.environ.get("ROUND2", "1") != "0",
        )


def predictions_of(model: Path) -> List[Prediction]:
    from rasa.core.agent import Agent

    from wegweiser.maintenance.evaluation import quiet_rasa

    quiet_rasa()

    return predict(Agent.load(str(model)), list(heldout_examples()))


def uncovered_predictions(model: Path) -> List[Tuple[str, str, str]]:
    """(language, text, the answer it gets) for every uncovered question."""
    from rasa.core.agent import Agent

    from wegweiser.maintenance.evaluation_sets import uncovered_messages

    messages = uncovered_messages()
    predictions = predict(Agent.load(str(model)), [("?", text) for _, text in messages])
    return [(language, text, p["got"]) for (language, text), p in zip(messages, predictions)]


def first_answer_verdicts(model: Path) -> list:
    """Sends each first question of the review set, in a new conversation, to the real servers."""
    import socket
    import tempfile
    import uuid

    import requests

    from scripts.launch import Services
    from wegweiser.maintenance.evaluation_sets import first_answer_cases, judge

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    verdicts = []
    with tempfile.TemporaryDirectory() as data_dir:
        services = Services(free_port(), free_port(), Path(data_dir), quiet=True)  # serves models/wegweiser.tar.gz
        try:
            services.start()
            url = f"http://127.0.0.1:{services.rasa_port}/webhooks/rest/webhook"
            for case in first_answer_cases():
                reply = requests.post(url, json={"sender": "eval-" + uuid.uuid4().hex[:12], "message": case.text},
                                      timeout=60).json()
                answer = "\n".join(m.get("text") or "" for m in reply)
                verdicts.append(judge(case, answer))
        finally:
            services.stop()
    return verdicts


def sets_report(uncovered, short, answers) -> List[str]:
    from wegweiser.maintenance.evaluation_sets import (FIRST_ANSWER_FLOOR, FIRST_ANSWER_MIN, SHORT_MESSAGE_FLOOR,
                                           UNCOVERED_MAX_SHARE, UNCOVERED_TEST_MAX_SHARE)

    lines = ["## Questions no FAQ covers (tests/nlu/uncovered.yml)", "",
             "A confident answer to another topic is the failure counted here; the clarifying question, the "
             f"out-of-scope answer and the way to a counsellor are honest replies. Target: at most "
             f"{UNCOVERED_MAX_SHARE:.0%}; fails above {UNCOVERED_TEST_MAX_SHARE:.0%} (what the model reached).",
             "", "| language | questions | another topic's answer | share |", "|---|---|---|---|"]
    lines += [f"| {l} | {s.total} | {len(s.confident_wrong)} | {s.share:.0%} |" for l, s in uncovered.items()]
    for language, s in uncovered.items():
        if s.confident_wrong:
            lines += ["", f"### {language}: answered with another topic", "", "| message | got |", "|---|---|"]
            lines += [f"| {_cell(text)} | {got} |" for text, got in s.confident_wrong]
    lines += ["", "## Short first messages (tests/nlu/first_messages.yml)", "",
              f"The answer language a new conversation gets without a client hint. Floor: {SHORT_MESSAGE_FLOOR:.0%}.",
              "", "| language | messages | right language | accuracy | wrong |", "|---|---|---|---|---|"]
    lines += [f"| {l} | {s.total} | {s.right} | {s.accuracy:.0%} | "
              + _cell(", ".join(f"{t} → {g}" for t, g in s.wrong)) + " |" for l, s in short.items()]
    lines += ["", "## First answers (tests/first_answers.yml)", ""]
    if answers is None:
        lines.append("Skipped (FIRST_ANSWERS=0).")
        return lines
    lines += [f"Each question as the first message of a new conversation; the reply must contain every `must` "
              f"pattern and no `must_not` pattern. Target: {FIRST_ANSWER_FLOOR:.0%} and no rule for the wrong "
              f"country or status; fails below {FIRST_ANSWER_MIN:.0%} (what the model reached).", "", "| language | questions | right | accuracy | wrong country/status rule |",
              "|---|---|---|---|---|"]
    lines += [f"| {l} | {s.total} | {s.right} | {s.accuracy:.0%} | {s.wrong_rule} |" for l, s in answers.items()]
    for language, s in answers.items():
        bad = [v for v in s.verdicts if not v.ok]
        if bad:
            lines += ["", f"### {language}: first answers that miss", "", "| id | question | missing | forbidden | answer |",
                      "|---|---|---|---|---|"]
            lines += [f"| {v.case.id} | {_cell(v.case.text)} | {_cell(' ; '.join(v.missing))} | "
                      f"{_cell(' ; '.join(v.forbidden))} | {_cell(v.answer[:300])} |" for v in bad]
    return lines


def confusion_png(language: str, predictions: Sequence[Prediction], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    items = [p for p in predictions if p["language"] == language]
    labels = sorted({p["expected"] for p in items} | {p["got"] for p in items})
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for p in items:
        matrix[index[p["expected"]], index[p["got"]]] += 1
    size = max(6.0, 0.22 * len(labels) + 3)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    short = [label.replace("faq/", "") for label in labels]
    ax.set_xticks(range(len(labels)), short, rotation=90, fontsize=6)
    ax.set_yticks(range(len(labels)), short, fontsize=6)
    for i, j in zip(*np.nonzero(matrix)):
        ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=5,
                color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    ax.set_title(f"held-out confusion matrix: {language}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def story_tests(model: Path) -> Dict[str, object]:
    """`rasa test core` over tests/stories/; results in results/stories."""
    out = ROOT / "results" / "stories"
    start = time.monotonic()
    result = subprocess.run(
        [str(ROOT / ".venv/rasa/bin/rasa"), "test", "core", "--model", str(model), "--stories", "tests/stories", "--e2e",
         "--out", str(out), "--no-plot"],
        cwd=ROOT, capture_output=True, text=True)
    total = sum(path.read_text(encoding="utf-8").count("- story:") for path in (ROOT / "tests" / "stories").glob("test_*.yml"))
    failed_file = out / "failed_test_stories.yml"
    failed_text = failed_file.read_text(encoding="utf-8") if failed_file.exists() else ""
    failed = [line.split(":", 1)[1].strip() for line in failed_text.splitlines() if line.startswith("- story:")]
    return {"total": total, "failed": failed, "returncode": result.returncode, "seconds": round(time.monotonic() - start),
            "error": result.stderr[-2000:] if result.returncode not in (0, 1) else ""}


@dataclass(frozen=True)
class CrossValidation:
    accuracy: Dict[str, float]
    #: language -> (crisis messages answered as a crisis, crisis messages), on wordings the model never saw
    crisis_caught: Dict[str, Tuple[int, int]]
    #: (language, message, what it got) for crisis messages that did not get the crisis answer
    crisis_missed: List[Tuple[str, str, str]]


def crisis_recall(records: Sequence[Tuple[str, str, str, str]]) -> Tuple[Dict[str, Tuple[int, int]],
                                                                         List[Tuple[str, str, str]]]:
    """From (expected, got, language, text): per language, how many crisis messages were answered as one."""
    caught: Dict[str, List[int]] = {}
    missed = []
    for expected, got, language, text in records:
        if expected != CRISIS:
            continue
        counts = caught.setdefault(language, [0, 0])
        counts[1] += 1
        if got == CRISIS:
            counts[0] += 1
        else:
            missed.append((language, text, got))
    return {language: (c[0], c[1]) for language, c in sorted(caught.items())}, missed


def cross_validation(folds: int = 3) -> CrossValidation:
    """Stratified k-fold over data/nlu with this project's config (scripts/compare_pipelines.py's harness).
    The config includes the crisis term list, so crisis recall is that of the classifier and the terms together."""
    import tempfile

    from rasa.model_training import train_nlu

    from scripts.compare_pipelines import evaluate as evaluate_model, folds as make_folds, load_examples, write_nlu
    from wegweiser.maintenance.evaluation import language_of

    examples, responses = load_examples()
    parts = make_folds(examples, folds)
    right: Dict[str, int] = {}
    total: Dict[str, int] = {}
    records: List[Tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        for i in range(folds):
            fold = Path(tmp_name) / str(i)
            fold.mkdir()
            write_nlu(fold / "nlu.yml", [e for j, p in enumerate(parts) if j != i for e in p], responses)
            model = train_nlu(str(ROOT / "config.yml"), str(fold / "nlu.yml"), str(fold / "models"),
                              domain=str(ROOT / "domain"))
            r, t = evaluate_model(model, parts[i], language_of, records)
            for language in t:
                right[language] = right.get(language, 0) + r[language]
                total[language] = total.get(language, 0) + t[language]
    caught, missed = crisis_recall(records)
    return CrossValidation({language: right[language] / total[language] for language in sorted(total)},
                           caught, missed)


def shown(path: Path) -> Path:
    """A path as a maintainer would type it: relative to the project when inside it."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(scores: Dict[str, LanguageScore], comparison: Optional[Comparison], baseline_note: str,
           stories: Optional[Dict[str, object]], cv: Optional[CrossValidation], problems: List[str],
           settings: Settings, seconds: float, sets: Optional[List[str]] = None) -> str:
    lines = [f"# Evaluation of {settings.model.name} ({time.strftime('%Y-%m-%d %H:%M')})", "",
             f"**{'FAILED' if problems else 'PASSED'}**" + (": " + "; ".join(problems) if problems else
                                                             " — every language at or above its floor, no drop "
                                                             f"larger than {settings.max_drop_points:g} point(s)."),
             "", "## Held-out set (tests/nlu/heldout, never trained on)", "",
             "| language | messages | accuracy | macro F1 | floor | vs previous (points) |", "|---|---|---|---|---|---|"]
    for language, s in scores.items():
        delta = comparison.delta_points.get(language) if comparison else None
        lines.append(f"| {language} | {s.total} | {s.accuracy:.1%} | {s.macro_f1:.3f} | {floor(language):.0%} | "
                     f"{'' if delta is None else f'{delta:+.1f}'} |")
    lines += ["", "Confusion matrices: " + ", ".join(f"[{l}](confusion-{l}.png)" for l in scores if l != "??"), ""]
    lines += (sets or []) + [""]
    lines += ["## Compared with the previous model", "", baseline_note, ""]
    if comparison:
        for title, pairs in (("Got worse", comparison.worse), ("Got better", comparison.better),
                             ("Still wrong, different answer", comparison.changed)):
            lines += [f"### {title} ({len(pairs)})", ""]
            if pairs:
                lines += ["| language | message | expected | before | now |", "|---|---|---|---|---|"]
                lines += [f"| {n['language']} | {_cell(n['text'])} | {b['expected']} | {b['got']} | {n['got']} |"
                          for b, n in pairs]
            lines.append("")
    lines += ["## Misclassified held-out messages", ""]
    for language, s in scores.items():
        lines += [f"### {language} ({len(s.errors)})", ""]
        if s.errors:
            lines += ["| message | expected | got |", "|---|---|---|"]
            lines += [f"| {_cell(e['text'])} | {e['expected']} | {e['got']} |" for e in s.errors]
        lines.append("")
    lines += ["## Story tests (tests/stories/, `rasa test core --e2e`)", ""]
    if stories is None:
        lines.append("Skipped (STORIES=0).")
    else:
        lines.append(f"{stories['total'] - len(stories['failed'])} of {stories['total']} stories pass "
                     f"({stories['seconds']} s); details in results/stories/.")
        lines += [f"- failed: {name}" for name in stories["failed"]]
        if stories["error"]:
            lines += ["", "```", str(stories["error"]), "```"]
    lines += ["", "## Cross-validation (3 folds over data/nlu)", ""]
    if cv is None:
        lines.append("Skipped; run `make evaluate CV=1` (three more NLU trainings: several minutes).")
    else:
        lines += ["| language | accuracy |", "|---|---|"] + [f"| {l} | {a:.1%} |" for l, a in cv.accuracy.items()]
        lines += ["", "### Crisis messages in wordings the model never saw", "",
                  "A crisis message must get the emergency numbers. Counted here: crisis examples of the left-out "
                  "fold that got the crisis answer (classifier or a term of content/safety.yml). For each miss, "
                  "add a term to content/safety.yml (no retraining) when it is unambiguous, or more crisis "
                  "examples to data/nlu/core.yml.", "",
                  "| language | answered as a crisis | of | recall |", "|---|---|---|---|"]
        lines += [f"| {l} | {c} | {t} | {c / t:.0%} |" for l, (c, t) in cv.crisis_caught.items()]
        if cv.crisis_missed:
            lines += ["", "| language | crisis message | got |", "|---|---|---|"]
            lines += [f"| {l} | {_cell(text)} | {got} |" for l, text, got in cv.crisis_missed]
    lines += ["", f"Evaluation took {seconds:.0f} s. Command: `make evaluate`."]
    return "\n".join(lines) + "\n"


def main() -> int:
    settings = Settings.from_env()
    start = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    predictions = predictions_of(settings.model)
    scores = score(predictions)
    for language in scores:
        if language != "??":
            confusion_png(language, predictions, OUT / f"confusion-{language}.png")
    if settings.baseline.exists():
        previous = json.loads(settings.baseline.read_text(encoding="utf-8"))["predictions"]
        note = f"Previous: the last evaluation that passed ({shown(settings.baseline)})."
    elif settings.previous_model.exists():
        previous = predictions_of(settings.previous_model)
        note = f"Previous: {settings.previous_model.name}, evaluated now."
    else:
        previous = None
        note = "No previous evaluation or model: this one becomes the baseline if it passes."
    comparison = compare(previous, predictions) if previous is not None else None
    stories = story_tests(settings.model) if settings.stories else None
    cv = cross_validation() if settings.cross_validate else None
    from wegweiser.maintenance.evaluation_sets import score_first_answers, score_first_messages, score_uncovered, set_failures

    uncovered = score_uncovered(uncovered_predictions(settings.model))
    short = score_first_messages()
    answers = score_first_answers(first_answer_verdicts(settings.model)) if settings.first_answers else None
    problems = failures(scores, comparison, settings.max_drop_points) + set_failures(uncovered, short, answers)
    if stories and (stories["failed"] or stories["error"]):
        problems.append(f"{len(stories['failed'])} story test(s) failed" if stories["failed"] else "story tests did not run")
    from scripts.evaluate_round2 import round2_lines

    round2 = round2_lines(str(settings.model)) if settings.round2 else []
    text = report(scores, comparison, note, stories, cv, problems, settings, time.monotonic() - start,
                  sets_report(uncovered, short, answers) + [""] + round2)
    (OUT / "report.md").write_text(text, encoding="utf-8")
    record = {"model": str(settings.model), "date": time.strftime("%Y-%m-%d %H:%M"), "predictions": predictions}
    (OUT / "predictions.json").write_text(json.dumps(record, ensure_ascii=False, indent=0), encoding="utf-8")
    for language, s in scores.items():
        delta = comparison.delta_points.get(language) if comparison else None
        print(f"{language}: {s.right}/{s.total} = {s.accuracy:.1%}, macro F1 {s.macro_f1:.3f}"
              + ("" if delta is None else f", {delta:+.1f} points vs previous"))
    print("language | held-out | uncovered answered with another topic | short messages right | first answers right")
    for language in sorted(set(scores) | set(uncovered) | set(short) - {"??"}):
        cells = [f"{scores[language].accuracy:.1%}" if language in scores else "-",
                 f"{len(uncovered[language].confident_wrong)}/{uncovered[language].total}" if language in uncovered else "-",
                 f"{short[language].right}/{short[language].total}" if language in short else "-",
                 f"{answers[language].right}/{answers[language].total}" if answers and language in answers else "-"]
        print(f"{language} | " + " | ".join(cells))
    print("\n".join(line for line in round2 if line.startswith("|")))
    if comparison:
        print(f"vs previous: {len(comparison.worse)} message(s) worse, {len(comparison.better)} better")
    if stories:
        print(f"story tests: {stories['total'] - len(stories['failed'])}/{stories['total']} pass")
    print(f"report: {shown(OUT / 'report.md')}")
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    shutil.copyfile(OUT / "predictions.json", settings.baseline)
    print("PASSED; these predictions are the new baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
