"""The programme data schema: real data loads; broken data is refused with a useful message."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from wegweiser.facts import ProgrammeDataError, all_facts, load_centre, load_programmes, load_programmes_from, stale_facts


def test_shipped_programme_data_is_valid():
    programmes = load_programmes()
    assert {"reag", "shp", "eurp", "ura", "nrp", "legal", "departure"} <= set(programmes)
    assert "hamburg" not in programmes  # Hamburg's 2024 Syria rates ended; never shown as current
    assert all_facts()["reag_travel_allowance_adult"].value == 200
    assert load_centre().name


def test_facts_carry_status_and_incomplete_lists_are_marked():
    facts = all_facts()
    assert facts["reag_startup_aid_family_cap"].value == 4000 and facts["reag_startup_aid_family_cap"].verified
    assert facts["reag_startup_aid_confirmed_countries"].complete is False
    assert facts["reag_turkey_rule_until"].status == "unverified"
    assert facts["legal_ban_max_years"].status == "probable"
    assert {f.status for f in facts.values()} <= {"verified", "probable", "unverified"}


def test_every_source_has_its_own_date_or_says_it_is_undated():
    from wegweiser.facts import load_sources, source_date

    sources = load_sources()
    assert all(s.date is not None and s.url and s.publisher for s in sources.values())
    assert source_date(all_facts()["shp_regular_countries"]).earliest == dt.date(2024, 4, 8)
    assert source_date(all_facts()["reag_medical_max"]) is None  # all its sources are undated


def test_a_source_without_a_date_is_refused(tmp_path):
    from wegweiser.facts import load_sources_from

    path = tmp_path / "sources.yml"
    path.write_text("sources:\n  x: {url: 'https://x', publisher: X}\n", encoding="utf-8")
    with pytest.raises(ProgrammeDataError, match="date"):
        load_sources_from(path)
    path.write_text("sources:\n  x: {url: 'https://x', publisher: X, date: 'Nov 2026'}\n", encoding="utf-8")
    with pytest.raises(ProgrammeDataError, match="YYYY"):
        load_sources_from(path)


def write(tmp_path, body):
    (tmp_path / "p.yml").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "fact, message",
    [
        ("{value: 200, kind: euro, sources: [fdb], checked: 2026-01-01, status: verified}", "kind must be one of"),
        ("{value: -5, kind: eur, sources: [fdb], checked: 2026-01-01, status: verified}", "non-negative"),
        ("{value: [1, 2], kind: eur, sources: [fdb], checked: 2026-01-01, status: verified}", "not verified"),
        ("{value: [XX], kind: countries, sources: [fdb], checked: 2026-01-01, status: verified}", "unknown ISO 3166"),
        ("{value: 200, kind: eur, sources: [], checked: 2026-01-01, status: verified}", "sources"),
        ("{value: 200, kind: eur, sources: [fdb], status: verified}", "checked"),
        ("{value: 200, kind: eur, sources: [fdb], checked: 2026-01-01}", "status"),
        ("{value: 200, kind: eur, sources: [fdb], checked: 2026-01-01, status: maybe}", "status must be"),
        ("{value: 200, kind: eur, sources: [nowhere], checked: 2026-01-01, status: verified}", "unknown sources"),
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
