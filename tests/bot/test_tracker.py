"""Reading and deleting a person's events in Rasa's SQL tracker store (its `events` table)."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import create_engine, text

from bot.tracker import TrackerDatabase

# the columns of rasa.core.tracker_store.SQLTrackerStore.SQLEvent (Rasa 3.6)
EVENTS = ("CREATE TABLE events (id {id} PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
          "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")


def add_event(url: str, sender: str, type_name: str, name: str | None, data: dict, timestamp: float | None = None):
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                                "VALUES (:s, :t, :ts, :a, :d)"),
                           {"s": sender, "t": type_name, "ts": timestamp or time.time(), "a": name, "d": json.dumps(data)})
    engine.dispose()


@pytest.fixture
def tracker_url(database) -> str:
    """Rasa's events table in a SQLite file and (when it runs) in PostgreSQL, as Rasa's SQL tracker store."""
    url = database.get("url_in_schema", database["url"])
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(EVENTS.format(id="SERIAL" if url.startswith("postgresql") else "INTEGER")))
    engine.dispose()
    return url


def test_language_is_the_last_language_slot_and_lock(tracker_url):
    add_event(tracker_url, "p1", "user", None, {"event": "user", "text": "hallo"})
    add_event(tracker_url, "p1", "slot", "language", {"event": "slot", "name": "language", "value": "de"})
    add_event(tracker_url, "p1", "slot", "language", {"event": "slot", "name": "language", "value": "tr"})
    add_event(tracker_url, "p1", "slot", "language_locked", {"event": "slot", "name": "language_locked", "value": True})
    add_event(tracker_url, "p2", "slot", "language", {"event": "slot", "name": "language", "value": "ru"})
    tracker = TrackerDatabase(tracker_url)
    assert tracker.language("p1") == ("tr", True)
    assert tracker.language("p2") == ("ru", False)
    assert tracker.language("nobody") == (None, False)


def test_no_events_table_yet_is_no_conversation(database):
    tracker = TrackerDatabase(database.get("url_in_schema", database["url"]))
    assert tracker.language("p1") == (None, False)
    assert tracker.delete("p1") == 0 and tracker.delete_inactive(time.time()) == 0


def test_delete_inactive_removes_whole_old_conversations_only(tracker_url):
    old, now = time.time() - 40 * 86400, time.time()
    add_event(tracker_url, "old", "user", None, {}, old)
    add_event(tracker_url, "mixed", "user", None, {}, old)
    add_event(tracker_url, "mixed", "user", None, {}, now)
    tracker = TrackerDatabase(tracker_url)
    assert tracker.delete_inactive(now - 30 * 86400) == 1
    assert tracker.count("old") == 0 and tracker.count("mixed") == 2


def test_a_turn_in_flight_cannot_write_a_deleted_conversation_back(tracker_url):
    """Rasa appends what it thinks is missing (by position), so after a delete it writes everything again."""
    erased_at = 1_000_000.0
    old = [("user", erased_at - 60), ("slot", erased_at - 59), ("bot", erased_at - 58), ("user", erased_at - 1)]
    for type_name, moment in old:
        add_event(tracker_url, "p1", type_name, None, {"event": type_name}, timestamp=moment)
    add_event(tracker_url, "p2", "user", None, {"event": "user"}, timestamp=erased_at - 5)
    tracker = TrackerDatabase(tracker_url)
    assert tracker.delete("p1", now=erased_at) == 4
    # the turn that was running writes the whole session back, plus its own last events (just after)
    for type_name, moment in old + [("slot", erased_at + 2), ("bot", erased_at + 3)]:
        add_event(tracker_url, "p1", type_name, None, {"event": type_name}, timestamp=moment)
    assert tracker.count("p1") == 0
    # the person writes again: a new conversation, kept from its first message on
    for type_name, moment in [("session_started", erased_at + 30), ("user", erased_at + 31), ("bot", erased_at + 32)]:
        add_event(tracker_url, "p1", type_name, None, {"event": type_name}, timestamp=moment)
    assert tracker.count("p1") == 2
    # other people are not touched, before or after; tombstones go after a day
    add_event(tracker_url, "p2", "bot", None, {"event": "bot"}, timestamp=erased_at - 4)
    assert tracker.count("p2") == 2
    assert tracker.forget_tombstones(erased_at + 86_400) == 1
    tracker.close()


def test_a_failing_statement_logs_no_parameters(tracker_url):
    import logging

    from bot.app import NoDatabaseDetail

    tracker = TrackerDatabase(tracker_url)
    try:
        with tracker.engine.begin() as connection:
            connection.execute(text("INSERT INTO no_such_table (x) VALUES (:secret)"), {"secret": "Abu Karim +4915112345678"})
    except Exception:  # noqa: BLE001 - what a handler's log.exception would log
        import sys

        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "deleting failed", None, sys.exc_info())
    assert "[SQL parameters hidden" in str(record.exc_info[1])  # hide_parameters=True on the engine
    NoDatabaseDetail().filter(record)
    logged = logging.Formatter().format(record)
    assert "Abu Karim" not in logged and "4915112345678" not in logged
    assert logged.startswith("deleting failed [") and "Error" in logged
    tracker.close()


def test_the_answers_rasa_gave_to_an_update_are_found_by_its_id(tracker_url):
    """After a restart the gateway re-runs an unfinished update; if Rasa already took it, its answers."""
    add_event(tracker_url, "p1", "user", None, {"event": "user", "text": "a", "metadata": {"update_id": 7}})
    add_event(tracker_url, "p1", "bot", None, {"event": "bot", "text": "answer a", "data": {"buttons": [
        {"title": "t", "payload": "/x"}]}})
    add_event(tracker_url, "p1", "bot", None, {"event": "bot", "text": "more a", "data": {}})
    add_event(tracker_url, "p1", "user", None, {"event": "user", "text": "b", "metadata": {"update_id": 8}})
    add_event(tracker_url, "p1", "bot", None, {"event": "bot", "text": "answer b", "data": {}})
    tracker = TrackerDatabase(tracker_url)
    assert [a["text"] for a in tracker.answers_to_update("p1", 7)] == ["answer a", "more a"]
    assert tracker.answers_to_update("p1", 7)[0]["buttons"] == [{"title": "t", "payload": "/x"}]
    assert [a["text"] for a in tracker.answers_to_update("p1", 8)] == ["answer b"]
    assert tracker.answers_to_update("p1", 9) is None and tracker.answers_to_update("p2", 7) is None
    tracker.close()
