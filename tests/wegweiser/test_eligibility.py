"""Table-driven tests of the programme rules over the shipped programme data."""
from __future__ import annotations

import pytest

from wegweiser.eligibility import APPLIES, MAY_APPLY, NOT_APPLICABLE, Person, as_of, assess, total
from wegweiser.facts import all_facts


def fact(name):
    return all_facts()[name].value


def outcomes(person):
    return {r.programme: r.outcome for r in assess(person).results}


@pytest.mark.parametrize(
    "person, expected",
    [
        # group 1 start-up aid country with EURP and a reduced StarthilfePlus
        (Person("IQ", adults=2, children=3), {"reag": APPLIES, "shp": MAY_APPLY, "eurp": APPLIES}),
        (Person("AF", adults=1, children=0), {"reag": APPLIES}),
        # StarthilfePlus regular and housing countries
        (Person("RU", adults=1), {"reag": APPLIES, "shp": APPLIES}),
        (Person("IR", adults=1), {"reag": APPLIES, "shp": APPLIES}),
        # visa-free, EURP with special rules
        (Person("AL", adults=1), {"reag": APPLIES, "eurp": MAY_APPLY}),
        # Turkey: EURP with the short-stay exclusion, reduced StarthilfePlus
        (Person("TR", adults=2), {"reag": APPLIES, "shp": MAY_APPLY, "eurp": APPLIES}),
        # Kosovo from Hamburg: URA not available
        (Person("XK", adults=1), {"reag": APPLIES, "ura": NOT_APPLICABLE}),
        (Person("XK", adults=1, state="Berlin"), {"reag": APPLIES, "ura": MAY_APPLY}),
        # Syria: REAG since 2025, EURP, Hamburg's own programme
        (Person("SY", adults=2, children=1), {"reag": APPLIES, "eurp": APPLIES, "hamburg": MAY_APPLY}),
        (Person("SY", adults=2, children=1, state="Bayern"), {"reag": APPLIES, "eurp": APPLIES}),
        # EU citizens are excluded, except victims of trafficking
        (Person("RO", adults=1), {"reag": NOT_APPLICABLE}),
        (Person("RO", adults=1, status="trafficking_victim"), {"reag": APPLIES}),
        (Person("UA", adults=1, status="eu_citizen"), {"reag": NOT_APPLICABLE}),
        # residence permit holders: depends on the permit
        (Person("IQ", adults=1, status="residence_permit"), {"reag": MAY_APPLY, "shp": MAY_APPLY, "eurp": APPLIES}),
        # long-term Duldung opens StarthilfePlus group C
        (Person("VN", adults=1, status="duldung"), {"reag": APPLIES, "shp": MAY_APPLY, "eurp": APPLIES}),
        # unknown country, stateless: only the general programme, a counsellor checks
        (Person(None, adults=1), {"reag": MAY_APPLY}),
        (Person(None, stateless=True), {"reag": MAY_APPLY}),
        # German citizens: nothing
        (Person("DE", adults=1), {}),
    ],
)
def test_programme_outcomes(person, expected):
    assert outcomes(person) == expected


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
    result = reag(Person("AF", adults=adults, children=children))
    uncapped = adults * fact("reag_startup_aid_adult") + children * fact("reag_startup_aid_child")
    caps = fact("reag_startup_aid_family_cap")
    assert result.cap.uncapped == uncapped
    assert result.cap.capped == tuple(sorted({min(uncapped, c) for c in caps}))
    assert result.cap.reached == (uncapped > min(caps))
    assert not result.cap.verified  # the sources disagree: presented as alternatives


def test_a_large_family_is_capped():
    result = reag(Person("AF", adults=2, children=6))  # 2,000 + 3,000 = 5,000 > both caps
    assert result.cap.reached and max(result.cap.capped) <= max(fact("reag_startup_aid_family_cap"))


def test_no_startup_aid_outside_the_list_but_a_counsellor_checks_the_incomplete_list():
    result = reag(Person("SY", adults=1))
    assert not [line for line in result.lines if line.item == "startup_aid"]
    assert "startup_aid_not_on_known_list" in result.notes


def test_visa_free_countries_get_the_reduced_allowance_and_no_startup_aid():
    result = reag(Person("GE", adults=2, children=1))  # Georgia: visa-free, also on the start-up list
    assert not result.lines or all(line.item == "fuel_allowance" for line in result.lines)
    assert "visa_free_reduced" in result.notes


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


def test_unverified_lists_never_give_a_firm_startup_aid():
    result = reag(Person("IQ", adults=1))
    assert all(not line.verified for line in result.lines if line.item == "startup_aid")
    assert "startup_aid_list_unverified" in result.notes


def test_syria_note_and_turkey_stay_rule():
    assert "syria_since" in reag(Person("SY", adults=1)).notes
    assert "eurp_turkey_stay" in assess(Person("TR", adults=1)).result("eurp").notes


def test_changed_amount_changes_the_result():
    facts = dict(all_facts())
    adult = facts["reag_travel_allowance_adult"]
    facts["reag_travel_allowance_adult"] = adult.copy(update={"value": 999})
    found = [l for l in assess(Person("IQ", adults=1), facts).result("reag").lines if l.item == "travel_allowance"]
    assert total(found) == (999,)


def test_as_of_is_the_oldest_fact_used():
    assessment = assess(Person("IQ", adults=2, children=1))
    facts = all_facts()
    assert as_of(assessment) == min(facts[name].checked for name in assessment.facts)
    assert "reag_travel_allowance_adult" in assessment.facts
