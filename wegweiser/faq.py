"""The FAQ answers as written in data/nlu/faq/*.yml: {topic: {language: text}}.

The action server reads them to know which programme facts a topic states (for the "as of" note); the
tests read them to check languages, placeholders and numbers.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping

from wegweiser.content import read_yaml
from wegweiser.paths import PROJECT_ROOT

FAQ_DIR = PROJECT_ROOT / "data" / "nlu" / "faq"
PREFIX = "utter_faq/"


def variations_by_language(variations: list) -> Dict[str, str]:
    """{language: text} from a response's conditional variations (condition on slot `language`)."""
    texts: Dict[str, str] = {}
    for variation in variations:
        for condition in variation.get("condition") or []:
            if condition.get("type") == "slot" and condition.get("name") == "language":
                texts[str(condition.get("value"))] = variation.get("text", "")
    return texts


def load_responses_from(folder: Path) -> Dict[str, Dict[str, str]]:
    answers: Dict[str, Dict[str, str]] = {}
    for path in sorted(folder.glob("*.yml")):
        for name, variations in (read_yaml(path).get("responses") or {}).items():
            if name.startswith(PREFIX):
                answers[name[len(PREFIX):]] = variations_by_language(variations)
    return answers


@lru_cache(maxsize=None)
def load_faq_answers() -> Mapping[str, Mapping[str, str]]:
    return load_responses_from(FAQ_DIR)
