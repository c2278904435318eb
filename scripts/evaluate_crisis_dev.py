"""Scores a trained model, and the crisis terms alone, on the crisis development set
(tests/components/crisis_dev.yml: written before tuning by the one who then tuned on it, so optimistic).

    PYTHONPATH=$PWD nice -n 19 .venv/rasa/bin/python scripts/evaluate_crisis_dev.py [models/wegweiser.tar.gz]
"""
from __future__ import annotations

import sys

from wegweiser.content import read_yaml
from wegweiser.maintenance.evaluation import predict
from wegweiser.nlu.safety import CrisisTerms
from wegweiser.paths import PROJECT_ROOT

LANGUAGES = ("de", "en", "ar", "fa", "ru", "tr", "es", "ka", "sq", "mk")
DEV_SET = PROJECT_ROOT / "tests" / "components" / "crisis_dev.yml"


def main(model: str) -> None:
    from rasa.core.agent import Agent

    dev = read_yaml(DEV_SET)
    sets = [("crisis", lang, text) for lang in LANGUAGES for text in dev["crisis"][lang]]
    sets += [("not_crisis", lang, text) for lang in LANGUAGES for text in dev["not_crisis"][lang]]
    predictions = predict(Agent.load(model), [("?", text) for _, _, text in sets])
    terms = CrisisTerms.from_content()
    table, misses = {}, []
    for (name, lang, text), p in zip(sets, predictions):
        is_crisis = p["got"] == "crisis"
        by_terms = bool(terms.match(text))
        ok = is_crisis if name == "crisis" else not is_crisis
        ok_terms = by_terms if name == "crisis" else not by_terms
        cell = table.setdefault((name, lang), [0, 0, 0])
        cell[0] += ok
        cell[1] += ok_terms
        cell[2] += 1
        if not ok:
            misses.append((name, lang, text, p["got"]))
    print(f"model: {model}")
    print("| set | " + " | ".join(LANGUAGES) + " | all |")
    print("|---|" + "---|" * (len(LANGUAGES) + 1))
    for name, meaning in (("crisis", "crisis answer"), ("not_crisis", "no crisis answer")):
        for column, label in ((0, "model + terms"), (1, "terms alone")):
            cells = [table[(name, lang)] for lang in LANGUAGES]
            right, total = sum(c[column] for c in cells), sum(c[2] for c in cells)
            print(f"| {name} ({meaning}), {label} | "
                  + " | ".join(f"{c[column]}/{c[2]}" for c in cells) + f" | {right}/{total} |")
    print("\nmisses (model + terms):")
    for name, lang, text, got in misses:
        print(f"  {name}/{lang}: {text!r} -> {got}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(PROJECT_ROOT / "models" / "wegweiser.tar.gz"))
