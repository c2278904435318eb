"""Which return programmes may apply to one person and their family, and what each pays: rules over the
programme data in content/programmes/ (every amount, list and date comes from there).

The result is data, not text: `wegweiser.lookup_answer` renders it in the person's language. Nothing here
promises anything. Outcomes are "applies" (the data says the programme covers this person), "may_apply"
(it depends on something a counsellor checks, or on a fact whose sources disagree) and "not_applicable"
(with the reason). Facts marked `verified: false` never produce a firm "applies".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

from wegweiser.facts import Fact, all_facts, load_centre

APPLIES, MAY_APPLY, NOT_APPLICABLE = "applies", "may_apply", "not_applicable"

#: residence statuses the parsers recognise (wegweiser.residence)
STATUSES = ("asylum_procedure", "duldung", "rejected", "recognised", "residence_permit", "eu_citizen",
            "trafficking_victim")


@dataclass(frozen=True)
class Person:
    """What the person told us; every part optional. `country` is an ISO 3166 alpha-2 code."""

    country: Optional[str] = None
    stateless: bool = False
    adults: Optional[int] = None
    children: Optional[int] = None
    status: Optional[str] = None
    car: Optional[bool] = None
    #: the German Land the person lives in; the counselling centre's when not known
    state: Optional[str] = None

    @property
    def family_known(self) -> bool:
        return self.adults is not None


@dataclass(frozen=True)
class Line:
    """One row of a calculation: `count` x `unit` = `total` (None where the count is not known)."""

    item: str  # travel_allowance | startup_aid | fuel_allowance | hamburg_travel_aid
    per: str  # adult | child | car
    fact: str  # the programme fact the unit amount comes from
    count: Optional[int]
    unit: Tuple[float, ...]  # one amount, or several when the sources disagree
    verified: bool = True

    @property
    def total(self) -> Optional[Tuple[float, ...]]:
        if self.count is None:
            return None
        return tuple(sorted({self.count * u for u in self.unit}))


@dataclass(frozen=True)
class Cap:
    """A family maximum: `uncapped` is the sum of the lines, `capped` the possible totals after the cap."""

    fact: str
    values: Tuple[float, ...]
    uncapped: float
    capped: Tuple[float, ...]
    verified: bool

    @property
    def reached(self) -> bool:
        return any(c < self.uncapped for c in self.capped)


@dataclass(frozen=True)
class ProgrammeResult:
    programme: str  # programme id in content/programmes
    outcome: str
    reasons: Tuple[str, ...] = ()  # keys of content/lookup.yml `reasons`
    lines: Tuple[Line, ...] = ()
    cap: Optional[Cap] = None
    notes: Tuple[str, ...] = ()  # keys of content/lookup.yml `notes`
    facts: Tuple[str, ...] = ()  # every fact the result rests on (for "as of")


@dataclass(frozen=True)
class Assessment:
    person: Person
    results: Tuple[ProgrammeResult, ...]
    #: why a counsellor must look at this case before anything can be said (keys of `counsellor_checks`)
    counsellor_checks: Tuple[str, ...] = ()

    @property
    def facts(self) -> Tuple[str, ...]:
        return tuple(sorted({f for r in self.results for f in r.facts}))

    def result(self, programme: str) -> Optional[ProgrammeResult]:
        return next((r for r in self.results if r.programme == programme), None)


@dataclass
class _Builder:
    facts: Dict[str, Fact]
    used: List[str] = field(default_factory=list)

    def value(self, name: str):
        self.used.append(name)
        return self.facts[name].value

    def amounts(self, name: str) -> Tuple[float, ...]:
        value = self.value(name)
        return tuple(value) if isinstance(value, list) else (value,)

    def verified(self, name: str) -> bool:
        return self.facts[name].verified

    def listed(self, name: str, country: Optional[str]) -> bool:
        return country is not None and country in self.value(name)

    def take(self) -> Tuple[str, ...]:
        used, self.used = tuple(dict.fromkeys(self.used)), []
        return used


def _per_person_lines(b: _Builder, item: str, prefix: str, person: Person, verified: bool = True) -> List[Line]:
    children = person.children if person.children is not None else (0 if person.family_known else None)
    return [
        Line(item, "adult", f"{prefix}_adult", person.adults, b.amounts(f"{prefix}_adult"), verified),
        Line(item, "child", f"{prefix}_child", children, b.amounts(f"{prefix}_child"), verified),
    ]


def _reag(b: _Builder, person: Person, eu_citizen: bool) -> ProgrammeResult:
    if eu_citizen and person.status != "trafficking_victim":
        b.value("reag_excluded_countries")
        return ProgrammeResult("reag", NOT_APPLICABLE, ("eu_citizen",), notes=("trafficking_exception",),
                               facts=b.take())
    reasons: List[str] = []
    notes: List[str] = []
    outcome = APPLIES
    if person.status in ("recognised", "residence_permit"):
        outcome, reasons = MAY_APPLY, ["residence_permit_check"]
    if person.status == "trafficking_victim" and eu_citizen:
        notes.append("trafficking_exception")
    if person.country is None:
        outcome = MAY_APPLY
    visa_free = b.listed("reag_visa_free_countries", person.country)
    lines: List[Line] = []
    if visa_free:
        notes.append("visa_free_reduced")
    else:
        lines += _per_person_lines(b, "travel_allowance", "reag_travel_allowance", person)
    if person.car:
        lines.append(Line("fuel_allowance", "car", "reag_fuel_allowance_car", 1,
                          b.amounts("reag_fuel_allowance_car")))
    else:
        b.value("reag_fuel_allowance_car")
        notes.append("travel_ticket_or_car")
    b.value("reag_adult_age")
    b.value("reag_medical_max")
    b.value("reag_medical_months")
    notes.append("medical")

    cap = None
    on_list = b.listed("reag_startup_aid_countries", person.country)
    if on_list and not visa_free:
        list_verified = b.verified("reag_startup_aid_countries")
        startup = _per_person_lines(b, "startup_aid", "reag_startup_aid", person, verified=list_verified)
        lines += startup
        if person.country == "GE":
            b.value("reag_startup_aid_georgia_arrived_before")
            notes.append("startup_aid_georgia")
        if not list_verified:
            notes.append("startup_aid_list_unverified")
        if all(line.total is not None for line in startup):
            uncapped = sum(line.total[0] for line in startup)
            caps = b.amounts("reag_startup_aid_family_cap")
            cap = Cap("reag_startup_aid_family_cap", caps, uncapped,
                      tuple(sorted({min(uncapped, c) for c in caps})), b.verified("reag_startup_aid_family_cap"))
        else:
            b.value("reag_startup_aid_family_cap")
            notes.append("startup_aid_family_cap")
    elif person.country is not None and not visa_free:
        # The start-up aid list in the data is cut off in its source: not being on it proves nothing.
        notes.append("startup_aid_not_on_known_list")
    if person.country == "SY":
        b.value("reag_syria_since")
        notes.append("syria_since")
    b.value("reag_processing_weeks")
    b.value("reag_processing_weeks_busy")
    return ProgrammeResult("reag", outcome, tuple(reasons), tuple(lines), cap, tuple(notes), b.take())


def _starthilfeplus(b: _Builder, person: Person, eu_citizen: bool) -> Optional[ProgrammeResult]:
    if eu_citizen:
        return None
    if b.listed("shp_regular_countries", person.country):
        return ProgrammeResult("shp", APPLIES, ("shp_regular",), notes=("shp_amount_by_counsellor",),
                               facts=b.take())
    if b.listed("shp_housing_countries", person.country):
        return ProgrammeResult("shp", APPLIES, ("shp_housing",), notes=("shp_amount_by_counsellor",),
                               facts=b.take())
    if b.listed("shp_reduced_countries", person.country):
        return ProgrammeResult("shp", MAY_APPLY, ("shp_reduced",), notes=("shp_amount_by_counsellor",),
                               facts=b.take())
    if person.status == "duldung":
        return ProgrammeResult("shp", MAY_APPLY, ("shp_long_duldung",), notes=("shp_amount_by_counsellor",),
                               facts=b.take())
    b.take()
    return None


def _eurp(b: _Builder, person: Person, eu_citizen: bool) -> Optional[ProgrammeResult]:
    if eu_citizen or not b.listed("eurp_countries", person.country):
        b.take()
        return None
    notes = ["eurp_services", "eurp_register"]
    b.value("eurp_support_months")
    b.value("eurp_arrival_days")
    b.value("eurp_registration_days")
    outcome = APPLIES
    if b.listed("eurp_special_rules_countries", person.country):
        outcome = MAY_APPLY
        notes.append("eurp_special_rules")
    if person.country == "TR":
        b.value("eurp_turkey_min_stay_months")
        notes.append("eurp_turkey_stay")
    return ProgrammeResult("eurp", outcome, notes=tuple(notes), facts=b.take())


def _ura(b: _Builder, person: Person) -> Optional[ProgrammeResult]:
    if not b.listed("ura_countries", person.country):
        b.take()
        return None
    states = b.value("ura_states")
    b.value("ura_min_stay_months")
    if person.state and person.state not in states:
        return ProgrammeResult("ura", NOT_APPLICABLE, ("ura_state",), notes=("ura_services",), facts=b.take())
    return ProgrammeResult("ura", MAY_APPLY, ("ura_state_check",), notes=("ura_services",), facts=b.take())


def _hamburg(b: _Builder, person: Person) -> Optional[ProgrammeResult]:
    if person.state != b.value("hamburg_state") or not b.listed("hamburg_countries", person.country):
        b.take()
        return None
    lines = _per_person_lines(b, "hamburg_travel_aid", "hamburg_syria_travel_aid", person)
    return ProgrammeResult("hamburg", MAY_APPLY, ("hamburg_gap",), tuple(lines), notes=("hamburg_example",),
                           facts=b.take())


def assess(person: Person, facts: Optional[Dict[str, Fact]] = None) -> Assessment:
    """Every programme's outcome for `person`, in a fixed order: REAG/GARP first, then top-ups."""
    b = _Builder(facts if facts is not None else all_facts())
    if person.state is None:
        person = replace(person, state=load_centre().state)
    checks: List[str] = []
    if person.stateless:
        checks.append("stateless")
    elif person.country is None:
        checks.append("country_unknown")
    if person.country == "DE":
        return Assessment(person, (), ("german_citizen",))
    eu_citizen = person.status == "eu_citizen" or b.listed("reag_excluded_countries", person.country)
    b.take()
    results: List[ProgrammeResult] = [_reag(b, person, eu_citizen)]
    for extra in (_starthilfeplus(b, person, eu_citizen), _eurp(b, person, eu_citizen), _ura(b, person),
                  _hamburg(b, person)):
        if extra is not None:
            results.append(extra)
    return Assessment(person, tuple(results), tuple(checks))


def as_of(assessment: Assessment, facts: Optional[Dict[str, Fact]] = None) -> Optional[dt.date]:
    """The oldest `checked` date of the facts the assessment rests on."""
    facts = facts if facts is not None else all_facts()
    dates = [facts[name].checked for name in assessment.facts]
    return min(dates) if dates else None


def total(lines: Sequence[Line]) -> Optional[Tuple[float, ...]]:
    """The possible sums of `lines` (several when an amount's sources disagree); None if a count is unknown."""
    sums = {0.0}
    for line in lines:
        if line.total is None:
            return None
        sums = {s + t for s in sums for t in line.total}
    return tuple(sorted(sums))
