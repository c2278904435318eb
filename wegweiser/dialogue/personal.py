"""The person's country and status, checked in every FAQ answer that depends on them.

When a message (or the conversation so far) names a country or a residence status, an answer about
eligibility, EU citizens, start-up aid, StarthilfePlus, reintegration, Syria, onward travel or URA starts
with what the programme data says for that person: computed by `wegweiser.dialogue.eligibility.assess`, the same
function the programme lookup uses, and worded with the lookup's own sentences (content/lookup.yml). So a
Moldovan asking about "EU citizens" reads that Moldova is not in the EU before the general rule, and an
Afghan asking about reintegration reads that EURP does not cover Afghanistan. The text goes into the
`{personal_lead}` placeholder at the start of those answers; it is empty when nothing is known.

Türkiye's stay rule (content/programmes, `eligibility.turkey_stay_note`) is the first line for a Turkish
national in every answer about REAG/GARP's start-up aid, StarthilfePlus or EURP: for a stay of up to six
months, for a longer one, or the rule itself when the stay is not known.

Answers about trips and protection (content/personal_topics.yml `abroad_topics`) start with the rule on time
abroad (§ 51 AufenthG: a residence permit generally expires after more than six months abroad unless the
Ausländerbehörde set a longer period beforehand) when the message speaks of months abroad or a trip; the
months abroad it names are compared with the rule, and never taken for the stay in Germany.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, List, Mapping, Optional, Sequence

from babel.numbers import format_decimal

from wegweiser.content import read_yaml
from wegweiser.dialogue.eligibility import (APPLIES, MAY_APPLY, TURKEY_STAY_NOTES, Assessment, Person, assess,
                                            turkey_stay_note)
from wegweiser.dialogue.lookup_answer import text
from wegweiser.dialogue.lookup_form import COUNTRY, MONTHS, SKIPPED, STATUS
from wegweiser.facts import all_facts, load_programmes
from wegweiser.nlu.countries import STATELESS, country_of_origin
from wegweiser.nlu.residence import parse_status
from wegweiser.nlu.stay import mentions_trip, parse_months, parse_months_abroad
from wegweiser.paths import content_dir
from wegweiser.render import country_name, template_values
from wegweiser.texts import message

#: notes of the lookup that are about the person's country or status (the rest is general and follows
#: in the answer itself)
PERSONAL_NOTES = frozenset({
    "visa_free_reduced", "reduced_if_entered_after_ge", "reduced_if_entered_after_ua", "entered_before_reduction",
    "turkey_short_stay", "turkey_stay_rule", "turkey_stay_rule_shp", "startup_aid_likely", "startup_aid_unconfirmed",
    "syria_since", "eurp_special_rules", "eurp_turkey_stay", "trafficking_exception", "shp_exception", "nrp_package",
})
#: programmes Türkiye's stay rule decides on; an answer about any of them states the rule first
STAY_RULE_PROGRAMMES = frozenset({"reag", "shp", "eurp"})
#: notes that repeat the stay rule under a programme, left out once it has been said first
STAY_RULE_REPEATS = frozenset(TURKEY_STAY_NOTES) | {"turkey_stay_rule_shp", "eurp_turkey_stay"}


@lru_cache(maxsize=None)
def topic_programmes() -> Mapping[str, Sequence[str]]:
    """content/personal_topics.yml: which programmes an FAQ topic's answer depends on."""
    return read_yaml(content_dir() / "personal_topics.yml")["topics"]


@lru_cache(maxsize=None)
def abroad_topics() -> frozenset:
    """content/personal_topics.yml: FAQ topics that start with the rule on time abroad when the message
    speaks of months abroad or a trip."""
    return frozenset(read_yaml(content_dir() / "personal_topics.yml").get("abroad_topics") or ())


def person_from(text: str, language: Optional[str], slots: Mapping[str, Any]) -> Person:
    """The country and status this message names, else those the conversation's lookup already has."""
    found = country_of_origin(text, language) if text else None
    country = found.codes[0] if found is not None and found.status == "one" else None
    if country is None and slots.get(COUNTRY) not in (None, SKIPPED, STATELESS):
        country = slots.get(COUNTRY)
    status = (parse_status(text, language) if text else None) or slots.get(STATUS)
    months = parse_months(text) if text else None
    if months is None and slots.get(MONTHS) is not None:
        months = int(slots[MONTHS])
    return Person(country=country, status=status, months_in_germany=months)


def lead(topic: Optional[str], person: Person, language: str, today: Optional[dt.date] = None) -> str:
    """What applies to this person for an answer on `topic`, to be read before the general answer;
    "" when the topic does not depend on country or status, or neither is known."""
    programmes = topic_programmes().get(topic or "")
    if programmes is None or (person.country is None and person.status is None):
        return ""
    lines = _lines(assess(person, today=today), programmes, language)
    return "\n".join(lines) + "\n\n" if lines else ""


def _lines(assessment: Assessment, programmes: Sequence[str], language: str) -> List[str]:
    person = assessment.person
    values = dict(template_values(language))
    country = country_name(person.country, language) if person.country else ""
    values.update(country=country, state=person.state or "")
    names = {p.id: p.name for p in load_programmes().values()}
    lines = [text("warnings", key, language, values) for key in assessment.warnings]
    if not person.country or not programmes:  # topics listed with [] get the warnings only
        return lines
    lines.append(text("personal", "for_country", language, values))
    if person.country == "DE":
        return lines + ["• " + text("counsellor_checks", "german_citizen", language, values)]
    stay_note = turkey_stay_note(person) if STAY_RULE_PROGRAMMES & set(programmes) else None
    if stay_note:
        lines.append("• " + text("notes", stay_note, language, values))
    for position, programme in enumerate(programmes):
        result = assessment.result(programme)
        if result is None and stay_note == "turkey_short_stay" and programme in STAY_RULE_PROGRAMMES:
            # not offered because of the short stay (said just above), not because of the status
            lines.append("• " + text("answer", "not_applicable", language, {"programme": names[programme]}))
            continue
        if result is None and position > 0:
            continue  # a further programme is named only where it applies
        if result is None:
            key = "not_for_status" if person.country in programme_countries(programme) else "not_covered"
            lines.append("• " + text("personal", key, language, {**values, "programme": names[programme]}))
            continue
        outcome = {APPLIES: "applies", MAY_APPLY: "may_apply"}.get(result.outcome, "not_applicable")
        lines.append("• " + text("answer", outcome, language, {"programme": names[programme]}))
        lines += ["  – " + text("reasons", key, language, values) for key in result.reasons]
        lines += ["  – " + text("notes", key, language, values) for key in result.notes
                  if key in PERSONAL_NOTES and not (stay_note and key in STAY_RULE_REPEATS)]
    return lines


def abroad_lead(message: str, language: str) -> str:
    """The rule on time abroad, first, when the message speaks of months abroad or a trip; with the months
    the message names compared with it. "" otherwise."""
    months = parse_months_abroad(message)
    if months is None and not mentions_trip(message):
        return ""
    values = dict(template_values(language))
    lines = [text("personal", "abroad_rule", language, values)]
    if months is not None:
        limit = all_facts()["legal_abroad_months"].value
        key = "abroad_longer" if months > limit else "abroad_within"
        lines.append(text("personal", key, language, {**values, "months": format_decimal(months, locale=language)}))
    return "\n".join(lines) + "\n\n"


def programme_countries(programme: str) -> frozenset:
    """Every country a programme's data lists (its coverage, whatever the rules then decide)."""
    facts = load_programmes()[programme].facts
    return frozenset(code for key, fact in facts.items() if fact.kind == "countries" and key != "excluded_countries"
                     for code in fact.value)


def lead_for_message(topic: Optional[str], text: str, language: str, slots: Mapping[str, Any]) -> str:
    """`lead` for the latest message: the country and status it (or the conversation) names."""
    if topic in abroad_topics():
        return abroad_lead(text, language)
    if topic not in topic_programmes():
        return ""
    person = person_from(text, language, slots)
    if person.country is None and person.status is None:
        return ""
    return lead(topic, person, language)


def general_part(topic: Optional[str], text: str, language: str) -> Optional[str]:
    """The answer on who can get support, when the message itself names one country ("Is Iraq covered?"):
    the country's answer comes first (`lead`), and the list of supported groups shrinks to one sentence on
    the person's status. None otherwise: the full list (the placeholder's rendered default), also when the
    country is only known from earlier in the conversation and the person asks for the general answer."""
    if topic != "eligibility" or not text:
        return None
    found = country_of_origin(text, language)
    if found is None or found.status != "one" or found.codes[0] in (STATELESS, "DE"):
        return None
    return message("eligibility_groups_short", language, template_values(language))
