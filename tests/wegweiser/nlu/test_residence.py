"""Residence status and travel by car in six languages, from tests/data/residence_mentions.yml."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from wegweiser.nlu.residence import parse_car, parse_status, statuses

TABLE_FILE = Path(__file__).resolve().parents[3] / "tests" / "data" / "residence_mentions.yml"
TABLE = yaml.safe_load(TABLE_FILE.read_text("utf-8"))


def _rows(part):
    rows = []
    for language, lines in TABLE[part].items():
        for line in lines:
            text, expected = (field.strip() for field in line.rsplit("|", 1))
            rows.append((language, text, expected))
    return rows


STATUS_CASES = _rows("status")
CAR_CASES = _rows("car")


def _ids(cases):
    return [f"{case[0]}-{i}" for i, case in enumerate(cases)]


@pytest.mark.parametrize("language, text, expected", STATUS_CASES, ids=_ids(STATUS_CASES))
def test_status_table(language, text, expected):
    assert parse_status(text, language) == (None if expected == "-" else expected)


@pytest.mark.parametrize("language, text, expected", CAR_CASES, ids=_ids(CAR_CASES))
def test_car_table(language, text, expected):
    assert parse_car(text, language) == {"yes": True, "no": False, "-": None}[expected]


def test_every_status_in_every_language():
    """Each status is found in each language's table rows, so no language misses a status."""
    for language in {language for language, _, _ in STATUS_CASES}:
        found = {expected for lang, _, expected in STATUS_CASES if lang == language}
        assert set(statuses()) <= found, language


def test_statuses_are_the_ones_the_rules_know():
    assert set(statuses()) == {
        "asylum_procedure",
        "duldung",
        "rejected",
        "recognised",
        "residence_permit",
        "eu_citizen",
        "trafficking_victim",
    }


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Ich habe keine Aufenthaltserlaubnis", "de", None),
        ("I have a Duldung", None, "duldung"),
        ("", None, None),
    ],
)
def test_status_edge_cases(text, language, expected):
    assert parse_status(text, language) == expected


@pytest.mark.parametrize(
    "text, language, expected",
    [("mit dem Auto, nicht mit dem Flugzeug", "de", None), ("by car", None, True), ("", None, None)],
)
def test_car_edge_cases(text, language, expected):
    assert parse_car(text, language) == expected
