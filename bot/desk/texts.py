"""The desk's sentences (content/desk.yml), the centre's opening hours and dates in the person's language.

People's sentences exist in every language; the counsellors' texts are German, the centre's working
language. Times are the centre's local time (Europe/Berlin); the database keeps UTC.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time

from wegweiser.content import read_yaml
from wegweiser.facts import load_centre
from wegweiser.paths import content_dir
from wegweiser.render import centre_values as answer_centre_values
from wegweiser.texts import localised

#: the centre's clock; opening hours in content/centre.yml and proposed slots are local times
CENTRE_TZ = ZoneInfo("Europe/Berlin")
DESK_LANGUAGE = "de"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@lru_cache(maxsize=None)
def load_desk_content() -> Mapping[str, Any]:
    return read_yaml(content_dir() / "desk.yml")


def say(key: str, language: str, **values: Any) -> str:
    """A sentence for the person, in their language (the default language if theirs is missing)."""
    return localised(load_desk_content()["messages"][key], language, values or None)


def desk(key: str, **values: Any) -> str:
    """A text for the counsellors' group; dotted keys reach into groups (`status.new`)."""
    node: Any = load_desk_content()["desk"]
    for part in key.split("."):
        node = node[part]
    return str(node).format_map(values) if values else str(node)


def _babel_locale(language: str) -> str:
    try:
        Locale.parse(language)
        return language
    except Exception:  # noqa: BLE001 - an unknown code still gets a readable date
        return DESK_LANGUAGE


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(CENTRE_TZ)


def format_when(moment: dt.datetime, language: str) -> str:
    """'Dienstag, 1. Dezember 2026, 10:00' in the centre's time zone, written the way `language` writes it."""
    locale = _babel_locale(language)
    moment = local(moment)
    return f"{format_date(moment.date(), format='full', locale=locale)}, {format_time(moment.time(), 'short', locale=locale)}"


def language_name(code: Optional[str], in_language: str = DESK_LANGUAGE) -> str:
    if not code:
        return desk("not_given")
    return Locale.parse(in_language).languages.get(code.replace("-", "_"), code)


def country_name(code: Optional[str], in_language: str = DESK_LANGUAGE) -> str:
    if not code:
        return desk("not_given")
    if len(code) == 2 and code.isalpha():
        return Locale.parse(in_language).territories.get(code.upper(), code)
    return code


# --- the counselling centre --------------------------------------------------------------------------

def _centre() -> Any:
    return load_centre()


def contact_values(language: str) -> Dict[str, str]:
    """The centre's name, phone and e-mail as the answers show them ("not available yet" when empty)."""
    return dict(answer_centre_values(language))


def centre_values() -> Dict[str, str]:
    centre = _centre()
    return {"centre_name": centre.name, "centre_address": centre.address.value or ""}


def next_opening(now: dt.datetime) -> Optional[dt.datetime]:
    """None while the centre is open (or when no hours are configured), else when it opens next."""
    hours = _centre().hours
    if not hours:
        return None
    here = local(now)
    candidates = []
    for offset in range(8):
        day = here.date() + dt.timedelta(days=offset)
        for slot in hours:
            if DAYS[day.weekday()] not in slot.days:
                continue
            start = dt.datetime.combine(day, slot.start, CENTRE_TZ)
            end = dt.datetime.combine(day, slot.end, CENTRE_TZ)
            if start <= here < end:
                return None
            if start > here:
                candidates.append(start)
    return min(candidates) if candidates else None


def opening_note(language: str, now: dt.datetime) -> str:
    """When the person can expect an answer: open now, closed until …, or during the opening hours."""
    if not _centre().hours:
        return say("hours_unknown", language)
    opens = next_opening(now)
    if opens is None:
        return say("hours_open", language)
    return say("hours_closed", language, when=format_when(opens, language))
