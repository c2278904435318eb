"""Turns programme facts, centre data and safety numbers into localised text for answer placeholders.

Amounts, dates, numbers and country names are formatted with Babel's CLDR data for the answer's
language, so one edit in content/ changes every language's answer and no number is typed twice.
"""
from __future__ import annotations

import datetime as dt
import re
import string
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Set

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal

from wegweiser.content import load_languages, load_safety
from wegweiser.texts import message
from wegweiser.facts import Fact, SourceDate, all_facts, load_centre, load_sources, source_date
from wegweiser.unanswered import Settings as unanswered_settings_type

unanswered_settings = unanswered_settings_type.from_env


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


#: Babel patterns for a day and for a month, where CLDR's own read unnaturally in running text: Georgian writes
#: "2025 წლის 13 იანვარი" (CLDR: "13 იანვარი, 2025", which an ending joined to the date, "-დან", turns
#: into "from 2025"); the ending is written into the month by wegweiser/date_cases.py
DAY_PATTERNS = {"ka": "y 'წლის' d MMMM"}
MONTH_PATTERNS = {"ka": "y 'წლის' MMMM"}


def format_long_date(day: dt.date, language: str) -> str:
    """A day as written in running text: "13. Januar 2025", "13 de enero de 2025", "2025 წლის 13 იანვარი"."""
    return format_date(day, format=DAY_PATTERNS.get(language, "long"), locale=language)


def format_eur(amount: float, language: str) -> str:
    pattern = _locale(language).currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(amount, "EUR", format=pattern, locale=language, currency_digits=False)


def format_fact(fact: Fact, language: str) -> str:
    values = fact.value if isinstance(fact.value, list) else [fact.value]
    if fact.kind == "eur":
        return " / ".join(format_eur(v, language) for v in values)
    if fact.kind == "number":
        return " / ".join(format_decimal(v, locale=language) for v in values)
    if fact.kind == "date":
        return format_long_date(fact.value, language)
    if fact.kind == "countries":
        return format_list([country_name(c, language) for c in values], locale=language)
    return format_list([str(v) for v in values], locale=language)


def country_name(code: str, language: str) -> str:
    return _locale(language).territories.get(code, code)


def format_day(day: dt.date, language: str) -> str:
    return format_long_date(day, language)


def centre_values(language: str) -> Dict[str, str]:
    centre = load_centre()
    missing = message("centre_not_configured", language)
    locale = _locale(language)
    day_names = locale.days["format"]["abbreviated"]
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    hours = [
        f"{', '.join(day_names[order.index(d)] for d in slot.days)} "
        f"{format_time(slot.start, 'short', locale=language)}–{format_time(slot.end, 'short', locale=language)}"
        for slot in centre.hours
    ]
    languages = [locale.languages.get(code, code) for code in centre.languages]
    # only what the deployment filled in is shown; without a phone or e-mail, the counselling-centre finder
    details = [("address", centre.address.value), ("phone", centre.phone.value), ("email", centre.email.value),
               ("hours", "; ".join(hours))]
    labels = message("centre_labels", language).split("|")
    contact = [f"• {labels[i]}: {value}" for i, (_, value) in enumerate(details) if value]
    if not (centre.phone.value or centre.email.value):
        contact.append("• " + message("centre_finder", language))
    return {
        "centre_contact": "\n".join(contact),
        "centre_name": centre.name,
        "centre_address": centre.address.value or missing,
        "centre_phone": centre.phone.value or missing,
        "centre_email": centre.email.value or missing,
        "centre_hours": "; ".join(hours) or missing,
        "centre_languages": format_list(languages, locale=language),
    }


def template_values(language: str) -> Dict[str, str]:
    """Every placeholder an answer may use, rendered in `language`."""
    values = {name: format_fact(fact, language) for name, fact in all_facts().items()}
    values.update(centre_values(language))
    values.update({k: str(v) for k, v in load_safety()["numbers"].items()})
    values["supported_languages"] = format_list(
        [lang.native for lang in load_languages()], locale=language
    )
    values["unanswered_retention_days"] = format_decimal(unanswered_settings().retention_days, locale=language)
    values.update({name: "" for name in PER_MESSAGE_PLACEHOLDERS})  # empty unless this message calls for them
    # general texts a message may replace with a shorter one (wegweiser.dialogue.personal.general_part)
    values.update({name: message(name, language, values) for name in PER_MESSAGE_GENERAL})
    return values


def placeholders(template: str) -> Set[str]:
    """The {names} a response text uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def format_source_date(date: SourceDate, language: str) -> str:
    """A source's own date as precisely as the source gives it: "8 April 2024", "March 2023", "2024"."""
    if date.day:
        return format_long_date(date.earliest, language)
    if date.month:
        if language in MONTH_PATTERNS:
            return format_date(date.earliest, format=MONTH_PATTERNS[language], locale=language)
        return format_skeleton("yMMMM", date.earliest, locale=language)
    return format_skeleton("y", date.earliest, locale=language)


#: at most this many publishers are named in one "Source: …" sentence
MAX_PUBLISHERS = 3


def currency_statement(names: Iterable[str], language: str) -> Optional[str]:
    """Where the programme facts named come from and how current they are, from the sources' OWN dates.

    "Source: BAMF, returningfromgermany.de, as of April 2024." — the date is the oldest among the facts
    (each fact counts with its newest source), so an answer never looks more current than its weakest
    fact. When every source is undated, it says so and gives the day the facts were last checked.
    None when no programme fact is named.
    """
    facts = all_facts()
    used = [facts[name] for name in sorted(set(names)) if name in facts]
    if not used:
        return None
    sources = load_sources()
    count: Dict[str, int] = {}
    for fact in used:
        for key in fact.sources:
            publisher = sources[key].publisher
            count[publisher] = count.get(publisher, 0) + 1
    ranked = sorted(count, key=lambda p: (-count[p], p))
    dated = [(d, fact) for d, fact in ((source_date(fact, sources), fact) for fact in used) if d is not None]
    if dated:
        oldest, fact = min(dated, key=lambda pair: pair[0].earliest)
        # the publisher whose date is given is named first
        owner = next(sources[key].publisher for key in fact.sources if sources[key].own_date == oldest)
        names = [owner] + [p for p in ranked if p != owner]
        text = message("source_dated", language, {
            "publishers": format_list(names[:MAX_PUBLISHERS], locale=language),
            "date": format_source_date(oldest, language)})
    else:
        checked = min(fact.checked for fact in used)
        text = message("source_undated", language, {
            "publishers": format_list(ranked[:MAX_PUBLISHERS], locale=language),
            "checked": format_long_date(checked, language)})
    if any(not fact.verified for fact in used):
        text += " " + message("some_unconfirmed", language)
    return re.sub(r"(?<=\w)\.\.(?!\.)", ".", text)  # "6 декабря 2026 г.." -> "г."



NUMBER = re.compile(r"\d[\d.,\u00a0\u202f ]*\d|\d")


def numbers_in(text: str) -> List[int]:
    """Integers written in `text`, with thousands separators removed ("1.000 €" -> 1000)."""
    found = []
    for match in NUMBER.finditer(text):
        digits = re.sub(r"[.,\u00a0\u202f ]", "", match.group())
        found.append(int(digits))
    return found


#: placeholders whose value depends on the message, not only on the language: slots of domain/core.yml set
#: by wegweiser.dialogue.turn each turn (the violence helpline in the crisis answer; what applies to the person's
#: country and status at the start of an answer)
PER_MESSAGE_PLACEHOLDERS = ("violence_line", "personal_lead")
#: placeholders that are also such slots, but whose rendered default is a general text (content/messages.yml,
#: same key): who can get support, replaced by one sentence when the question names a country (the country's
#: answer comes first then, from `personal_lead`)
PER_MESSAGE_GENERAL = ("eligibility_groups",)

CENTRE_PLACEHOLDERS = ("centre_contact", "centre_name", "centre_address", "centre_phone", "centre_email", "centre_hours",
                       "centre_languages")


def placeholder_names() -> List[str]:
    """The names of all placeholders, without rendering anything."""
    return sorted(
        list(all_facts()) + list(CENTRE_PLACEHOLDERS) + list(load_safety()["numbers"])
        + ["supported_languages", "unanswered_retention_days"]
    )
