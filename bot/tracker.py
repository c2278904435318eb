"""Rasa's SQL tracker store, seen from the gateway: the one place outside Rasa that knows its schema.

Rasa 3.6 has no endpoint to delete a conversation, so /delete and the retention job delete the rows of
the ``events`` table for the pseudonym (column ``sender_id``). The same table tells which language Rasa
last answered in (the ``language`` slot), which the gateway uses for its own messages.
"""
from __future__ import annotations

import json
from typing import Any, Optional, Tuple

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

_SLOT = text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'slot' "
             "AND action_name = :slot ORDER BY id DESC LIMIT 1")
_DELETE = text("DELETE FROM events WHERE sender_id = :sender")
_DELETE_INACTIVE = text("DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events GROUP BY sender_id "
                        "HAVING MAX(timestamp) < :before)")
_COUNT = text("SELECT COUNT(*) FROM events WHERE sender_id = :sender")


class TrackerDatabase:
    def __init__(self, url: str) -> None:
        options = {"connect_args": {"timeout": 15}} if url.startswith("sqlite") else {}
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True, **options)

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

    def delete(self, sender: str) -> int:
        try:
            with self.engine.begin() as connection:
                return int(connection.execute(_DELETE, {"sender": sender}).rowcount or 0)
        except DBAPIError as error:
            if "no such table" in str(error) or "does not exist" in str(error):
                return 0  # Rasa has not stored any conversation yet
            raise

    def count(self, sender: str) -> int:
        try:
            with self.engine.connect() as connection:
                return int(connection.execute(_COUNT, {"sender": sender}).scalar() or 0)
        except DBAPIError:
            return 0
