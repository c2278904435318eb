"""The programme data schema: real data loads; broken data is refused with a useful message."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from wegweiser.facts import ProgrammeDataError, all_facts, load_centre, load_programmes, load_programmes_from, stale_facts


def test_shipped_programme_data_is_valid():
    programmes = load_programmes()
    assert {"reag", "shp", "eurp", "ura", "hamburg", "departure"} <= set(programmes)
    assert all_facts()["reag_travel_allowance_adult"].value == 200
    assert load_centre().name


def test_unverified_facts_are_marked():
    facts = all_facts()
    assert facts["reag_startup_aid_family_cap"].verified is False
    assert facts["reag_startup_aid_family_cap"].value == [3500, 4000]
    assert facts["reag_startup_aid_countries"].verified is False


def write(tmp_path, body):
    (tmp_path / "p.yml").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "fact, message",
    [
        ("{value: 200, kind: euro, sources: [fdb], checked: 2026-01-01}", "kind must be one of"),
        ("{value: -5, kind: eur, sources: [fdb], checked: 2026-01-01}", "non-negative"),
        ("{value: [1, 2], kind: eur, sources: [fdb], checked: 2026-01-01}", "verified: false"),
        ("{value: [XX], kind: countries, sources: [fdb], checked: 2026-01-01}", "unknown ISO 3166"),
        ("{value: 200, kind: eur, sources: [], checked: 2026-01-01}", "sources"),
        ("{value: 200, kind: eur, sources: [fdb]}", "checked"),
        ("{value: 200, kind: eur, sources: [nowhere], checked: 2026-01-01}", "unknown sources"),
    ],
)
def test_broken_facts_are_refused_with_file_and_fact(tmp_path, fact, message):
    folder = write(tmp_path, f"""
        id: test
        name: Test
        facts:
          amount: {fact}
    """)
    with pytest.raises(ProgrammeDataError) as error:
        load_programmes_from(folder, known_sources={"fdb"})
    assert "p.yml" in str(error.value) and message in str(error.value)


def test_stale_facts_are_found():
    today = dt.date(2030, 1, 1)
    assert "reag_travel_allowance_adult" in stale_facts(180, today=today)
    assert stale_facts(100000, today=today) == {}
