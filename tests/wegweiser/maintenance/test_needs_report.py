"""The anonymous needs report: k-suppression, nothing personal in the output, deleted conversations not
counted, SQLite and PostgreSQL giving the same report, an empty store, and what each table counts."""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import uuid
from typing import Dict, List

import pytest
from sqlalchemy import create_engine, text

from bench.demo_store import _action, _slot, _user, desk_appointments, desk_cases, desk_metadata, events, generate, \
    tracker_metadata
from bot.tracker import TrackerDatabase
from wegweiser.maintenance.needs_report import build_report, load_multipliers, period_for
from wegweiser.maintenance.report_page import render_html, write_report

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
# Wednesday 1 July 2026, 10:30 UTC = 12:30 in Hamburg (summer time)
NOON = dt.datetime(2026, 7, 1, 10, 30, tzinfo=dt.timezone.utc)
JULY = period_for(dt.date(2026, 6, 29), dt.date(2026, 7, 5))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001 - not reachable here
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {error}")
    schema = f"report_test_{uuid.uuid4().hex[:12]}"
    with probe.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with probe.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    probe.dispose()


def fill(url: str, rows: List[Dict], cases: List[Dict] = (), appointments: List[Dict] = ()) -> None:
    engine = create_engine(url)
    tracker_metadata.create_all(engine)
    desk_metadata.create_all(engine)
    with engine.begin() as connection:
        if rows:
            connection.execute(events.insert(), rows)
        if cases:
            connection.execute(desk_cases.insert(), list(cases))
        if appointments:
            connection.execute(desk_appointments.insert(), list(appointments))
    engine.dispose()


def asks(sender: str, topic: str, at: dt.datetime = NOON, language: str = "de", **metadata) -> List[Dict]:
    moment = at.timestamp()
    return [_user(sender, moment, f"Frage von {sender}", "faq", {"language_code": language, **metadata},
                  retrieval=f"faq/{topic}"),
            _slot(sender, moment, "language", language), _action(sender, moment, "utter_faq")]


def table(report, key: str) -> Dict[str, tuple]:
    return {label: values for label, values in next(t for t in report.tables if t.key == key).rows}


def cells(report, key: str) -> Dict[str, List[str]]:
    return {row[0]: row[1:] for row in next(t for t in report.tables if t.key == key).cells(report.k)}


def test_a_topic_asked_by_k_people_is_shown_and_below_k_it_is_suppressed(store_url):
    rows = [row for i in range(5) for row in asks(f"p{i}", "travel_allowance")]
    rows += [row for i in range(4) for row in asks(f"q{i}", "passport")]
    fill(store_url, rows)
    report = build_report(store_url, None, JULY, k=5)
    shown = cells(report, "topics")
    assert shown["Reisegeld"] == ["5"]
    assert shown["Reisepass"] == ["< 5"]
    assert report.conversations == 9 and report.messages == 9
    # the same store with k = 4 shows both, with k = 6 neither
    assert cells(build_report(store_url, None, JULY, k=4), "topics")["Reisepass"] == ["4"]
    assert cells(build_report(store_url, None, JULY, k=6), "topics")["Reisegeld"] == ["< 6"]


def test_every_count_in_every_csv_is_at_least_k_or_suppressed(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    generate(url, url, 600, end=dt.datetime(2026, 7, 5, 20, tzinfo=dt.timezone.utc), days=60)
    report = build_report(url, url, period_for(dt.date(2026, 5, 1), dt.date(2026, 7, 5)), k=7)
    files = write_report(report, tmp_path / "out")
    assert {p.name for p in files} >= {"report.html", "summary.csv", "weekly.csv", "languages.csv", "topics.csv",
                                        "countries.csv", "family.csv", "handoff_topic.csv", "handoff_language.csv",
                                        "handoff_contact.csv", "handoff_wait.csv", "appointments.csv",
                                        "not_understood.csv", "not_understood_groups.csv", "hours.csv",
                                        "weekdays.csv", "sources.csv"}
    small = 0
    for path in files:
        if path.suffix != ".csv":
            continue
        rows = list(csv.reader(open(path, encoding="utf-8")))
        for row in rows[1:]:
            for cell in row[1:]:
                if path.name == "summary.csv" and "-" in cell:
                    continue  # the period's dates
                if cell == "< 7":
                    small += 1
                else:
                    assert int(cell) >= 7 or (path.name == "summary.csv" and cell == "7"), (path.name, row)
    assert small > 0  # the demo store has small cells (e.g. night hours), so suppression was exercised


def test_no_pseudonym_text_case_number_name_or_phone_reaches_the_output(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    generate(url, url, 400, end=dt.datetime(2026, 7, 5, 20, tzinfo=dt.timezone.utc), days=30)
    engine = create_engine(url)
    with engine.begin() as connection:
        senders = [row[0] for row in connection.execute(text("SELECT DISTINCT sender_id FROM events"))]
        connection.execute(desk_cases.insert(), [{
            "number": 987654, "pseudonym": senders[0], "request_id": "x", "chat_id": 55501234, "language": "ar",
            "topic": "money", "contact": "phone", "phone": "+4917099887766", "name": "Zaynab Beispielname",
            "status": "new", "created_at": dt.datetime(2026, 7, 1, 9, tzinfo=dt.timezone.utc)}])
    engine.dispose()
    report = build_report(url, url, period_for(dt.date(2026, 6, 1), dt.date(2026, 7, 5)), k=1)
    out = tmp_path / "out"
    output = "\n".join(path.read_text(encoding="utf-8") for path in write_report(report, out))
    for sender in senders:
        assert sender not in output and sender[:12] not in output
    for secret in ("987654", "55501234", "+4917099887766", "Zaynab", "demo question", "demo answer",
                   "1234567", "123456789", "+49 170"):
        assert secret not in output, secret
    # the not-understood groups are shown scrubbed (k = 1 here, so every group is shown)
    assert "[phone]" in output and "[number]" in output


def test_a_deleted_conversation_is_no_longer_counted(store_url):
    rows = [row for i in range(5) for row in asks(f"p{i}", "travel_allowance")]
    fill(store_url, rows, cases=[{"number": 1, "pseudonym": "p0", "request_id": "r", "chat_id": 1, "language": "de",
                                  "topic": "money", "contact": "chat", "status": "new",
                                  "created_at": NOON}])
    assert cells(build_report(store_url, store_url, JULY, k=5), "topics")["Reisegeld"] == ["5"]
    assert cells(build_report(store_url, store_url, JULY, k=1), "handoff_topic") == {"Geld / finanzielle Hilfen": ["1"]}
    TrackerDatabase(store_url).delete("p0")  # what /delete does to Rasa's tracker (bot/erase.py)
    engine = create_engine(store_url)
    with engine.begin() as connection:  # and to the desk's case (bot/desk/cases.py delete_person)
        connection.execute(text("DELETE FROM desk_cases WHERE pseudonym = 'p0'"))
    engine.dispose()
    report = build_report(store_url, store_url, JULY, k=5)
    assert cells(report, "topics")["Reisegeld"] == ["< 5"] and report.conversations == 4
    assert table(build_report(store_url, store_url, JULY, k=1), "handoff_topic") == {}


def test_sqlite_and_postgresql_give_the_same_report(tmp_path):
    store_url_pg = None
    try:
        probe = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {error}")
    schema = f"report_same_{uuid.uuid4().hex[:12]}"
    with probe.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    try:
        store_url_pg = f"{PG_URL}?options=-csearch_path%3D{schema}"
        sqlite_url = f"sqlite:///{tmp_path / 'demo.db'}"
        end = dt.datetime(2026, 7, 5, 20, tzinfo=dt.timezone.utc)
        for url in (sqlite_url, store_url_pg):
            generate(url, url, 500, end=end, days=40, seed=7)
        period = period_for(dt.date(2026, 5, 20), dt.date(2026, 7, 5))
        folders = []
        for name, url in (("sqlite", sqlite_url), ("postgresql", store_url_pg)):
            report = build_report(url, url, period, k=3, today=dt.date(2026, 7, 6))
            write_report(report, tmp_path / name)
            folders.append(tmp_path / name)
        for path in sorted(folders[0].glob("*.csv")):
            assert path.read_text(encoding="utf-8") == (folders[1] / path.name).read_text(encoding="utf-8"), path.name
        assert report.conversations > 400
    finally:
        with probe.begin() as connection:
            connection.execute(text(f'drop schema "{schema}" cascade'))
        probe.dispose()


def test_an_empty_store_and_a_missing_store_still_give_a_report(store_url, tmp_path):
    fill(store_url, [])
    for url in (store_url, f"sqlite:///{tmp_path / 'never-written.db'}"):
        report = build_report(url, url, JULY)
        assert report.empty and report.tables == []
        files = write_report(report, tmp_path / "out")
        page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
        assert "In diesem Zeitraum gab es keine Gespräche." in page
        assert [p.name for p in files] == ["report.html", "summary.csv"]
    assert not (tmp_path / "never-written.db").exists()  # reading a missing store does not create one
    english = render_html(build_report(store_url, None, JULY, language="en"))
    assert "There were no conversations in this period." in english and 'lang="en"' in english


def test_hours_and_weekdays_are_in_hamburg_time_and_weeks_start_on_monday(store_url):
    winter = dt.datetime(2026, 1, 7, 10, 30, tzinfo=dt.timezone.utc)  # a Wednesday, 11:30 in Hamburg
    rows = [row for i in range(5) for row in asks(f"s{i}", "passport", at=NOON)]
    rows += [row for i in range(5) for row in asks(f"w{i}", "passport", at=winter)]
    fill(store_url, rows)
    summer = build_report(store_url, None, JULY, k=1)
    assert table(summer, "hours")["12:00"] == (5,) and table(summer, "weekdays")["Mittwoch"] == (5,)
    assert sum(v[0] for v in table(summer, "hours").values()) == 5  # the January messages are outside
    assert list(table(summer, "weekly")) == ["29.06.2026"]
    january = build_report(store_url, None, period_for(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), k=1,
                           language="en")
    assert table(january, "hours")["11:00"] == (5,) and table(january, "weekdays")["Wednesday"] == (5,)
    assert list(table(january, "weekly"))[:2] == ["Jan 1, 2026", "Jan 5, 2026"]


def test_lookups_handoffs_crises_sources_and_opted_out_questions(store_url):
    code = next(iter(load_multipliers()))
    moment = NOON.timestamp()
    rows: List[Dict] = []
    for i in range(6):
        person = f"l{i}"
        rows += [_user(person, moment, "Was bekomme ich?", "ask_support", {"start": code}),
                 _action(person, moment, "support_form"), _slot(person, moment, "lookup_country", "IQ"),
                 _slot(person, moment, "lookup_adults", 2.0), _slot(person, moment, "lookup_children", 3.0)]
    for i in range(5):
        rows += [_user(f"c{i}", moment, "Ich will nicht mehr leben", "crisis", {"start": "not-a-code"})]
    for i in range(5):  # five people asked, but two of them switched keeping their questions off
        metadata = {"learn_opt_out": True} if i < 2 else {}
        rows += [_user(f"n{i}", moment, "kann ich meine Katze mitnehmen", "nlu_fallback", metadata)]
    for i in range(5):
        rows += [_user(f"h{i}", moment, "Berater bitte", "request_human", {}), _action(f"h{i}", moment, "handoff_form"),
                 _slot(f"h{i}", moment, "handoff_outcome", "send")]
    fill(store_url, rows)
    report = build_report(store_url, None, JULY, k=5)
    topics = cells(report, "topics")
    assert topics["Programmsuche (was bekomme ich?)"] == ["6"] and topics["Krise (nur Anzahl)"] == ["5"]
    assert topics["Beratungsanfrage"] == ["5"]
    assert cells(report, "countries") == {"Irak": ["6"]}
    assert cells(report, "family")["5"] == ["6"]
    assert cells(report, "sources") == {load_multipliers()[code]["name"]: ["6"], "unbekannter Code": ["5"]}
    assert cells(report, "not_understood")["29.06.2026"] == ["5", "5"]
    assert cells(report, "not_understood_groups") == {}  # only 3 people let their question be kept: below k
    assert cells(build_report(store_url, None, JULY, k=3), "not_understood_groups") == {
        "kann ich meine Katze mitnehmen": ["3"]}
    assert report.summary() == "Gespräche: 21; Nachrichten: 21; mit einer Beratungsanfrage endeten 5 (24 %)."
    page = render_html(report)
    assert "Ich will nicht mehr leben" not in page and "Katze" not in page


def test_handoff_waits_and_appointments_from_the_desk(store_url):
    rows = [row for i in range(5) for row in asks(f"p{i}", "passport")]
    created = NOON
    cases_, appointments = [], []
    for number, hours in enumerate([0.5] * 5 + [2] * 5 + [30] * 5 + [None] * 5, 1):
        cases_.append({"number": number, "pseudonym": f"p{number}", "request_id": str(number), "chat_id": number,
                       "language": "fa", "topic": "travel", "contact": "video", "status": "new",
                       "created_at": created, "taken_at": created + dt.timedelta(hours=hours) if hours else None})
    for number in range(1, 7):
        appointments.append({"case_number": number, "slots": [], "status": "cancelled" if number == 6 else "confirmed",
                             "chosen": None if number == 6 else created, "reminder_sent": number < 6,
                             "created_at": created})
    fill(store_url, rows, cases_, appointments)
    report = build_report(store_url, store_url, JULY, k=5)
    assert cells(report, "handoff_wait") == {"unter 1 Stunde": ["5"], "1 bis 4 Stunden": ["5"],
                                              "4 bis 24 Stunden": ["< 5"], "1 bis 3 Tage": ["5"],
                                              "mehr als 3 Tage": ["< 5"], "(noch) nicht übernommen": ["5"]}
    assert cells(report, "handoff_language") == {"Persisch": ["20"]}
    assert cells(report, "handoff_contact") == {"Video": ["20"]}
    assert cells(report, "appointments") == {"vorgeschlagen": ["6"], "gebucht": ["5"], "abgesagt": ["< 5"],
                                              "erinnert": ["5"]}


def test_the_page_is_self_contained_with_charts_and_a_print_stylesheet(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    generate(url, url, 300, end=dt.datetime(2026, 7, 5, 20, tzinfo=dt.timezone.utc), days=20)
    page = render_html(build_report(url, url, period_for(dt.date(2026, 6, 1), dt.date(2026, 7, 5))))
    assert page.count("<svg") >= 10 and "@media print" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert 'lang="de"' in page and "Anonyme Bedarfsauswertung" in page


def test_the_demo_store_has_rasas_event_columns():
    from rasa.core.tracker_store import SQLTrackerStore

    rasa_columns = {c.name: type(c.type).__name__ for c in SQLTrackerStore.SQLEvent.__table__.columns}
    assert {c.name: type(c.type).__name__ for c in events.columns} == rasa_columns


def test_the_default_period_is_the_last_three_months():
    period = period_for(today=dt.date(2026, 12, 6))
    assert (period.start.date(), period.end.date()) == (dt.date(2026, 9, 7), dt.date(2026, 12, 7))
    assert period_for(today=dt.date(2026, 5, 31)).start.date() == dt.date(2026, 3, 1)
    with pytest.raises(ValueError):
        period_for(dt.date(2026, 2, 1), dt.date(2026, 1, 1))
