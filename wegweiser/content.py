"""Loads the user-facing content kept in YAML under content/ (all languages side by side).

Loaders are cached: the files are read on first use, not at import time.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from wegweiser.paths import content_dir


def read_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class Language:
    code: str
    script: str
    native: str
    names: Tuple[str, ...]
    letters: str = ""
    #: how word forms are joined for the classifier: spaCy's lookup lemmas ("lemmas") or Snowball stems
    word_forms: str = "lemmas"
    #: the blank spaCy pipeline to tokenize with: the language's own, or spaCy's multi-language `xx` where
    #: spaCy has none (Georgian)
    spacy: str = ""
    #: lingua's confidence needed when none of `letters` is in the text (0: the usual rule)
    unmarked_confidence: float = 0.0

    @property
    def spacy_code(self) -> str:
        return self.spacy or self.code


@lru_cache(maxsize=None)
def load_languages() -> Tuple[Language, ...]:
    data = read_yaml(content_dir() / "languages.yml")
    return tuple(
        Language(
            code=item["code"],
            script=item["script"],
            native=item["native"],
            names=tuple(str(name).lower() for name in item.get("names", [])),
            letters=str(item.get("letters", "")),
            word_forms=str(item.get("word_forms", "lemmas")),
            spacy=str(item.get("spacy", "")),
            unmarked_confidence=float(item.get("unmarked_confidence", 0.0)),
        )
        for item in data["languages"]
    )


def language_codes() -> List[str]:
    return [language.code for language in load_languages()]


def normalise_hint(code: Optional[str]) -> Optional[str]:
    """Telegram's language_code ("pt-br", "fa", "prs") reduced to an offered language, if any."""
    if not code:
        return None
    base = str(code).lower().replace("_", "-").split("-", 1)[0]
    base = {"prs": "fa", "pes": "fa"}.get(base, base)
    return base if base in {language.code for language in load_languages()} else None


@lru_cache(maxsize=None)
def default_language() -> str:
    return read_yaml(content_dir() / "languages.yml")["default"]


@lru_cache(maxsize=None)
def load_topics() -> Mapping[str, Mapping[str, str]]:
    """Short titles of FAQ topics for buttons: {topic: {language: title}}."""
    return read_yaml(content_dir() / "topics.yml")["topics"]


@lru_cache(maxsize=None)
def load_safety() -> Dict[str, Any]:
    return read_yaml(content_dir() / "safety.yml")
