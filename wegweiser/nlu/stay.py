"""How long a person has lived in Germany, from their own words ("seit 5 Monaten", "8 ay", "سنتين").

Türkiye's stay rule depends on it (wegweiser/dialogue/eligibility.py): up to six months in Germany means travel
costs and the travel allowance only. Unit words live in content/stay_words.yml, number words in
content/number_words.yml; digits of any script are read by Python.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, FrozenSet, Optional, Tuple

from wegweiser.content import content_dir, read_yaml
from wegweiser.nlu.words import fold, tokens


@lru_cache(maxsize=None)
def _units() -> Tuple[FrozenSet[str], FrozenSet[str], FrozenSet[str], FrozenSet[str]]:
    data = read_yaml(content_dir() / "stay_words.yml")
    return tuple(frozenset(fold(str(w)) for w in data.get(key) or [])  # type: ignore[return-value]
                 for key in ("months", "years", "two_months", "two_years"))


@lru_cache(maxsize=None)
def _numbers() -> Dict[str, int]:
    words: Dict[str, int] = {}
    for table in read_yaml(content_dir() / "number_words.yml").values():
        for word, value in (table or {}).items():
            if " " not in str(word):
                words.setdefault(fold(str(word)), int(value))
    return words


def _number(word: str) -> Optional[int]:
    if word.isdigit():
        return int(word)  # any script's digits
    return _numbers().get(fold(word))


def parse_months(text: str) -> Optional[int]:
    """Months lived in Germany that the message names, or None ("5 Monate" -> 5, "2 years" -> 24)."""
    months, years, two_months, two_years = _units()
    words = [fold(word) for word, _, _ in tokens(text or "")]
    for i, word in enumerate(words):
        if word in two_months:
            return 2
        if word in two_years:
            return 24
        unit = 1 if word in months else 12 if word in years else 0
        if unit and i > 0:
            count = _number(words[i - 1])
            if count is not None and 0 < count < 100:
                return count * unit
    return None
