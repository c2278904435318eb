"""A person's residence status and whether they want to travel by car, from their own words.

Keywords in all six languages live in content/residence_status.yml and content/travel_mode.yml; the
longest phrase wins at each word ("nicht anerkannt" before "anerkannt", "kein Auto" before "Auto").
Nothing said, or both car and not-car said, gives None: the form asks again, it never guesses.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Tuple

from wegweiser.content import read_yaml
from wegweiser.paths import content_dir
from wegweiser.nlu.words import PhraseIndex, phrases_by_category, tokens

NOT_A_STATUS = "not_a_status"


@lru_cache(maxsize=1)
def _status_data() -> dict:
    return read_yaml(content_dir() / "residence_status.yml")


def statuses() -> Tuple[str, ...]:
    """The statuses parse_status may return, most telling first."""
    return tuple(_status_data()["precedence"])


@lru_cache(maxsize=None)
def _status_phrases(language: Optional[str]) -> PhraseIndex:
    data = _status_data()
    layout = dict(data["statuses"], **{NOT_A_STATUS: data.get(NOT_A_STATUS) or {}})
    return PhraseIndex(phrases_by_category(layout, list(layout), language))


@lru_cache(maxsize=None)
def _car_phrases(language: Optional[str]) -> PhraseIndex:
    data = read_yaml(content_dir() / "travel_mode.yml")
    return PhraseIndex(phrases_by_category(data, ["car", "not_car"], language))


def parse_status(text: str, language: Optional[str] = None) -> Optional[str]:
    """One of `statuses()`, or None when the message names none."""
    found = {match.category for match in _status_phrases(language).find(tokens(text))}
    return next((status for status in statuses() if status in found), None)


def parse_car(text: str, language: Optional[str] = None) -> Optional[bool]:
    """True for travelling by car, False for another way or no car, None when not said or said both ways."""
    found = {match.category for match in _car_phrases(language).find(tokens(text))}
    if found == {"car"}:
        return True
    if found == {"not_car"}:
        return False
    return None
