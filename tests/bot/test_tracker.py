"""Reading and deleting a person's events in Rasa's SQL tracker store (its `events` table)."""
from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import create_engine, text

from bot.tracker import TrackerDatabase

# the columns of rasa.core.tracker_store.SQLTrackerStore.SQLEvent (Rasa 3.6)
EVENTS = ("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
          "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")


def add_event(url: str, sender: str, type_name: str, name: str | None, data: dict, timestamp: float | None = None):
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                                "VALUES (:s, :t, :ts, :a, :d)"),
                           {"s": sender, "t": type_name, "ts": timestamp or time.time(), "a": name, "d": json.dumps(data)})
    engine.dispose()


@pytest.fixture
def tracker_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(EVENTS))
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


def test_no_events_table_yet_is_no_conversation(tmp_path):
    tracker = TrackerDatabase(f"sqlite:///{tmp_path / 'empty.db'}")
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
