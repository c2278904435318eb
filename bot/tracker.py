"""Rasa's SQL tracker store, seen from the gateway: the one place outside Rasa that knows its schema.

Rasa 3.6 has no endpoint to delete a conversation, so /delete and the retention job delete the rows of
the ``events`` table for the pseudonym (column ``sender_id``). The same table tells which language Rasa
last answered in (the ``language`` slot), which the gateway uses for its own messages.

**A turn still in flight cannot undo a deletion.** Rasa saves a tracker by appending the events the
database does not have yet, counted by position (``SQLTrackerStore._additional_events``): after a delete
the count is 0, so a turn that was still running (the gateway gave up waiting after RASA_TIMEOUT, Rasa
did not) would write the whole conversation back. `delete` therefore leaves a tombstone
(``wegweiser_erased``: sender, time of the deletion) and a trigger on ``events`` drops every row for that
sender stamped up to the deletion, and rows of the rest of that turn up to ``WRITE_BACK_GRACE`` seconds
later, until the person writes again (a ``user`` event after the deletion starts a new conversation,
which is kept). Tombstones older than a day are removed by the retention job.
"""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.db import make_engine

_SLOT = text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'slot' "
             "AND action_name = :slot ORDER BY id DESC LIMIT 1")
_DELETE = text("DELETE FROM events WHERE sender_id = :sender")
_DELETE_INACTIVE = text("DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events GROUP BY sender_id "
                        "HAVING MAX(timestamp) < :before)")
_COUNT = text("SELECT COUNT(*) FROM events WHERE sender_id = :sender")
_RECENT = text("SELECT type_name, data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
               "ORDER BY id DESC LIMIT 100")

#: how long after a deletion rows of a turn that was already running are still dropped (seconds)
WRITE_BACK_GRACE = 300.0
_TOMBSTONES = "CREATE TABLE IF NOT EXISTS wegweiser_erased (sender_id VARCHAR(255) PRIMARY KEY, erased_at FLOAT NOT NULL)"
# the condition under which an inserted event row is dropped (NEW: the row being inserted)
_DROPPED = (
    "EXISTS (SELECT 1 FROM wegweiser_erased t WHERE t.sender_id = NEW.sender_id AND ("
    "NEW.timestamp <= t.erased_at OR (NEW.timestamp <= t.erased_at + {grace} AND NOT EXISTS ("
    "SELECT 1 FROM events e WHERE e.sender_id = NEW.sender_id AND e.type_name = 'user' "
    "AND e.timestamp > t.erased_at))))").format(grace=WRITE_BACK_GRACE)
_SQLITE_TRIGGER = ("CREATE TRIGGER IF NOT EXISTS wegweiser_no_write_back BEFORE INSERT ON events "
                   f"WHEN {_DROPPED} AND NEW.type_name != 'user' OR (NEW.type_name = 'user' AND EXISTS ("
                   "SELECT 1 FROM wegweiser_erased t WHERE t.sender_id = NEW.sender_id "
                   "AND NEW.timestamp <= t.erased_at)) BEGIN SELECT RAISE(IGNORE); END")
_POSTGRES_FUNCTION = (
    "CREATE OR REPLACE FUNCTION wegweiser_no_write_back() RETURNS trigger AS $$ BEGIN "
    "IF (NEW.type_name != 'user' AND " + _DROPPED + ") OR (NEW.type_name = 'user' AND EXISTS ("
    "SELECT 1 FROM wegweiser_erased t WHERE t.sender_id = NEW.sender_id AND NEW.timestamp <= t.erased_at)) "
    "THEN RETURN NULL; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql")
_POSTGRES_TRIGGER = ("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'wegweiser_no_write_back' "
                     "AND tgrelid = 'events'::regclass) THEN CREATE TRIGGER wegweiser_no_write_back BEFORE INSERT "
                     "ON events FOR EACH ROW EXECUTE FUNCTION wegweiser_no_write_back(); END IF; END $$")
_TOMBSTONE = text("INSERT INTO wegweiser_erased (sender_id, erased_at) VALUES (:sender, :at)")
_TOMBSTONE_AGAIN = text("UPDATE wegweiser_erased SET erased_at = :at WHERE sender_id = :sender")
_OLD_TOMBSTONES = text("DELETE FROM wegweiser_erased WHERE erased_at < :before")


class TrackerDatabase:
    def __init__(self, url: str) -> None:
        options = {"connect_args": {"timeout": 15}} if url.startswith("sqlite") else {}
        # Rasa's database: timeouts, and no pseudonyms or message data in a failing statement's error (bot/db.py)
        self.engine: Engine = make_engine(url, own_file=False, pool_pre_ping=True, **options)
        self._guarded = False

    def close(self) -> None:
        self.engine.dispose()

    def slot(self, sender: str, name: str) -> Any:
        """The value Rasa last set for a slot of this sender, or None (no conversation, no table yet)."""
        try:
            with self.engine.connect() as connection:
                data = connection.execute(_SLOT, {"sender": sender, "slot": name}).scalar()
        except DBAPIError:
            return None
        return json.loads(data).get("value") if data else None

    def answers_to_update(self, sender: str, update_id: int) -> Optional[List[Dict[str, Any]]]:
        """Rasa's answers to the message of this Telegram update, if Rasa already took it (the gateway
        passes the update id in the message metadata, which Rasa keeps in the user event); else None."""
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(_RECENT, {"sender": sender}).all()
        except DBAPIError:
            return None
        answers: List[Dict[str, Any]] = []
        found = False
        for type_name, data in reversed(rows):  # oldest first
            event = json.loads(data)
            if type_name == "user":
                if found:
                    break  # the next message: its answers are not this update's
                found = (event.get("metadata") or {}).get("update_id") == update_id
            elif found:
                extra = event.get("data") or {}
                answers.append({"text": event.get("text") or "", "buttons": extra.get("buttons") or [],
                                "custom": extra.get("custom")})
        return answers if found else None

    def language(self, sender: str) -> Tuple[Optional[str], bool]:
        """The language Rasa last answered in, and whether the person chose it explicitly (locked)."""
        language = self.slot(sender, "language")
        return (str(language) if language else None), bool(self.slot(sender, "language_locked"))

    def delete_inactive(self, before: float) -> int:
        """Deletes every conversation whose newest event is older than `before` (a Unix time)."""
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(_DELETE_INACTIVE, {"before": before}).rowcount or 0)
        except DBAPIError as error:
            if "no such table" in str(error) or "does not exist" in str(error):
                return 0
            raise

    def _guard(self, connection: Any) -> None:
        """Tombstone table and the trigger on Rasa's events table (idempotent; once per process)."""
        if self._guarded:
            return
        connection.exec_driver_sql(_TOMBSTONES)
        if self.engine.dialect.name == "postgresql":
            connection.exec_driver_sql(_POSTGRES_FUNCTION)
            connection.exec_driver_sql(_POSTGRES_TRIGGER)
        else:
            connection.exec_driver_sql(_SQLITE_TRIGGER)
        self._guarded = True

    def delete(self, sender: str, now: Optional[float] = None) -> int:
        """Deletes the sender's events and keeps a turn still in flight from writing them back."""
        moment = time.time() if now is None else now
        try:
            with self.engine.begin() as connection:
                self._guard(connection)
                if not connection.execute(_TOMBSTONE_AGAIN, {"sender": sender, "at": moment}).rowcount:
                    connection.execute(_TOMBSTONE, {"sender": sender, "at": moment})
                return int(connection.execute(_DELETE, {"sender": sender}).rowcount or 0)
        except DBAPIError as error:
            if "no such table" in str(error) or "does not exist" in str(error):
                return 0  # Rasa has not stored any conversation yet
            raise

    def forget_tombstones(self, before: float) -> int:
        """Tombstones older than `before` (Unix time) are no longer needed: no turn runs that long."""
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(_OLD_TOMBSTONES, {"before": before}).rowcount or 0)
        except DBAPIError as error:
            if "no such table" in str(error) or "does not exist" in str(error):
                return 0
            raise

    def count(self, sender: str) -> int:
        try:
            with self.engine.connect() as connection:
                return int(connection.execute(_COUNT, {"sender": sender}).scalar() or 0)
        except DBAPIError:
            return 0
