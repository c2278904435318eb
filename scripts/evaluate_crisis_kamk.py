"""Scores the crisis terms (and, given a model, the full NLU pipeline with the crisis guard) on the Georgian and
Macedonian crisis sets of task crisis21c (tests/components/crisis_kamk.yml: set A tuned on, set B the test),
per language and script (Georgian/Cyrillic letters or Latin letters).

    PYTHONPATH=$PWD nice -n 19 .venv/rasa/bin/python scripts/evaluate_crisis_kamk.py [a|b] [models/x.tar.gz]
"""
from __future__ import annotations

import logging
import re
import sys

from wegweiser.content import read_yaml
from wegweiser.nlu.safety import CrisisTerms
from wegweiser.paths import PROJECT_ROOT

SETS = PROJECT_ROOT / "tests" / "components" / "crisis_kamk.yml"
LATIN = re.compile(r"^[\x00-\x7f’‘ʼ]*$")


def script(text: str) -> str:
    return "latin" if LATIN.match(text) else "script"


def main(which: str, model: str = "") -> None:
    logging.getLogger("rasa").setLevel(logging.WARNING)
    data = read_yaml(SETS)[f"set_{which}"]
    rows = [(lang, part, text) for lang in ("ka", "mk") for part in ("crisis", "not_crisis")
            for text in data[lang][part]]
    terms = CrisisTerms.from_content()
    got = {"terms": [bool(terms.match(text)) for _, _, text in rows]}
    if model:
        from rasa.core.agent import Agent

        from wegweiser.maintenance.evaluation import predict
        got["model+terms"] = [p["got"] == "crisis"
                              for p in predict(Agent.load(model), [("?", t) for _, _, t in rows])]
    for name, flags in got.items():
        print(f"set {which.upper()}, {name}: crisis caught / look-alikes flagged")
        for lang in ("ka", "mk"):
            for kind in ("script", "latin", "all"):
                cells = []
                for part in ("crisis", "not_crisis"):
                    hits = [f for (l, p, t), f in zip(rows, flags)
                            if l == lang and p == part and kind in ("all", script(t))]
                    cells.append(f"{sum(hits)}/{len(hits)}")
                print(f"  {lang} {kind:6}  caught {cells[0]:6}  flagged {cells[1]}")
        for (lang, part, text), flag in zip(rows, flags):
            if flag != (part == "crisis"):
                print(f"    {'missed' if part == 'crisis' else 'FLAGGED'} {lang}: {text}"
                      + (f"  [{terms.match(text)}]" if flag and name == "terms" else ""))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "a", sys.argv[2] if len(sys.argv) > 2 else "")
