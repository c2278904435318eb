"""Localised rendering of facts."""
from __future__ import annotations


import pytest

from wegweiser.facts import all_facts
from wegweiser.render import PER_MESSAGE_GENERAL, PER_MESSAGE_PLACEHOLDERS, currency_statement, format_eur, numbers_in, placeholder_names, placeholders, template_values


@pytest.mark.parametrize("language, expected", [("de", "1.000\xa0€"), ("en", "€1,000"), ("ru", "1\xa0000\xa0€")])
def test_euro_amounts_follow_the_locale(language, expected):
    assert format_eur(1000, language) == expected


def test_every_placeholder_renders_in_every_language():
    from wegweiser.content import language_codes

    for language in language_codes():
        values = template_values(language)
        assert set(values) == set(placeholder_names()) | set(PER_MESSAGE_PLACEHOLDERS) | set(PER_MESSAGE_GENERAL)
        assert all(isinstance(v, str) and (v or name in PER_MESSAGE_PLACEHOLDERS) for name, v in values.items())


def test_an_amount_change_changes_every_language(monkeypatch):
    for language in ("de", "ar", "tr"):
        assert 200 in numbers_in(template_values(language)["reag_travel_allowance_adult"])


def test_family_cap_is_the_figure_the_official_sources_agree_on():
    assert numbers_in(template_values("en")["reag_startup_aid_family_cap"]) == [4000]


def test_country_lists_are_localised():
    assert "Albanien" in template_values("de")["reag_visa_free_countries"]
    assert "Albania" in template_values("en")["reag_visa_free_countries"]
    assert "ألبانيا" in template_values("ar")["reag_visa_free_countries"]


def test_currency_comes_from_the_sources_own_dates_not_from_the_day_facts_were_typed_in():
    # travel allowance: newest source BAMF 28.06.2024; start-up aid confirmed list: BAMF 13.01.2025
    en = currency_statement({"reag_travel_allowance_adult", "centre_phone"}, "en")
    assert "June 28, 2024" in en and "BAMF" in en
    assert str(all_facts()["reag_travel_allowance_adult"].checked.year) not in en.replace("2024", "")
    # the oldest fact decides: an answer never looks more current than its weakest fact
    both = currency_statement({"reag_travel_allowance_adult", "reag_fuel_allowance_car"}, "de")
    assert "März 2023" in both
    assert currency_statement({"centre_phone"}, "en") is None


def test_undated_sources_are_said_to_be_undated_with_the_day_they_were_checked():
    text = currency_statement({"reag_medical_max"}, "en")
    assert "without a date" in text and "last checked on December 6, 2026" in text


def test_unconfirmed_facts_are_flagged():
    assert "not confirmed" in currency_statement({"reag_turkey_rule_until"}, "en")
    assert "not confirmed" not in currency_statement({"reag_medical_max"}, "en")


def test_numbers_in_handles_separators():
    assert numbers_in("€1,000 und 1.000 € und 1\xa0000 € und 0800 111 0 111") == [1000, 1000, 1000, 8001110111]
    assert placeholders("a {x} b {y_z}") == {"x", "y_z"}


@pytest.mark.parametrize("language, expected", [
    ("ka", "2025 წლის 13 იანვარი"), ("mk", "13 јануари 2025 г."), ("sq", "13 janar 2025"), ("es", "13 de enero de 2025")])
def test_dates_read_as_written_in_running_text(language, expected):
    import datetime as dt

    from wegweiser.render import format_long_date

    assert format_long_date(dt.date(2025, 1, 13), language).replace("\u202f", " ") == expected


@pytest.mark.parametrize("text, expected", [
    ("2025 წლის 13 იანვარი-დან", "2025 წლის 13 იანვრიდან"), ("2024 წლის 8 აპრილი-დან", "2024 წლის 8 აპრილიდან"),
    ("2024 წლის აგვისტო-ის მდგომარეობით", "2024 წლის აგვისტოს მდგომარეობით"),
    ("შემოწმდა 2026 წლის 6 დეკემბერი-ს).", "შემოწმდა 2026 წლის 6 დეკემბერს)."),
    ("2025 წლის 1 მარტი-მდე", "2025 წლის 1 მარტამდე"), ("2024-ის მდგომარეობით", "2024-ის მდგომარეობით"),
    ("REAG/GARP 2.0-ის ფარგლებში", "REAG/GARP 2.0-ის ფარგლებში"), ("იანვარი-დან", "იანვარი-დან")])
def test_georgian_case_endings_are_written_into_the_month_of_a_date(text, expected):
    from wegweiser.date_cases import join_date_endings

    assert join_date_endings(text, "ka") == expected


def test_georgian_source_date_takes_the_genitive_in_the_month():
    text = currency_statement(["reag_bamf_since", "reag_travel_allowance_adult"], "ka")
    assert "წლის" in text and "-ის მდგომარეობით" not in text.split("წლის", 1)[1], text
