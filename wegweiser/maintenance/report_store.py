"""The aggregate queries behind the needs report: counts from Rasa's tracker store and the desk's tables.

Every query groups and counts in the database (SQLite or PostgreSQL) and returns at most a few thousand
bucket rows — per week, per topic, per hour — never one row per event, so 100,000 conversations take
seconds. No query returns a sender id, a case number, a name, a phone number or a message text; the one
exception is `not_understood_texts`, the texts of not-understood messages, which the report scrubs and
shows only for groups that at least k different people asked (wegweiser/maintenance/report_tables.py).

What is counted is what the stores hold: /delete removes a person's events and cases, so deleted
conversations are not counted; the retention job removes conversations inactive for RETENTION_DAYS.

Counting units: a *conversation* is one sender id (pseudonym) with at least one message in the period;
*people* in a row are distinct sender ids; *messages* are Rasa `user` events (typed text and buttons).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from wegweiser.paths import PROJECT_ROOT

WEEK = 7 * 24 * 3600
HOUR = 3600
#: metadata key of the deep-link code the gateway sends with every message (bot/handlers.py)
SOURCE_KEY = "start"
#: lookup slots whose values are counted
COUNTRY_SLOT, ADULTS_SLOT, CHILDREN_SLOT = "lookup_country", "lookup_adults", "lookup_children"
HANDOFF_OUTCOME = "handoff_outcome"


def default_tracker_url() -> str:
    """Where `make run` keeps Rasa's tracker (scripts/launch.py), unless TRACKER_DB_URL says otherwise."""
    data_dir = Path(os.environ.get("WEGWEISER_DATA_DIR", PROJECT_ROOT / ".data"))
    return os.environ.get("TRACKER_DB_URL") or f"sqlite:///{(data_dir / os.environ.get('TRACKER_DB', 'tracker.db')).resolve()}"


def default_desk_url() -> str:
    """The gateway's and desk's database (bot/settings.py DATABASE_URL)."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / '.data' / 'gateway.db'}"


@dataclass(frozen=True)
class Period:
    """[start, end) as aware datetimes; `origin` is the Monday 00:00 the week buckets count from."""

    start: dt.datetime
    end: dt.datetime

    @property
    def origin(self) -> dt.datetime:
        monday = self.start - dt.timedelta(days=self.start.weekday())
        return monday.replace(hour=0, minute=0, second=0, microsecond=0)

    def bounds(self) -> Dict[str, float]:
        return {"start": self.start.timestamp(), "end": self.end.timestamp(), "origin": self.origin.timestamp()}


class _Dialect:
    """The few expressions SQLite and PostgreSQL spell differently."""

    def __init__(self, name: str) -> None:
        self.name = name

    def json(self, path: Sequence[str]) -> str:
        """A JSON member of the `data` column as text."""
        if self.name == "postgresql":
            return "CAST(data AS json)" + "".join(f"->'{p}'" for p in path[:-1]) + f"->>'{path[-1]}'"
        return "json_extract(data, '$." + ".".join(path) + "')"

    def bucket(self, size: int) -> str:
        """The number of the `size`-second bucket since :origin that an event's timestamp falls into."""
        if self.name == "postgresql":
            return f"CAST(FLOOR((timestamp - :origin) / {size}) AS INTEGER)"
        return f"CAST((timestamp - :origin) / {size} AS INTEGER)"

    def hours_between(self, first: str, second: str) -> str:
        if self.name == "postgresql":
            return f"(EXTRACT(EPOCH FROM ({second} - {first})) / 3600.0)"
        return f"((julianday({second}) - julianday({first})) * 24.0)"


def _missing_file(url: str) -> bool:
    """A SQLite URL whose file does not exist (connecting would create an empty one)."""
    return url.startswith("sqlite:///") and ":memory:" not in url and not Path(url[len("sqlite:///"):].split("?")[0]).exists()


def _engine(url: str) -> Engine:
    options: Dict[str, Any] = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    return create_engine(url, future=True, **options)


Rows = List[Tuple[Any, ...]]


class TrackerCounts:
    """Aggregates over Rasa's `events` table (columns sender_id, type_name, timestamp, intent_name,
    action_name, data).

    `open(period)` reads the period's events ONCE into a temporary table of the few columns and JSON
    members the report needs (on the same connection; it disappears with it); every count then runs
    on that small table instead of scanning the whole store again."""

    #: the slots and actions the report counts
    SLOTS = ("language", COUNTRY_SLOT, ADULTS_SLOT, CHILDREN_SLOT, HANDOFF_OUTCOME)
    ACTIONS = ("support_form", "handoff_form")

    def __init__(self, url: str) -> None:
        self.engine = _engine(url)
        self.dialect = _Dialect(self.engine.dialect.name)
        self.present = not _missing_file(url) and inspect(self.engine).has_table("events")
        self.connection: Any = None
        self.period: Optional[Period] = None

    def open(self, period: Period) -> "TrackerCounts":
        self.close_period()
        self.period = period
        if not self.present:
            return self
        d = self.dialect
        names = ", ".join(f"'{name}'" for name in (*self.SLOTS, *self.ACTIONS))
        self.connection = self.engine.connect()
        if d.name == "sqlite":  # the report's own table in memory; a larger page cache for the one pass
            for pragma in ("temp_store = MEMORY", "cache_size = -262144", "mmap_size = 1073741824"):
                self.connection.execute(text(f"PRAGMA {pragma}"))
        self.connection.execute(text(
            "CREATE TEMPORARY TABLE report_events AS SELECT sender_id, type_name, timestamp, intent_name, "
            "action_name, "
            f"CASE WHEN intent_name = 'faq' THEN {d.json(['parse_data', 'intent', 'full_retrieval_intent_name'])} "
            "END AS topic, "
            f"CASE WHEN type_name = 'user' AND data LIKE :marker THEN {d.json(['metadata', SOURCE_KEY])} END AS code, "
            f"CASE WHEN intent_name = 'nlu_fallback' THEN {d.json(['text'])} END AS question, "
            f"CASE WHEN intent_name = 'nlu_fallback' THEN {d.json(['metadata', 'learn_opt_out'])} END AS opt_out, "
            f"CASE WHEN type_name = 'slot' THEN {d.json(['value'])} END AS value "
            "FROM events WHERE timestamp >= :start AND timestamp < :end AND (type_name = 'user' OR "
            f"(type_name IN ('slot', 'action') AND action_name IN ({names})))"),
            {**period.bounds(), "marker": f'%"{SOURCE_KEY}":%'})
        # smaller tables for the counts: messages; each person's distinct slot values; who ran which form
        for statement in (
                "CREATE TEMPORARY TABLE report_messages AS SELECT sender_id, timestamp, intent_name, topic, code, "
                "question, opt_out FROM report_events WHERE type_name = 'user'",
                "CREATE TEMPORARY TABLE report_slots AS SELECT DISTINCT sender_id, action_name, value "
                "FROM report_events WHERE type_name = 'slot'",
                "CREATE TEMPORARY TABLE report_actions AS SELECT DISTINCT sender_id, action_name "
                "FROM report_events WHERE type_name = 'action'",
                "DROP TABLE report_events"):
            self.connection.execute(text(statement))
        return self

    def close_period(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def close(self) -> None:
        self.close_period()
        self.engine.dispose()

    def _rows(self, sql: str, period: Period, **values: Any) -> Rows:
        if not self.present:
            return []
        if self.period != period or self.connection is None:
            self.open(period)
        return [tuple(row) for row in self.connection.execute(text(sql), {**period.bounds(), **values})]

    _USER = "report_messages WHERE 1 = 1"
    _SLOT = "report_slots WHERE 1 = 1"

    def totals(self, period: Period) -> Tuple[int, int]:
        """(conversations, messages) in the period."""
        rows = self._rows(f"SELECT COUNT(DISTINCT sender_id), COUNT(*) FROM {self._USER}", period)
        return (int(rows[0][0] or 0), int(rows[0][1] or 0)) if rows else (0, 0)

    def weekly(self, period: Period) -> Rows:
        """(week number since the period's first Monday, conversations, messages)."""
        bucket = self.dialect.bucket(WEEK)
        return self._rows(f"SELECT {bucket} AS week, COUNT(DISTINCT sender_id), COUNT(*) FROM {self._USER} "
                          "GROUP BY week ORDER BY week", period)

    def hourly(self, period: Period) -> Rows:
        """(hour number since the period's first Monday 00:00, messages): turned into local hour of day
        and weekday by the caller, which needs the time zone's rules (summer time)."""
        bucket = self.dialect.bucket(HOUR)
        return self._rows(f"SELECT {bucket} AS hour, COUNT(*) FROM {self._USER} GROUP BY hour ORDER BY hour", period)

    def slot_people(self, period: Period, slot: str) -> Rows:
        """(value, people) for a slot: how many people had each value set in the period."""
        if slot not in self.SLOTS:
            raise ValueError(f"{slot} is not read into the report's table")
        return self._rows(f"SELECT value, COUNT(DISTINCT sender_id) FROM {self._SLOT} AND action_name = :slot "
                          "GROUP BY value", period, slot=slot)

    def intents(self, period: Period) -> Rows:
        """(intent, people) over every message."""
        return self._rows(f"SELECT intent_name, COUNT(DISTINCT sender_id) FROM {self._USER} GROUP BY intent_name",
                          period)

    def faq_topics(self, period: Period) -> Rows:
        """(faq/<topic>, people)."""
        return self._rows(f"SELECT topic, COUNT(DISTINCT sender_id) FROM {self._USER} AND intent_name = 'faq' "
                          "GROUP BY topic", period)

    def actions(self, period: Period, names: Sequence[str]) -> Rows:
        """(action, people) for the lookup and handoff forms."""
        unknown = set(names) - set(self.ACTIONS)
        if unknown:
            raise ValueError(f"{sorted(unknown)} are not read into the report's table")
        marks = ", ".join(f":a{i}" for i in range(len(names)))
        return self._rows(f"SELECT action_name, COUNT(DISTINCT sender_id) FROM report_actions WHERE "
                          f"action_name IN ({marks}) GROUP BY action_name", period,
                          **{f"a{i}": n for i, n in enumerate(names)})

    def families(self, period: Period) -> Rows:
        """(adults, children, people): each person's largest numbers given in the period."""
        return self._rows(
            "SELECT adults, children, COUNT(*) FROM (SELECT sender_id, "
            "MAX(CASE WHEN action_name = :adults THEN CAST(value AS FLOAT) END) AS adults, "
            "MAX(CASE WHEN action_name = :children THEN CAST(value AS FLOAT) END) AS children "
            f"FROM {self._SLOT} AND action_name IN (:adults, :children) GROUP BY sender_id) AS family "
            "GROUP BY adults, children", period, adults=ADULTS_SLOT, children=CHILDREN_SLOT)

    def not_understood_weekly(self, period: Period) -> Rows:
        """(week, people, messages) of messages the NLU did not understand (the fallback intent)."""
        bucket = self.dialect.bucket(WEEK)
        return self._rows(f"SELECT {bucket} AS week, COUNT(DISTINCT sender_id), COUNT(*) FROM {self._USER} "
                          "AND intent_name = 'nlu_fallback' GROUP BY week ORDER BY week", period)

    _ASKED = "AND intent_name = 'nlu_fallback' AND (opt_out IS NULL OR CAST(opt_out AS TEXT) NOT IN ('1', 'true'))"

    def not_understood_texts(self, period: Period, limit: int) -> Rows:
        """(text, people), the most-asked identical texts first, without the messages of people who switched
        off keeping their not-understood questions (`learn_opt_out`). The sender never leaves the query."""
        return self._rows(f"SELECT question, COUNT(DISTINCT sender_id) AS people FROM {self._USER} {self._ASKED} "
                          "GROUP BY question ORDER BY people DESC, question LIMIT :limit", period, limit=limit)

    def not_understood_people(self, period: Period, questions: Sequence[str]) -> int:
        """How many different people asked any of these texts (a group's distinct people)."""
        if not questions:
            return 0
        marks = ", ".join(f":q{i}" for i in range(len(questions)))
        rows = self._rows(f"SELECT COUNT(DISTINCT sender_id) FROM {self._USER} {self._ASKED} "
                          f"AND question IN ({marks})", period, **{f"q{i}": q for i, q in enumerate(questions)})
        return int(rows[0][0] or 0) if rows else 0

    def sources(self, period: Period) -> Rows:
        """(deep-link code, people): the code the gateway sends as metadata `start`."""
        return self._rows(f"SELECT code, COUNT(DISTINCT sender_id) FROM {self._USER} AND code IS NOT NULL "
                          "GROUP BY code", period)


class DeskCounts:
    """Aggregates over the desk's tables (bot/cases.py): handoff cases and appointments."""

    def __init__(self, url: str) -> None:
        self.engine = _engine(url)
        self.dialect = _Dialect(self.engine.dialect.name)
        tables = set() if _missing_file(url) else set(inspect(self.engine).get_table_names())
        self.present = "desk_cases" in tables
        self.has_appointments = "desk_appointments" in tables
        self.has_taken_at = self.present and "taken_at" in {
            c["name"] for c in inspect(self.engine).get_columns("desk_cases")}

    def close(self) -> None:
        self.engine.dispose()

    def _rows(self, sql: str, period: Period) -> Rows:
        start, end = period.start.astimezone(dt.timezone.utc), period.end.astimezone(dt.timezone.utc)
        if self.dialect.name == "sqlite":  # SQLAlchemy keeps UTC datetimes in SQLite as naive ISO text
            start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), {"start": start, "end": end})]

    _CASES = "FROM desk_cases WHERE created_at >= :start AND created_at < :end"

    def cases_by(self, column: str, period: Period) -> Rows:
        """(topic | language | contact way, cases) for the requests made in the period."""
        if column not in ("topic", "language", "contact"):
            raise ValueError(column)
        return self._rows(f"SELECT {column}, COUNT(*) {self._CASES} GROUP BY {column}", period) if self.present else []

    def waits(self, period: Period) -> Rows:
        """(bucket, cases): how long until a counsellor took the case."""
        if not self.present:
            return []
        if not self.has_taken_at:
            return self._rows(f"SELECT 'not_taken', COUNT(*) {self._CASES}", period)
        hours = self.dialect.hours_between("created_at", "taken_at")
        return self._rows(
            "SELECT CASE WHEN taken_at IS NULL THEN 'not_taken' "
            f"WHEN {hours} < 1 THEN 'under_1h' WHEN {hours} < 4 THEN 'h1_4' WHEN {hours} < 24 THEN 'h4_24' "
            f"WHEN {hours} < 72 THEN 'd1_3' ELSE 'over_3d' END AS waited, COUNT(*) {self._CASES} "
            "GROUP BY waited", period)

    def appointments(self, period: Period) -> Rows:
        """(proposed, booked, cancelled, reminded) for appointments proposed in the period."""
        if not self.has_appointments:
            return []
        return self._rows(
            "SELECT COUNT(*), SUM(CASE WHEN chosen IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN reminder_sent THEN 1 ELSE 0 END) "
            "FROM desk_appointments WHERE created_at >= :start AND created_at < :end", period)


def as_mapping(rows: Rows) -> Mapping[Any, int]:
    return {row[0]: int(row[1] or 0) for row in rows}
