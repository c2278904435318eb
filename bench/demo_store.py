"""A generated demo store for the needs report: Rasa's `events` table and the desk's tables, filled with
invented conversations spread over the last three months (SQLite file or PostgreSQL URL).

Nothing in it comes from a real person: pseudonyms are random, texts are drawn from a short list of
not-understood questions (one with a phone number, to show the scrubbing). The shapes follow what
Rasa 3.6 and the gateway write: user events with `parse_data` and channel metadata (language code,
deep-link code `start`), `language` and lookup slots, form actions, bot events; desk cases with topic,
language, contact way, `taken_at`; appointments. Used by `make bench-report`, `make sample` and tests.

    python bench/demo_store.py --conversations 100000 --tracker sqlite:///results/demo/tracker.db \
        --desk sqlite:///results/demo/gateway.db
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
)

from wegweiser.content import load_topics, read_yaml
from wegweiser.handoff import CONTACTS as CONTACT_WAYS
from wegweiser.handoff import TOPICS as HANDOFF_TOPICS
from wegweiser.paths import content_dir

ROOT = Path(__file__).resolve().parent.parent

tracker_metadata = MetaData()
#: the columns of Rasa 3.6's SQLTrackerStore.SQLEvent (tests/wegweiser/test_report.py compares them)
events = Table("events", tracker_metadata,
               Column("id", Integer, primary_key=True), Column("sender_id", String(255), nullable=False, index=True),
               Column("type_name", String(255), nullable=False), Column("timestamp", Float),
               Column("intent_name", String(255)), Column("action_name", String(255)), Column("data", Text))

desk_metadata = MetaData()
#: the columns of the desk's tables (bot/desk/models.py) that the report reads (the rest of the desk is not needed here)
desk_cases = Table("desk_cases", desk_metadata,
                   Column("number", Integer, primary_key=True), Column("pseudonym", String(128), index=True),
                   Column("request_id", String(128)), Column("chat_id", BigInteger), Column("language", String(16)),
                   Column("topic", String(64)), Column("contact", String(16)), Column("phone", String(32)),
                   Column("name", String(128)), Column("status", String(16)),
                   Column("created_at", DateTime(timezone=True)), Column("taken_at", DateTime(timezone=True)),
                   Column("closed_at", DateTime(timezone=True)))
desk_appointments = Table("desk_appointments", desk_metadata,
                          Column("id", Integer, primary_key=True), Column("case_number", Integer),
                          Column("slots", JSON), Column("chosen", DateTime(timezone=True)),
                          Column("status", String(16)), Column("reminder_sent", Boolean),
                          Column("created_at", DateTime(timezone=True)))

LANGUAGES = ("de", "en", "ar", "fa", "ru", "tr")
LANGUAGE_WEIGHTS = (20, 8, 30, 22, 12, 8)
COUNTRIES = ("IQ", "SY", "AF", "IR", "TR", "RU", "GE", "XK", "AL", "RS", "NG", "stateless", "skipped")
COUNTRY_WEIGHTS = (18, 12, 16, 10, 10, 6, 6, 3, 3, 3, 2, 1, 4)
NOT_UNDERSTOOD = (
    "wo ist das Jobcenter", "kann ich mein Auto verkaufen", "wie lange dauert der Flug",
    "where can I change money", "my number is +49 170 1234567 please call", "is there a bus to the airport",
    "هل يمكنني أخذ قطتي", "ما هي الأوراق للمدرسة", "آیا می توانم وسایلم را بفرستم", "можно ли взять собаку",
    "uçakta kaç kilo bagaj", "wann kommt mein Geld auf das Konto 123456789",
)


def multiplier_codes() -> List[str]:
    path = content_dir() / "multipliers.yml"
    return list(read_yaml(path)["multipliers"]) if path.exists() else []


def _event(sender: str, kind: str, moment: float, intent: Optional[str] = None, action: Optional[str] = None,
           **data: Any) -> Dict[str, Any]:
    return {"sender_id": sender, "type_name": kind, "timestamp": moment, "intent_name": intent, "action_name": action,
            "data": json.dumps({"event": kind, "timestamp": moment, **data}, ensure_ascii=False)}


def _user(sender: str, moment: float, text: str, intent: str, metadata: Dict[str, Any],
          retrieval: Optional[str] = None) -> Dict[str, Any]:
    intent_data: Dict[str, Any] = {"name": intent, "confidence": 0.9}
    if retrieval:
        intent_data["full_retrieval_intent_name"] = retrieval
    ranking = [{"name": intent, "confidence": 0.9}] + [{"name": f"other_{i}", "confidence": 0.01} for i in range(9)]
    return _event(sender, "user", moment, intent=intent, text=text,
                  parse_data={"intent": intent_data, "entities": [], "text": text, "intent_ranking": ranking,
                              "message_id": f"{random.getrandbits(64):016x}", "metadata": metadata},
                  input_channel="rest", metadata={**metadata, "model_id": "demo", "assistant_id": "wegweiser"})


def _slot(sender: str, moment: float, name: str, value: Any) -> Dict[str, Any]:
    return _event(sender, "slot", moment, action=name, name=name, value=value)


def _action(sender: str, moment: float, name: str) -> Dict[str, Any]:
    return _event(sender, "action", moment, action=name, name=name)


def _moment(rng: random.Random, start: float, end: float) -> float:
    """A time in [start, end) that favours the afternoon (people write more then)."""
    moment = rng.uniform(start, end)
    day = moment - moment % 86400
    return min(day + rng.triangular(6, 23, 15) * 3600, end - 1)


def conversation(rng: random.Random, sender: str, start: float, end: float, topics: Sequence[str],
                 codes: Sequence[str]) -> Iterator[Dict[str, Any]]:
    moment = _moment(rng, start, end)
    language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
    metadata: Dict[str, Any] = {"language_code": language}
    if codes and rng.random() < 0.12:
        metadata["start"] = rng.choice(list(codes) + ["unknown-code"])
    yield _event(sender, "session_started", moment)
    yield _action(sender, moment, "action_session_start")
    for _ in range(rng.choice((1, 1, 2, 3, 3, 4, 5, 6, 8))):
        moment += rng.uniform(20, 600)
        roll = rng.random()
        if roll < 0.62:
            topic = rng.choice(topics)
            yield _user(sender, moment, "demo question", "faq", metadata, retrieval=f"faq/{topic}")
            yield _slot(sender, moment, "language", language)
            yield _action(sender, moment, "utter_faq")
            yield _event(sender, "bot", moment, text="demo answer", metadata={"utter_action": f"utter_faq/{topic}"})
        elif roll < 0.77:
            yield _user(sender, moment, "demo question", "ask_support", metadata)
            yield _slot(sender, moment, "language", language)
            yield _action(sender, moment, "support_form")
            yield _slot(sender, moment, "lookup_country", rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0])
            if rng.random() < 0.8:
                yield _slot(sender, moment, "lookup_adults", float(rng.choice((1, 1, 2, 2, 2, 3))))
                yield _slot(sender, moment, "lookup_children", float(rng.choice((0, 0, 1, 2, 3, 4))))
        elif roll < 0.87:
            yield _user(sender, moment, rng.choice(NOT_UNDERSTOOD), "nlu_fallback", metadata)
            yield _slot(sender, moment, "language", language)
            yield _action(sender, moment, "action_clarify")
        elif roll < 0.95:
            yield _user(sender, moment, "demo question", "request_human", metadata)
            yield _slot(sender, moment, "language", language)
            yield _action(sender, moment, "handoff_form")
            if rng.random() < 0.6:
                yield _slot(sender, moment, "handoff_outcome", "send")
        elif roll < 0.997:
            yield _user(sender, moment, "demo question", "legal_own_case", metadata)
            yield _slot(sender, moment, "language", language)
        else:
            yield _user(sender, moment, "demo question", "crisis", metadata)
            yield _action(sender, moment, "utter_crisis")
        yield _action(sender, moment, "action_listen")


def _batches(rows: Iterator[Dict[str, Any]], size: int) -> Iterator[List[Dict[str, Any]]]:
    batch: List[Dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _engine(url: str):  # type: ignore[no-untyped-def]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True)


def generate(tracker_url: str, desk_url: Optional[str], conversations: int, *, seed: int = 20,
             end: Optional[dt.datetime] = None, days: int = 91, replace: bool = True) -> Dict[str, int]:
    """Writes `conversations` invented conversations (and their handoff cases) and returns what it wrote."""
    rng = random.Random(seed)
    end = end or dt.datetime.now(dt.timezone.utc)
    start = end - dt.timedelta(days=days)
    topics, codes = list(load_topics()), multiplier_codes()
    tracker = _engine(tracker_url)
    if replace:
        tracker_metadata.drop_all(tracker)
    tracker_metadata.create_all(tracker)
    handoffs: List[tuple] = []

    def rows() -> Iterator[Dict[str, Any]]:
        for _ in range(conversations):
            sender = f"{rng.getrandbits(256):064x}"
            for row in conversation(rng, sender, start.timestamp(), end.timestamp(), topics, codes):
                if row["action_name"] == "handoff_outcome":
                    handoffs.append((sender, row["timestamp"], json.loads(row["data"]).get("value")))
                yield row

    written = 0
    with tracker.begin() as connection:
        for batch in _batches(rows(), 20000):
            connection.execute(events.insert(), batch)
            written += len(batch)
    tracker.dispose()
    cases = appointments = 0
    if desk_url:
        desk = _engine(desk_url)
        if replace:
            desk_metadata.drop_all(desk)
        desk_metadata.create_all(desk)
        case_rows, appointment_rows = [], []
        for number, (sender, moment, _value) in enumerate(handoffs, 1):
            created = dt.datetime.fromtimestamp(moment, dt.timezone.utc)
            taken = created + dt.timedelta(hours=rng.expovariate(1 / 10)) if rng.random() < 0.85 else None
            if taken and taken > end:
                taken = None
            case_rows.append({"number": number, "pseudonym": sender, "request_id": f"demo-{number}",
                              "chat_id": 0, "language": rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0],
                              "topic": rng.choice(HANDOFF_TOPICS), "contact": rng.choice(CONTACT_WAYS),
                              "phone": None, "name": None, "status": "taken" if taken else "new",
                              "created_at": created, "taken_at": taken, "closed_at": None})
            if taken and rng.random() < 0.4:
                booked = rng.random() < 0.7
                appointment_rows.append({"case_number": number, "slots": [], "status": "confirmed" if booked else
                                         rng.choice(("proposed", "cancelled")),
                                         "chosen": taken + dt.timedelta(days=3) if booked else None,
                                         "reminder_sent": booked and rng.random() < 0.8, "created_at": taken})
        with desk.begin() as connection:
            if case_rows:
                connection.execute(desk_cases.insert(), case_rows)
            if appointment_rows:
                connection.execute(desk_appointments.insert(), appointment_rows)
        desk.dispose()
        cases, appointments = len(case_rows), len(appointment_rows)
    return {"conversations": conversations, "events": written, "cases": cases, "appointments": appointments}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description="Generate a demo store for the needs report.")
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--tracker", default=f"sqlite:///{ROOT / 'results' / 'demo' / 'tracker.db'}")
    parser.add_argument("--desk", default=f"sqlite:///{ROOT / 'results' / 'demo' / 'gateway.db'}")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    began = time.monotonic()
    counts = generate(args.tracker, args.desk, args.conversations, seed=args.seed)
    print(f"demo store: {counts} in {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
