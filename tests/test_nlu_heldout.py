"""Intent accuracy per language on the held-out set (tests/nlu/heldout/, never used for training).

For FAQ messages the full retrieval intent counts (`faq/travel_costs`), i.e. the answer the person
would get, not just "some FAQ". Prints a table and writes results/heldout.json. The floors per
language are in wegweiser/maintenance/evaluation.py (shared with `make evaluate`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from wegweiser.content import read_yaml
from wegweiser.maintenance.evaluation import floor, heldout_examples, predict, score
from wegweiser.paths import PROJECT_ROOT

MODEL = Path(os.environ.get("WEGWEISER_MODEL", PROJECT_ROOT / "models" / "wegweiser.tar.gz"))


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def test_heldout_intent_accuracy_per_language(agent, capsys):
    examples = list(heldout_examples())
    assert examples, "no held-out examples found"
    scores = score(predict(agent, examples))
    results = {lang: {"accuracy": s.accuracy, "right": s.right, "total": s.total, "errors": s.errors}
               for lang, s in scores.items()}
    out = PROJECT_ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / "heldout.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    with capsys.disabled():
        print("\nheld-out intent accuracy (full retrieval intent):")
        for lang, s in scores.items():
            mark = "meets" if s.accuracy >= floor(lang) else "BELOW"
            print(f"  {lang}: {s.right}/{s.total} = {s.accuracy:.1%}  ({mark} the {floor(lang):.0%} floor)")
    for lang, s in scores.items():
        if lang == "??":
            continue
        assert s.total >= 10, f"{lang}: only {s.total} held-out messages"
        assert s.accuracy >= floor(lang), f"{lang}: {s.accuracy:.1%} < {floor(lang):.0%}; errors: {s.errors[:10]}"


def training_texts():
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")):
        for block in read_yaml(path).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:].strip()


def _key(text: str) -> str:
    return text.lower().strip(" ?!.")


def test_heldout_messages_are_not_training_examples():
    trained = {_key(t) for t in training_texts()}
    leaked = [text for _, text in heldout_examples() if _key(text) in trained]
    assert not leaked, f"held-out messages also in data/nlu (remove them there): {leaked}"


def test_uncovered_questions_get_an_honest_answer_not_another_topic(agent, capsys):
    """tests/nlu/uncovered.yml: return questions no FAQ covers; a confident answer to another topic is the
    failure (floor per language in wegweiser/maintenance/evaluation_sets.py, shared with `make evaluate`)."""
    from wegweiser.maintenance.evaluation_sets import UNCOVERED_TEST_MAX_SHARE, score_uncovered, uncovered_messages

    messages = uncovered_messages()
    predictions = predict(agent, [("?", text) for _, text in messages])
    scores = score_uncovered((language, text, p["got"]) for (language, text), p in zip(messages, predictions))
    with capsys.disabled():
        print("\nuncovered questions answered with another topic:")
        for lang, s in scores.items():
            print(f"  {lang}: {len(s.confident_wrong)}/{s.total} = {s.share:.0%}")
    for lang, s in scores.items():
        assert s.total >= 20, f"{lang}: only {s.total} uncovered questions"
        assert s.share <= UNCOVERED_TEST_MAX_SHARE, f"{lang}: {s.share:.0%}; {s.confident_wrong}"
