"""Scores a trained model on the round-2 evaluation sets (written 2026-12-06 before tuning, never training):

tests/nlu/crisis_round2.yml     per language: crisis wordings that must get the crisis answer (intent `crisis`)
                                and everyday look-alikes that must not
tests/nlu/uncovered_round2.yml  per language: return questions no FAQ covers; a reply outside the honest ones
                                (wegweiser.maintenance.evaluation_sets.HONEST) is another topic's answer

Parses every message with the model's full NLU pipeline (the crisis guard included) and prints a table and
every miss. Measures only; nothing here is a floor. `make evaluate` adds the table and the misses to its report
(`round2_lines`).

    PYTHONPATH=$PWD nice -n 19 .venv/rasa/bin/python scripts/evaluate_round2.py [models/wegweiser.tar.gz]
"""
from __future__ import annotations

import sys

from wegweiser.content import read_yaml
from wegweiser.maintenance.evaluation import predict
from wegweiser.maintenance.evaluation_sets import HONEST
from wegweiser.paths import PROJECT_ROOT

LANGUAGES = ("de", "en", "ar", "fa", "ru", "tr", "es", "ka", "sq", "mk")


def round2_lines(model: str) -> list:
    """The table and the misses, as Markdown lines."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    crisis = read_yaml(PROJECT_ROOT / "tests" / "nlu" / "crisis_round2.yml")
    uncovered = read_yaml(PROJECT_ROOT / "tests" / "nlu" / "uncovered_round2.yml")["uncovered"]
    sets = [("crisis", lang, text) for lang in LANGUAGES for text in crisis[lang]]
    sets += [("not_crisis", lang, text) for lang in LANGUAGES for text in crisis["not_crisis"][lang]]
    sets += [("uncovered", lang, text) for lang in LANGUAGES for text in uncovered[lang]]
    predictions = predict(agent, [("?", text) for _, _, text in sets])
    right = {"crisis": lambda got: got == "crisis", "not_crisis": lambda got: got != "crisis",
             "uncovered": lambda got: got in HONEST}
    table = {}
    misses = []
    for (name, lang, text), p in zip(sets, predictions):
        ok = right[name](p["got"])
        cell = table.setdefault((name, lang), [0, 0])
        cell[0] += ok
        cell[1] += 1
        if not ok:
            misses.append((name, lang, text, p["got"]))
    lines = ["## Round-2 sets: crisis wordings and uncovered questions nobody tuned on (tests/nlu/*_round2.yml)", "",
             "| set | " + " | ".join(LANGUAGES) + " | all |", "|---|" + "---|" * (len(LANGUAGES) + 1)]
    for name, meaning in (("crisis", "crisis answer"), ("not_crisis", "no crisis answer"),
                          ("uncovered", "honest reply")):
        cells = [table[(name, lang)] for lang in LANGUAGES]
        total = [sum(c[0] for c in cells), sum(c[1] for c in cells)]
        lines.append(f"| {name} ({meaning}) | " + " | ".join(f"{r}/{t}" for r, t in cells + [total]) + " |")
    lines += ["", "Misses:", ""] + [f"- {name}/{lang}: {text!r} -> {got}" for name, lang, text, got in misses]
    return lines


def main(model: str) -> None:
    print(f"model: {model}")
    print("\n".join(round2_lines(model)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(PROJECT_ROOT / "models" / "wegweiser.tar.gz"))
