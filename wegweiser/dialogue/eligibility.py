"""Which return programmes may apply to one person and their family, and what each pays: rules over the
programme data in content/programmes/ (every amount, list and date comes from there).

The result is data, not text: `wegweiser.dialogue.lookup_answer` renders it in the person's language. Nothing here
promises anything. Outcomes are "applies" (the data says the programme covers this person), "may_apply"
(it depends on something a counsellor checks, or on a fact whose sources disagree) and "not_applicable"
(with the reason). Facts whose status is not `verified` never produce a firm "applies".

The rules never conclude anything from a country's absence from a list the data marks incomplete
(`complete: false`): start-up aid by nationality is "confirmed" (an official source names the
nationality), "likely" (StarthilfePlus, which presupposes it, names the country) or "a counsellor checks".
Where a step can cost a person their protection status or residence, the assessment carries a warning that
the answer shows before anything else, and programmes that do not fit the stated status are not offered.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

from wegweiser.facts import Fact, all_facts, load_centre

APPLIES, MAY_APPLY, NOT_APPLICABLE = "applies", "may_apply", "not_applicable"

#: residence statuses the parsers recognise (wegweiser.nlu.residence)
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
    #: months lived in Germany (Türkiye's stay rule); None when not known
    months_in_germany: Optional[int] = None
    #: day of entry into Germany (Georgia's and Ukraine's reduced travel allowance); None when not known
    entered: Optional[dt.date] = None
    #: the country the person wants to go to, when it is not their own (onward travel)
    destination: Optional[str] = None

    @property
    def family_known(self) -> bool:
        return self.adults is not None


@dataclass(frozen=True)
class Line:
    """One row of a calculation: `count` x `unit` = `total` (None where the count is not known)."""

    item: str  # travel_allowance | startup_aid | fuel_allowance
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
    #: what the person could lose (protection, residence): shown before anything else (keys of `warnings`)
    warnings: Tuple[str, ...] = ()

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

    def date(self, name: str) -> dt.date:
        return self.value(name)

    def take(self) -> Tuple[str, ...]:
        used, self.used = tuple(dict.fromkeys(self.used)), []
        return used


#: statuses of people who hold protection in Germany; REAG/GARP would mean giving it up
PROTECTED = ("recognised",)
#: startup-aid levels
CONFIRMED, LIKELY, UNCONFIRMED, EXCLUDED = "confirmed", "likely", "unconfirmed", "excluded"


def _per_person_lines(b: _Builder, item: str, prefix: str, person: Person, verified: bool = True) -> List[Line]:
    children = person.children if person.children is not None else (0 if person.family_known else None)
    return [
        Line(item, "adult", f"{prefix}_adult", person.adults, b.amounts(f"{prefix}_adult"), verified),
        Line(item, "child", f"{prefix}_child", children, b.amounts(f"{prefix}_child"), verified),
    ]


def turkey_short_stay(b: _Builder, person: Person) -> Optional[bool]:
    """Türkiye's stay rule: True (stayed at most N months), False (longer), None (not Türkiye or not known)."""
    if person.country != "TR":
        return None
    limit = b.value("reag_turkey_short_stay_months")
    b.value("reag_turkey_rule_from")
    b.value("reag_turkey_rule_until")
    if person.months_in_germany is None:
        return None
    return person.months_in_germany <= limit


#: notes that state Türkiye's stay rule (content/lookup.yml `notes`): known short stay, known longer stay,
#: stay not known
TURKEY_STAY_NOTES = ("turkey_short_stay", "turkey_long_stay", "turkey_stay_rule")


def turkey_stay_note(person: Person, facts: Optional[Dict[str, Fact]] = None) -> Optional[str]:
    """Which sentence states Türkiye's stay rule for this person (None when the person is not Turkish):
    the rule and its dates come from the programme data; answers about start-up aid, StarthilfePlus or
    EURP say it before anything else about those programmes."""
    short = turkey_short_stay(_Builder(facts if facts is not None else all_facts()), person)
    if person.country != "TR":
        return None
    if short is None:
        return "turkey_stay_rule"
    return "turkey_short_stay" if short else "turkey_long_stay"


def reduced_allowance(b: _Builder, person: Person) -> Tuple[bool, List[str]]:
    """Whether the travel allowance is the reduced one (visa-free countries, Kosovo), and notes on why."""
    if not b.listed("reag_visa_free_countries", person.country):
        return False, []
    conditional = {"GE": "reag_georgia_reduced_entry_after", "UA": "reag_ukraine_reduced_entry_after"}
    if person.country in conditional:
        since = b.date(conditional[person.country])
        if person.entered is not None and person.entered <= since:
            return False, ["entered_before_reduction"]
        if person.entered is None:
            return True, [f"reduced_if_entered_after_{person.country.lower()}"]
    return True, ["visa_free_reduced"]


def startup_aid_level(b: _Builder, person: Person) -> str:
    """How sure the data is that the person's nationality gets start-up aid (never "not on the list")."""
    if person.country is None:
        return UNCONFIRMED
    if b.listed("reag_visa_free_countries", person.country):
        return EXCLUDED  # reduced programme for visa-free countries: travel allowance only
    short = turkey_short_stay(b, person)
    if person.country == "TR":
        return EXCLUDED if short else (CONFIRMED if short is False else UNCONFIRMED)
    if b.listed("reag_startup_aid_confirmed_countries", person.country):
        return CONFIRMED
    if any(b.listed(name, person.country) for name in SHP_STARTUP_LISTS):
        return LIKELY  # StarthilfePlus presupposes the start-up aid of REAG/GARP
    return UNCONFIRMED


#: StarthilfePlus lists whose countries get a second start-up aid, which presupposes the first
SHP_STARTUP_LISTS = ("shp_regular_countries", "shp_reduced_countries")


def _reag(b: _Builder, person: Person, eu_citizen: bool) -> ProgrammeResult:
    if eu_citizen and person.status != "trafficking_victim":
        b.value("reag_excluded_countries")
        return ProgrammeResult("reag", NOT_APPLICABLE, ("eu_citizen",), notes=("trafficking_exception",),
                               facts=b.take())
    if person.status in PROTECTED:
        b.value("reag_protection_waiver")
        b.value("legal_revocation_basis")
        return ProgrammeResult("reag", NOT_APPLICABLE, ("protection_waiver",), facts=b.take())
    reasons: List[str] = []
    notes: List[str] = []
    outcome = APPLIES
    if person.destination and person.destination != person.country:
        if b.listed("reag_excluded_countries", person.destination):
            return ProgrammeResult("reag", NOT_APPLICABLE, ("eu_destination",), facts=b.take())
        outcome, reasons = MAY_APPLY, ["third_country_visa"]
    if person.status == "residence_permit":
        outcome, reasons = MAY_APPLY, reasons + ["residence_permit_check"]
    if person.status == "trafficking_victim" and eu_citizen:
        notes.append("trafficking_exception")
    if person.country is None:
        outcome = MAY_APPLY
    reduced, reduced_notes = reduced_allowance(b, person)
    notes += reduced_notes
    lines: List[Line] = []
    if not reduced:
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
    level = startup_aid_level(b, person)
    short = turkey_short_stay(b, person)
    if person.country == "TR":
        notes.append("turkey_short_stay" if short else "turkey_stay_rule" if short is None else "turkey_long_stay")
    if level in (CONFIRMED, LIKELY):
        startup = _per_person_lines(b, "startup_aid", "reag_startup_aid", person, verified=level == CONFIRMED)
        lines += startup
        if level == LIKELY:
            notes.append("startup_aid_likely")
        if all(line.total is not None for line in startup):
            uncapped = sum(line.total[0] for line in startup)
            caps = b.amounts("reag_startup_aid_family_cap")
            cap = Cap("reag_startup_aid_family_cap", caps, uncapped,
                      tuple(sorted({min(uncapped, c) for c in caps})), b.verified("reag_startup_aid_family_cap"))
        else:
            b.value("reag_startup_aid_family_cap")
            notes.append("startup_aid_family_cap")
    elif level == UNCONFIRMED and person.country != "TR":
        b.value("reag_startup_aid_confirmed_countries")
        b.value("reag_startup_aid_adult")
        b.value("reag_startup_aid_child")
        b.value("reag_startup_aid_family_cap")
        notes.append("startup_aid_unconfirmed" if person.country else "startup_aid_by_nationality")
        if person.family_known and (person.adults or 0) + (person.children or 0) > 1:
            notes.append("startup_aid_family_cap")  # a family asking for its total learns the maximum
    if person.country == "SY":
        b.value("reag_syria_since")
        notes.append("syria_since")
    b.value("reag_processing_weeks")
    b.value("reag_processing_weeks_busy")
    return ProgrammeResult("reag", outcome, tuple(reasons), tuple(lines), cap, tuple(notes), b.take())


def _starthilfeplus(b: _Builder, person: Person, reag: ProgrammeResult) -> Optional[ProgrammeResult]:
    """StarthilfePlus tops up the REAG/GARP start-up aid: never offered where REAG/GARP is not."""
    if reag.outcome == NOT_APPLICABLE or person.country is None:
        b.take()
        return None
    b.value("shp_valid_from")
    short = turkey_short_stay(b, person)
    if short:
        b.take()
        return None
    outcome = MAY_APPLY if (short is None and person.country == "TR") or reag.outcome == MAY_APPLY else APPLIES
    notes = ["shp_amount_by_counsellor"] + (["turkey_stay_rule_shp"] if short is None and person.country == "TR" else [])
    if b.listed("shp_regular_countries", person.country):
        return ProgrammeResult("shp", outcome, ("shp_regular",), notes=tuple(notes), facts=b.take())
    if b.listed("shp_housing_countries", person.country):
        return ProgrammeResult("shp", outcome, ("shp_housing",), notes=tuple(notes), facts=b.take())
    if b.listed("shp_reduced_countries", person.country):
        b.value("shp_exception_permits")
        return ProgrammeResult("shp", outcome, ("shp_reduced",), notes=tuple(notes + ["shp_exception"]),
                               facts=b.take())
    if person.status == "duldung":
        return ProgrammeResult("shp", MAY_APPLY, ("shp_long_duldung",), notes=("shp_amount_by_counsellor",),
                               facts=b.take())
    b.take()
    return None


def _eurp(b: _Builder, person: Person, eu_citizen: bool) -> Optional[ProgrammeResult]:
    onward = person.destination is not None and person.destination != person.country
    if eu_citizen or onward or person.status in PROTECTED or not b.listed("eurp_countries", person.country):
        b.take()
        return None
    short = turkey_short_stay(b, person)
    if short:
        b.value("eurp_turkey_min_stay_months")
        return ProgrammeResult("eurp", NOT_APPLICABLE, ("eurp_turkey_short_stay",), facts=b.take())
    notes = ["eurp_services", "eurp_package", "eurp_register"]
    b.value("eurp_support_months")
    b.value("eurp_arrival_days")
    b.value("eurp_arrival_package_form")
    b.value("eurp_registration_days")
    outcome = APPLIES
    if b.listed("eurp_special_rules_countries", person.country):
        outcome = MAY_APPLY
        notes.append("eurp_special_rules")
    if person.country == "TR":
        b.value("eurp_turkey_min_stay_months")
        outcome = MAY_APPLY
        notes.append("eurp_turkey_stay")
    return ProgrammeResult("eurp", outcome, notes=tuple(notes), facts=b.take())


def _nrp(b: _Builder, person: Person, today: dt.date) -> Optional[ProgrammeResult]:
    """NRP SYR: for Syrians with a residence permit or protection, until its application deadline."""
    if not b.listed("nrp_countries", person.country) or today > b.date("nrp_apply_until"):
        b.take()
        return None
    b.value("nrp_arrival_from")
    b.value("nrp_arrival_package")
    b.value("nrp_support_months")
    if person.status in PROTECTED + ("residence_permit",):
        return ProgrammeResult("nrp", MAY_APPLY, ("nrp_means",), notes=("nrp_package",), facts=b.take())
    if person.status is None:
        return ProgrammeResult("nrp", MAY_APPLY, ("nrp_if_permit",), notes=("nrp_package",), facts=b.take())
    b.take()
    return None


def _ura(b: _Builder, person: Person) -> Optional[ProgrammeResult]:
    if not b.listed("ura_countries", person.country):
        b.take()
        return None
    states = b.value("ura_states")
    b.value("ura_min_stay_months")
    if person.state and person.state not in states:
        return ProgrammeResult("ura", NOT_APPLICABLE, ("ura_state",), notes=("ura_services",), facts=b.take())
    return ProgrammeResult("ura", MAY_APPLY, ("ura_state_check",), notes=("ura_services",), facts=b.take())


def warnings_for(person: Person) -> Tuple[str, ...]:
    """What a return could cost this person, to be said before anything else."""
    if person.status in PROTECTED:
        return ("protection_at_risk",)
    if person.status == "residence_permit":
        return ("residence_permit_at_risk",)
    return ()


def assess(person: Person, facts: Optional[Dict[str, Fact]] = None, today: Optional[dt.date] = None) -> Assessment:
    """Every programme's outcome for `person`, in a fixed order: REAG/GARP first, then top-ups."""
    b = _Builder(facts if facts is not None else all_facts())
    today = today or dt.date.today()
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
    warnings = warnings_for(person)
    if warnings:
        b.value("legal_revocation_basis")
        b.value("legal_abroad_months")
        b.value("legal_trip_report_since")
        b.take()
    reag = _reag(b, person, eu_citizen)
    results: List[ProgrammeResult] = [reag]
    for extra in (_starthilfeplus(b, person, reag), _eurp(b, person, eu_citizen), _nrp(b, person, today),
                  _ura(b, person)):
        if extra is not None:
            results.append(extra)
    return Assessment(person, tuple(results), tuple(checks), warnings)


def total(lines: Sequence[Line]) -> Optional[Tuple[float, ...]]:
    """The possible sums of `lines` (several when an amount's sources disagree); None if a count is unknown."""
    sums = {0.0}
    for line in lines:
        if line.total is None:
            return None
        sums = {s + t for s in sums for t in line.total}
    return tuple(sorted(sums))
