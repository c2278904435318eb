"""Localised rendering of facts."""
from __future__ import annotations

import datetime as dt

import pytest

from wegweiser.facts import all_facts
from wegweiser.render import as_of, format_eur, numbers_in, placeholder_names, placeholders, template_values


@pytest.mark.parametrize("language, expected", [("de", "1.000\xa0€"), ("en", "€1,000"), ("ru", "1\xa0000\xa0€")])
def test_euro_amounts_follow_the_locale(language, expected):
    assert format_eur(1000, language) == expected


def test_every_placeholder_renders_in_every_language():
    from wegweiser.content import language_codes

    for language in language_codes():
        values = template_values(language)
        assert set(values) == set(placeholder_names())
        assert all(isinstance(v, str) and v for v in values.values())


def test_an_amount_change_changes_every_language(monkeypatch):
    fact = all_facts()["reag_travel_allowance_adult"]
    for language in ("de", "ar", "tr"):
        assert 200 in numbers_in(template_values(language)["reag_travel_allowance_adult"])


def test_unverified_family_cap_shows_both_figures():
    assert numbers_in(template_values("en")["reag_startup_aid_family_cap"]) == [3500, 4000]


def test_country_lists_are_localised():
    assert "Albanien" in template_values("de")["reag_visa_free_countries"]
    assert "Albania" in template_values("en")["reag_visa_free_countries"]
    assert "ألبانيا" in template_values("ar")["reag_visa_free_countries"]


def test_as_of_is_the_oldest_checked_date_of_the_facts_used():
    assert as_of({"reag_travel_allowance_adult", "centre_phone"}) == all_facts()["reag_travel_allowance_adult"].checked
    assert as_of({"centre_phone"}) is None


def test_numbers_in_handles_separators():
    assert numbers_in("€1,000 und 1.000 € und 1\xa0000 € und 0800 111 0 111") == [1000, 1000, 1000, 8001110111]
    assert placeholders("a {x} b {y_z}") == {"x", "y_z"}
