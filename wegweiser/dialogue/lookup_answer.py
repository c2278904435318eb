"""Renders an `eligibility.Assessment` as the answer a person reads, in their language.

Sentences come from content/lookup.yml, amounts and dates from the programme data (formatted with CLDR
for the language), so the calculation shown is the one `eligibility` made. Amounts whose sources disagree
are shown as alternatives ("EUR 3,500 or EUR 4,000") with the note that a counsellor confirms them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Sequence

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal

from wegweiser.content import read_yaml
from wegweiser.dialogue.eligibility import (APPLIES, MAY_APPLY, TURKEY_STAY_NOTES, Assessment, Line, ProgrammeResult,
                                            total, turkey_stay_note)
from wegweiser.facts import load_programmes
from wegweiser.paths import content_dir
from wegweiser.render import country_name, currency_statement, format_eur, template_values
from wegweiser.texts import in_language, localised

#: placeholders the lookup fills itself, besides the programme facts and the centre's details
TEXT_PLACEHOLDERS = frozenset({"country", "countries", "family", "programme", "label", "adults", "children",
                               "adult_unit", "child_unit", "total", "age", "unit", "cap", "capped", "state",
                               "as_of", "months"})


@lru_cache(maxsize=None)
def load_lookup_texts() -> Mapping[str, Any]:
    return read_yaml(content_dir() / "lookup.yml")


def text(section: str, key: str, language: str, values: Optional[Mapping[str, Any]] = None) -> str:
    """One sentence of content/lookup.yml in `language`, with {placeholders} filled."""
    return localised(load_lookup_texts()[section][key], language, values)


def counted(noun: str, n: int, language: str) -> str:
    """ "3 children" with the plural form CLDR gives for `n` in `language`."""
    forms = in_language(load_lookup_texts()["counts"][noun], language)
    category = Locale.parse(language).plural_form(n)
    return (forms.get(category) or forms["other"]).format(n=format_decimal(n, locale=language))


def amounts(values: Sequence[float], language: str) -> str:
    """One amount, or alternatives joined with "or" when the sources disagree."""
    return format_list([format_eur(v, language) for v in values], style="or", locale=language)


def family_phrase(adults: int, children: int, language: str) -> str:
    parts = [counted("adults", adults, language)]
    if children:
        parts.append(counted("children", children, language))
    return format_list(parts, locale=language)


def _line(line_pair: Sequence[Line], language: str, values: Dict[str, str]) -> str:
    adult, child = line_pair
    label = text("answer", adult.item, language)
    unit = {"adult_unit": amounts(adult.unit, language), "child_unit": amounts(child.unit, language)}
    if adult.count is None:
        return text("answer", "calc_per_person", language, {**values, "label": label, **unit,
                                                              "age": values["reag_adult_age"]})
    line_total = amounts(total(line_pair) or (), language)
    counts = {"adults": format_decimal(adult.count, locale=language),
              "children": format_decimal(child.count or 0, locale=language)}
    key = "calc_family" if child.count else "calc_adults"
    return text("answer", key, language, {**values, "label": label, **unit, **counts, "total": line_total})


def _calculation(result: ProgrammeResult, language: str, values: Dict[str, str]) -> List[str]:
    rows: List[str] = []
    pairs: Dict[str, List[Line]] = {}
    for line in result.lines:
        if line.per == "car":
            rows.append(text("answer", "calc_car", language, {"label": text("answer", line.item, language),
                                                              "unit": amounts(line.unit, language)}))
        else:
            pairs.setdefault(line.item, []).append(line)
    money_rows = [_line(pair, language, values) for pair in pairs.values()]
    rows = money_rows + rows
    if result.cap is not None:
        cap = {"cap": amounts(result.cap.values, language), "capped": amounts(result.cap.capped, language)}
        rows.append(text("answer", "cap_reached" if result.cap.reached else "cap_not_reached", language, cap))
        if not result.cap.verified:
            rows.append(text("answer", "cap_unverified", language))
    sums = _money_total(result)
    if sums is not None and len(pairs) > 1:
        rows.append(text("answer", "sum", language, {"total": amounts(sums, language)}))
    return rows


def _money_total(result: ProgrammeResult) -> Optional[Sequence[float]]:
    """Possible sums of money lines, with the family cap applied to the start-up aid."""
    per_person = [line for line in result.lines if line.per != "car"]
    if not per_person or any(line.total is None for line in per_person):
        return None
    other = total([line for line in per_person if line.item != "startup_aid"]) or (0.0,)
    startup = [line for line in per_person if line.item == "startup_aid"]
    startup_sums = result.cap.capped if (startup and result.cap) else (total(startup) or (0.0,))
    return tuple(sorted({o + s for o in other for s in startup_sums}))


def render(assessment: Assessment, language: str) -> str:
    """The whole answer: intro, each programme with its calculation, notes, next steps, date and caveat."""
    person = assessment.person
    values = dict(template_values(language))
    country = country_name(person.country, language) if person.country else ""
    values.update(country=country, state=person.state or "")
    names = {p.id: p.name for p in load_programmes().values()}
    # what the person could lose comes before anything else
    blocks: List[str] = [text("warnings", key, language, values) for key in assessment.warnings]
    if person.country and person.family_known:
        family = family_phrase(person.adults, person.children or 0, language)
        blocks.append(text("answer", "intro_family", language, {"family": family, "country": country}))
    elif person.country:
        blocks.append(text("answer", "intro_country", language, {"country": country}))
    else:
        blocks.append(text("answer", "intro_general", language))
    for key in assessment.counsellor_checks:
        blocks.append(text("counsellor_checks", key, language, values))
    stay_note = turkey_stay_note(person)
    if stay_note and assessment.results:  # Türkiye's stay rule decides what follows: it comes first
        blocks.append(text("notes", stay_note, language, values))
    for result in assessment.results:
        outcome = {APPLIES: "applies", MAY_APPLY: "may_apply"}.get(result.outcome, "not_applicable")
        rows = [text("answer", outcome, language, {"programme": names[result.programme]})]
        reasons = [text("reasons", key, language, values) for key in result.reasons]
        if result.programme == "reag" and result.outcome != "not_applicable":
            rows.append("• " + text("answer", "travel_costs", language))
        rows += ["• " + row for row in _calculation(result, language, values)]
        rows += ["• " + reason for reason in reasons]
        rows += ["• " + text("notes", key, language, values) for key in result.notes if key not in TURKEY_STAY_NOTES]
        blocks.append("\n".join(rows))
    if assessment.results:
        blocks.append(text("answer", "next_steps", language, values))
    statement = currency_statement(assessment.facts, language)
    if statement is not None:
        values["as_of"] = statement
        blocks.append(text("answer", "closing", language, values))
    return "\n\n".join(blocks)
