"""Table-driven tests of the programme rules over the shipped programme data."""
from __future__ import annotations

import pytest

import datetime as dt

from wegweiser.dialogue.eligibility import (APPLIES, CONFIRMED, EXCLUDED, LIKELY, MAY_APPLY, NOT_APPLICABLE, UNCONFIRMED,
                                   Person, _Builder, assess, startup_aid_level, total)
from wegweiser.facts import all_facts


def fact(name):
    return all_facts()[name].value


def outcomes(person):
    return {r.programme: r.outcome for r in assess(person).results}


TODAY = dt.date(2026, 12, 6)


def outcomes_on(person, today=TODAY):
    return {r.programme: r.outcome for r in assess(person, today=today).results}


@pytest.mark.parametrize(
    "person, expected",
    [
        # StarthilfePlus reduced countries (22, with EURP): start-up aid likely, SHP and EURP
        (Person("IQ", adults=2, children=3), {"reag": APPLIES, "shp": APPLIES, "eurp": APPLIES}),
        (Person("NG", adults=1), {"reag": APPLIES, "shp": APPLIES, "eurp": APPLIES}),
        # no current list for Afghanistan: REAG/GARP, start-up aid checked by the counsellor
        (Person("AF", adults=1, children=0), {"reag": APPLIES}),
        # StarthilfePlus regular and housing countries
        (Person("RU", adults=1), {"reag": APPLIES, "shp": APPLIES}),
        (Person("IR", adults=1), {"reag": APPLIES, "shp": APPLIES}),
        # visa-free, EURP with special rules; Moldova is not in the EU
        (Person("AL", adults=1), {"reag": APPLIES, "eurp": MAY_APPLY}),
        (Person("MD", adults=1), {"reag": APPLIES, "eurp": MAY_APPLY}),
        # Türkiye: the stay rule decides
        (Person("TR", adults=2), {"reag": APPLIES, "shp": MAY_APPLY, "eurp": MAY_APPLY}),
        (Person("TR", adults=2, months_in_germany=4), {"reag": APPLIES, "eurp": NOT_APPLICABLE}),
        (Person("TR", adults=2, months_in_germany=6), {"reag": APPLIES, "eurp": NOT_APPLICABLE}),
        (Person("TR", adults=2, months_in_germany=7), {"reag": APPLIES, "shp": APPLIES, "eurp": MAY_APPLY}),
        # Kosovo from Hamburg: URA not available
        (Person("XK", adults=1), {"reag": APPLIES, "ura": NOT_APPLICABLE}),
        (Person("XK", adults=1, state="Berlin"), {"reag": APPLIES, "ura": MAY_APPLY}),
        # Syria: REAG since 2025, EURP, NRP SYR for people with a permit or protection; no Hamburg programme
        (Person("SY", adults=2, children=1), {"reag": APPLIES, "eurp": APPLIES, "nrp": MAY_APPLY}),
        (Person("SY", adults=2, status="asylum_procedure"), {"reag": APPLIES, "eurp": APPLIES}),
        # recognised refugees: REAG/GARP only by giving up protection; nothing built on it is offered
        (Person("SY", adults=1, status="recognised"), {"reag": NOT_APPLICABLE, "nrp": MAY_APPLY}),
        (Person("IQ", adults=1, status="recognised"), {"reag": NOT_APPLICABLE}),
        (Person("AF", adults=1, status="recognised"), {"reag": NOT_APPLICABLE}),
        # residence permit holders: depends on the permit
        (Person("IQ", adults=1, status="residence_permit"), {"reag": MAY_APPLY, "shp": MAY_APPLY, "eurp": APPLIES}),
        (Person("SY", adults=1, status="residence_permit"), {"reag": MAY_APPLY, "eurp": APPLIES, "nrp": MAY_APPLY}),
        # EU citizens are excluded, except victims of trafficking
        (Person("RO", adults=1), {"reag": NOT_APPLICABLE}),
        (Person("RO", adults=1, status="trafficking_victim"), {"reag": APPLIES}),
        (Person("UA", adults=1, status="eu_citizen"), {"reag": NOT_APPLICABLE}),
        # onward travel: never to an EU state; elsewhere only with a visa for a permanent stay
        (Person("IQ", adults=1, destination="FR"), {"reag": NOT_APPLICABLE}),
        (Person("IQ", adults=1, destination="CA"), {"reag": MAY_APPLY, "shp": MAY_APPLY}),
        # long-term Duldung opens StarthilfePlus group C
        (Person("CO", adults=1, status="duldung"), {"reag": APPLIES, "shp": MAY_APPLY, "eurp": MAY_APPLY}),
        # unknown country, stateless: only the general programme, a counsellor checks
        (Person(None, adults=1), {"reag": MAY_APPLY}),
        (Person(None, stateless=True), {"reag": MAY_APPLY}),
        # German citizens: nothing
        (Person("DE", adults=1), {}),
    ],
)
def test_programme_outcomes(person, expected):
    assert outcomes_on(person) == expected


def test_nrp_syr_ends_with_its_application_deadline():
    person = Person("SY", adults=1, status="recognised")
    assert "nrp" in outcomes_on(person, dt.date(2026, 12, 31))
    assert "nrp" not in outcomes_on(person, dt.date(2027, 1, 1))


@pytest.mark.parametrize(
    "country, level",
    [("SY", CONFIRMED), ("IQ", LIKELY), ("RU", LIKELY), ("PK", LIKELY), ("AF", UNCONFIRMED), ("ER", UNCONFIRMED),
     ("AL", EXCLUDED), ("RS", EXCLUDED), ("XK", EXCLUDED), ("MD", EXCLUDED), ("CO", UNCONFIRMED)],
)
def test_startup_aid_by_nationality_is_confirmed_likely_or_checked_never_absent_from_a_list(country, level):
    assert startup_aid_level(_Builder(all_facts()), Person(country)) == level


def test_no_country_is_told_it_is_not_on_the_startup_aid_list():
    for country in ("AF", "ER", "CO", "VE", "KZ", "UZ"):
        notes = reag(Person(country, adults=1)).notes
        assert "startup_aid_unconfirmed" in notes
        assert not [n for n in notes if "not_on" in n]


@pytest.mark.parametrize(
    "months, expected_startup",
    [(None, False), (2, False), (6, False), (7, True), (30, True)],
)
def test_turkey_stay_rule(months, expected_startup):
    result = reag(Person("TR", adults=1, months_in_germany=months))
    assert bool([l for l in result.lines if l.item == "startup_aid"]) == expected_startup
    assert [l for l in result.lines if l.item == "travel_allowance"]  # always travel costs and allowance
    assert ("turkey_short_stay" in result.notes) == (months is not None and months <= 6)
    assert ("turkey_stay_rule" in result.notes) == (months is None)


@pytest.mark.parametrize(
    "country, entered, reduced, note",
    [("GE", None, True, "reduced_if_entered_after_ge"), ("GE", dt.date(2018, 1, 1), True, "visa_free_reduced"),
     ("GE", dt.date(2016, 5, 1), False, "entered_before_reduction"), ("UA", None, True, "reduced_if_entered_after_ua"),
     ("UA", dt.date(2017, 6, 1), False, "entered_before_reduction"), ("RS", None, True, "visa_free_reduced")],
)
def test_reduced_travel_allowance_for_visa_free_countries_by_date_of_entry(country, entered, reduced, note):
    result = reag(Person(country, adults=1, entered=entered))
    assert bool([l for l in result.lines if l.item == "travel_allowance"]) == (not reduced)
    assert note in result.notes


def test_protection_and_residence_warnings_come_first():
    assert assess(Person("SY", status="recognised")).warnings == ("protection_at_risk",)
    assert assess(Person("IQ", status="residence_permit")).warnings == ("residence_permit_at_risk",)
    assert assess(Person("IQ", status="rejected")).warnings == ()


def test_starthilfeplus_is_never_offered_without_reag():
    for person in (Person("RU", status="recognised"), Person("RO"), Person("IQ", destination="FR"),
                   Person("TR", months_in_germany=3)):
        assert "shp" not in outcomes_on(person)


def test_reduced_starthilfeplus_names_the_exception_for_vulnerable_people():
    assert "shp_exception" in assess(Person("IQ", adults=1)).result("shp").notes


def test_eurp_arrival_package_in_kind_or_cash():
    assert "eurp_package" in assess(Person("IQ", adults=1)).result("eurp").notes


@pytest.mark.parametrize(
    "person, check",
    [(Person(None, stateless=True), "stateless"), (Person(None), "country_unknown"), (Person("DE"), "german_citizen")],
)
def test_cases_a_counsellor_must_check(person, check):
    assert assess(person).counsellor_checks == (check,)


def reag(person):
    return assess(person).result("reag")


def lines(person, item):
    return [line for line in reag(person).lines if line.item == item]


@pytest.mark.parametrize("adults, children", [(1, 0), (2, 0), (2, 3), (1, 4), (3, 2)])
def test_travel_allowance_per_adult_and_child(adults, children):
    found = lines(Person("IQ", adults=adults, children=children), "travel_allowance")
    expected = adults * fact("reag_travel_allowance_adult") + children * fact("reag_travel_allowance_child")
    assert total(found) == (expected,)


@pytest.mark.parametrize("adults, children", [(1, 0), (2, 1), (2, 3), (2, 5), (4, 4)])
def test_startup_aid_with_the_family_cap(adults, children):
    result = reag(Person("SY", adults=adults, children=children))
    uncapped = adults * fact("reag_startup_aid_adult") + children * fact("reag_startup_aid_child")
    cap = fact("reag_startup_aid_family_cap")
    assert result.cap.uncapped == uncapped
    assert result.cap.capped == (min(uncapped, cap),)
    assert result.cap.reached == (uncapped > cap)
    assert result.cap.verified


def test_a_large_family_is_capped():
    result = reag(Person("SY", adults=2, children=6))  # 2,000 + 3,000 = 5,000 > 4,000
    assert result.cap.reached and result.cap.capped == (fact("reag_startup_aid_family_cap"),)


def test_visa_free_countries_get_the_reduced_allowance_and_no_startup_aid():
    result = reag(Person("GE", adults=2, children=1))  # Georgia: visa-free
    assert not result.lines or all(line.item == "fuel_allowance" for line in result.lines)
    assert "reduced_if_entered_after_ge" in result.notes


def test_car_travellers_get_the_fuel_allowance_instead_of_a_ticket():
    with_car = reag(Person("IQ", adults=1, car=True))
    assert [line.unit for line in with_car.lines if line.item == "fuel_allowance"] == [(fact("reag_fuel_allowance_car"),)]
    without = reag(Person("IQ", adults=1, car=False))
    assert not [line for line in without.lines if line.item == "fuel_allowance"]
    assert "travel_ticket_or_car" in without.notes


def test_children_only_counted_when_the_family_is_known():
    unknown = lines(Person("IQ"), "travel_allowance")
    assert all(line.count is None and line.total is None for line in unknown)
    adults_only = lines(Person("IQ", adults=2), "travel_allowance")
    assert [line.count for line in adults_only] == [2, 0]


def test_likely_startup_aid_is_not_firm():
    result = reag(Person("IQ", adults=1))
    assert all(not line.verified for line in result.lines if line.item == "startup_aid")
    assert "startup_aid_likely" in result.notes


def test_syria_note_and_turkey_stay_rule():
    assert "syria_since" in reag(Person("SY", adults=1)).notes
    assert "eurp_turkey_stay" in assess(Person("TR", adults=1)).result("eurp").notes


def test_changed_amount_changes_the_result():
    facts = dict(all_facts())
    adult = facts["reag_travel_allowance_adult"]
    facts["reag_travel_allowance_adult"] = adult.copy(update={"value": 999})
    found = [l for l in assess(Person("IQ", adults=1), facts).result("reag").lines if l.item == "travel_allowance"]
    assert total(found) == (999,)


def test_a_family_whose_startup_aid_a_counsellor_checks_still_learns_the_family_maximum():
    family = reag(Person(country="AF", adults=2, children=5))
    assert "startup_aid_unconfirmed" in family.notes and "startup_aid_family_cap" in family.notes
    single = reag(Person(country="AF", adults=1, children=0))
    assert "startup_aid_family_cap" not in single.notes
