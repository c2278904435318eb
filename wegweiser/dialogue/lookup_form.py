"""The programme lookup's conversation logic, as plain functions the Rasa actions call.

Slots (domain/lookup.yml): `lookup_country` (ISO code, "stateless" or "skipped"), `lookup_family`
("given" or "skipped") with `lookup_adults`/`lookup_children`, and the optional `lookup_status`,
`lookup_car`. `lookup_question` holds a pending clarification ("ambiguous:CD,CG", "several:IQ,TR",
"not_understood"), so the next question asks exactly that instead of guessing.

The form asks only for what the answer needs and is still missing: the country, then who travels —
and not who travels when no programme could pay anything (German or EU citizens).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from wegweiser.dialogue.eligibility import Person
from wegweiser.facts import all_facts
from wegweiser.nlu.countries import country_of_origin
from wegweiser.nlu.family import parse_family
from wegweiser.nlu.residence import parse_car, parse_status
from wegweiser.nlu.stay import parse_months

COUNTRY, FAMILY, ADULTS, CHILDREN = "lookup_country", "lookup_family", "lookup_adults", "lookup_children"
STATUS, CAR, QUESTION = "lookup_status", "lookup_car", "lookup_question"
MONTHS = "lookup_months"
SLOTS = (COUNTRY, FAMILY, ADULTS, CHILDREN, STATUS, MONTHS, CAR, QUESTION)
SKIPPED, STATELESS, GIVEN = "skipped", "stateless", "given"

#: intents that leave or interrupt the form rather than answer its question
INTERRUPTING = {"stop", "crisis", "request_human", "legal_own_case", "goodbye", "choose_language",
                "change_language"}
SKIP_INTENT = "dont_know"
#: intents of messages meant as an answer: when the question's answer is not in them, the form asks again
#: ("I did not recognise a country"); any other intent (an FAQ, say) is answered by the rules first
ANSWERING = {None, "inform", "nlu_fallback", "ask_support", "affirm", "deny", "greet", "thanks", "out_of_scope"}


def required_slots(slots: Mapping[str, Any]) -> List[str]:
    """The form's questions still to ask, in order."""
    needed = [COUNTRY]
    country = slots.get(COUNTRY)
    if not _no_programme_possible(country, slots.get(STATUS)):
        needed.append(FAMILY)
    return needed


def _no_programme_possible(country: Optional[str], status: Optional[str]) -> bool:
    if country == "DE":
        return True
    excluded = all_facts()["reag_excluded_countries"].value
    return country in excluded and status != "trafficking_victim"


def understand(text: str, language: Optional[str], intent: Optional[str], slots: Mapping[str, Any]) -> Dict[str, Any]:
    """Slot updates from one message while the form is active ({} when the message does not belong to it).

    Everything the message says is taken (the country, the family, the status, the car), whatever was
    asked; "I don't know" / "skip" answers the question that was asked.
    """
    requested = slots.get("requested_slot")
    if intent in INTERRUPTING:
        return {}
    if intent == SKIP_INTENT and requested:
        return {requested: SKIPPED, QUESTION: None}
    updates: Dict[str, Any] = {}
    country = country_of_origin(text, language)
    if country.status == "one":
        updates[COUNTRY] = country.codes[0]
    elif country.status == "stateless":
        updates[COUNTRY] = STATELESS
    elif country.status in ("ambiguous", "several") and requested in (COUNTRY, None):
        updates[QUESTION] = f"{country.status}:{','.join(country.codes)}"
    family = parse_family(text, language)
    if family.adults is not None or family.children is not None:
        updates[ADULTS] = float(family.adults if family.adults is not None else 1)
        updates[CHILDREN] = float(family.children or 0)
        updates[FAMILY] = GIVEN
    status = parse_status(text, language)
    if status:
        updates[STATUS] = status
    car = parse_car(text, language)
    if car is not None:
        updates[CAR] = car
    months = parse_months(text)
    if months is not None:
        updates[MONTHS] = float(months)
    if requested and requested not in updates and QUESTION not in updates:
        if intent in ANSWERING:
            updates[QUESTION] = "not_understood"
        else:
            return {}  # e.g. an FAQ asked in between: the rules answer it, then the form asks again
    elif requested in updates:
        updates.setdefault(QUESTION, None)
    return updates


def next_question(slots: Mapping[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """Which question to ask for the requested slot: (key in content/lookup.yml `form`, values)."""
    requested = slots.get("requested_slot")
    pending = slots.get(QUESTION) or ""
    if requested == COUNTRY and pending.startswith(("ambiguous:", "several:")):
        kind, codes = pending.split(":", 1)
        return ("ambiguous_country" if kind == "ambiguous" else "which_country"), {"codes": codes.split(",")}
    if pending == "not_understood":
        return ("country_not_understood" if requested == COUNTRY else "family_not_understood"), {}
    return ("ask_country" if requested == COUNTRY else "ask_family"), {}


def person(slots: Mapping[str, Any]) -> Person:
    """The eligibility input from the form's slots."""
    country = slots.get(COUNTRY)
    family_given = slots.get(FAMILY) == GIVEN and slots.get(ADULTS) is not None
    return Person(
        country=country if country not in (None, SKIPPED, STATELESS) else None,
        stateless=country == STATELESS,
        adults=int(slots[ADULTS]) if family_given else None,
        children=int(slots.get(CHILDREN) or 0) if family_given else None,
        status=slots.get(STATUS),
        car=slots.get(CAR),
        months_in_germany=int(slots[MONTHS]) if slots.get(MONTHS) is not None else None,
    )


def summary(slots: Mapping[str, Any]) -> str:
    """A short, language-neutral record of what the lookup was based on (kept for a counsellor handoff)."""
    p = person(slots)
    parts = [f"country={p.country or ('stateless' if p.stateless else 'unknown')}"]
    if p.adults is not None:
        parts.append(f"adults={p.adults} children={p.children}")
    if p.status:
        parts.append(f"status={p.status}")
    if p.months_in_germany is not None:
        parts.append(f"months_in_germany={p.months_in_germany}")
    if p.car is not None:
        parts.append(f"car={'yes' if p.car else 'no'}")
    return " ".join(parts)
