"""How long a person has lived in Germany, from their own words ("seit 5 Monaten", "8 ay", "سنتين"), and
how long they mean to be abroad ("7 Monate im Ausland", "7 months abroad", "yurt dışında 7 ay").

Türkiye's stay rule depends on the stay in Germany (wegweiser/dialogue/eligibility.py): up to six months in
Germany means travel costs and the travel allowance only. Months abroad are a different question (a residence
permit generally expires after more than six months abroad, § 51 AufenthG) and never count as the stay in
Germany. Unit, abroad, trip and Germany words live in content/stay_words.yml, number words in
content/number_words.yml; digits of any script are read by Python.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from wegweiser.content import content_dir, read_yaml
from wegweiser.nlu.words import fold, tokens, without_arabic_prefixes

#: how many words after the unit, and before the number, are looked at for "abroad" (trips: fewer after)
ABROAD_WINDOW, TRIP_WINDOW_AFTER = 3, 2


@lru_cache(maxsize=None)
def _words() -> Dict[str, FrozenSet[str]]:
    data = read_yaml(content_dir() / "stay_words.yml")
    return {key: frozenset(fold(str(w)) for w in data.get(key) or [])
            for key in ("months", "years", "two_months", "two_years", "abroad", "trip", "germany")}


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


def _is(word: str, kind: str) -> bool:
    table = _words()[kind]
    return any(variant in table for variant in without_arabic_prefixes(word))


def _away(words: Sequence[str], first: int, last: int) -> bool:
    """Whether the amount words[first:last + 1] ("7 Monate") is time abroad: an abroad word within three
    words after it or before it, a trip word within two after or three before; a word for Germany (or
    "here") in between ends the search."""
    for offset, position in enumerate(range(last + 1, min(len(words), last + 1 + ABROAD_WINDOW)), start=1):
        word = words[position]
        if _is(word, "germany"):
            break
        if _is(word, "abroad") or (offset <= TRIP_WINDOW_AFTER and _is(word, "trip")):
            return True
    for position in range(first - 1, max(-1, first - 1 - ABROAD_WINDOW), -1):
        word = words[position]
        if _is(word, "germany"):
            break
        if _is(word, "abroad") or _is(word, "trip"):
            return True
    return False


def _amounts(text: str) -> List[Tuple[int, bool]]:
    """Every amount of time the message names, in months, and whether it is time abroad."""
    words_ = _words()
    words = [fold(word) for word, _, _ in tokens(text or "")]
    found: List[Tuple[int, bool]] = []
    for i, word in enumerate(words):
        if word in words_["two_months"] or word in words_["two_years"]:
            found.append((2 if word in words_["two_months"] else 24, _away(words, i, i)))
            continue
        unit = 1 if word in words_["months"] else 12 if word in words_["years"] else 0
        if unit and i > 0:
            count = _number(words[i - 1])
            if count is not None and 0 < count < 100:
                found.append((count * unit, _away(words, i - 1, i)))
    return found


def parse_months(text: str) -> Optional[int]:
    """Months lived in Germany that the message names, or None ("5 Monate" -> 5, "2 years" -> 24); months
    abroad ("7 months abroad") are not a stay in Germany."""
    return next((months for months, away in _amounts(text) if not away), None)


def parse_months_abroad(text: str) -> Optional[int]:
    """Months the message names as time abroad or away on a trip ("7 Monate im Ausland" -> 7), or None."""
    return next((months for months, away in _amounts(text) if away), None)


def mentions_trip(text: str) -> bool:
    """Whether the message speaks of a trip, a visit or time abroad (any abroad or trip word)."""
    return any(_is(fold(word), "abroad") or _is(fold(word), "trip") for word, _, _ in tokens(text or ""))
