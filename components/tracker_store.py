"""Rasa's SQL tracker store, keeping each worker's recent conversations in memory between messages.

Rasa 3.6's `SQLTrackerStore` reads every event of the session on each message, parses its JSON and
replays it into a new tracker (~25 % of the server's time at message 60, docs/measurements/latency.md).
This store (configured by scripts/launch.py as `type: components.tracker_store.CachedSQLTrackerStore`)
writes exactly what Rasa's writes, to the same `events` table, and keeps the tracker it saved. On the next
message it asks the database only for the sender's newest event id:

- the same id as after its own save, and the tracker unchanged since: the kept tracker is used;
- a newer id (another worker or replica answered in between, both holding Rasa's lock for the sender):
  only the newer rows are read and applied to the kept tracker;
- anything else (rows deleted by /delete or retention, a new session started, the tracker changed
  without being saved, not kept): Rasa's own full read.

So the database stays the truth and several workers and replicas can share it (Rasa's lock store
serialises the messages of one sender). On SQLite (the default set-up) the file is in WAL mode with
`synchronous=NORMAL`, as the gateway's own store (bot/db.py): a commit no longer waits for the disk twice
while it blocks Rasa's event loop; a crash of the process loses nothing, a power cut at most the last
turns, and the file is never corrupted. A tracker whose save started a session is not kept: Rasa's read
returns only the events from the session's start on, so the next message reads them as Rasa does.

The two queries of every message — the sender's newest event id (on retrieve) and how many events of the
current session are stored (Rasa's `_additional_events`, on save) — are SQL statements built once per store
(`_newest_statement`, `_stored_statement`) instead of ORM queries built, wrapped (`Query.count` nests the
query as a subquery) and compiled per call: the same SQL meaning (the count is Rasa's: the sender's rows from
the latest `session_started` row's timestamp on, or all of them), ~0.8 ms less CPU per message on SQLite.
On PostgreSQL a save of a tracker this worker kept is one statement instead of two round trips
(`_insert_if_stored`): Rasa's count and, only if the count is what the worker expects, the insert of the
events from there on; if the count is anything else (rows deleted or written elsewhere), nothing is written
by it and Rasa's insert from the real count follows. Either way the rows are those Rasa's save writes
(docs/measurements/latency.md, fifth round; tests/components/test_tracker_store.py).
"""
from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

#: conversations kept per worker; the least recently used is dropped first
MAX_CONVERSATIONS = 500


def _postgresql_settings(connection: Any, _record: Any) -> None:
    """A commit does not wait for PostgreSQL's disk flush (`synchronous_commit = off` for this connection
    only): a crash of the database server may lose the last fraction of a second of conversation events,
    never corrupts them; a crash of Rasa loses nothing. The gateway's and desk's own stores keep full
    durability (a request a person was told was sent)."""
    cursor = connection.cursor()
    cursor.execute("SET synchronous_commit TO OFF")
    cursor.close()
    connection.commit()


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_COLUMNS = ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data")


@lru_cache(maxsize=64)
def _insert_if_stored_sql(table: str, rows: int) -> str:
    """`CachedSQLTrackerStore._insert_if_stored`'s statement for `rows` rows (psycopg2 parameters)."""
    session_start = (f"(SELECT max(timestamp) FROM {table} WHERE sender_id = %(sender)s "
                     f"AND type_name = %(session_started)s)")
    values = ", ".join("(" + ", ".join(f"%({name}_{index})s" for name in _COLUMNS) + f", {index})"
                       for index in range(rows))
    columns = ", ".join(_COLUMNS)
    return (f"WITH stored AS (SELECT count(*) AS n FROM {table} WHERE sender_id = %(sender)s "
            f"AND (timestamp >= {session_start} OR {session_start} IS NULL)), "
            f"added AS (INSERT INTO {table} ({columns}) "
            f"SELECT {', '.join('v.' + name for name in _COLUMNS)} FROM (VALUES {values}) "
            f"AS v({columns}, position) JOIN stored ON true WHERE stored.n = %(expected)s "
            f"ORDER BY v.position RETURNING id) "
            f"SELECT (SELECT n FROM stored), (SELECT count(*) FROM added), (SELECT max(id) FROM added)")


class CachedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` that reads only what changed since the worker's last save of a conversation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens and closes a file database's connection for every session (NullPool),
            # and closing the last connection of a WAL file checkpoints it: a pool keeps them open.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2,
                                           connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.connect():  # WAL from the start, for the gateway's readers too
                pass
        elif self.engine.dialect.name == "postgresql":
            self.engine.dispose()  # connections made before the listener
            sa.event.listen(self.engine, "connect", _postgresql_settings)
        # Rasa's sessions are bound to the engine it made: bind them to this one (without this, SQLite
        # sessions kept using Rasa's NullPool engine without the pragmas: a new connection per session,
        # full sync, and a WAL checkpoint at every close; docs/measurements/latency.md, fourth round)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        events = self.SQLEvent.__table__
        sender = sa.bindparam("sender")
        self._newest_statement = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sender)
        session_start = (sa.select(sa.func.max(events.c.timestamp))
                         .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        self._stored_statement = (sa.select(sa.func.count()).select_from(events)
                                  .where(events.c.sender_id == sender,
                                         sa.or_(events.c.timestamp >= session_start, session_start.is_(None))))
        # sender id -> (tracker, number of its events, id of its newest row)
        self._kept: "OrderedDict[str, Tuple[DialogueStateTracker, int, int]]" = OrderedDict()

    def _newest_id(self, session: Any, sender_id: str) -> Optional[int]:
        return session.execute(self._newest_statement, {"sender": sender_id}).scalar()

    def _stored_count(self, session: Any, sender_id: str) -> int:
        """How many events of the sender's current session are stored (Rasa's `_additional_events` count)."""
        return session.execute(self._stored_statement, {"sender": sender_id}).scalar()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        kept = self._kept.pop(sender_id, None)
        if kept is not None and self.domain is not None:
            tracker, count, last_id = kept
            with self.session_scope() as session:
                newest = self._newest_id(session, sender_id)
                if newest == last_id and len(tracker.events) == count:
                    self._keep(sender_id, tracker, last_id)
                    return tracker
                if newest is not None and newest > last_id and len(tracker.events) == count:
                    rows = (session.query(self.SQLEvent)
                            .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id > last_id)
                            .order_by(self.SQLEvent.id).all())
                    if rows and all(row.type_name != SessionStarted.type_name for row in rows):
                        for row in rows:
                            tracker.update(Event.from_parameters(json.loads(row.data)))
                        self._keep(sender_id, tracker, rows[-1].id)
                        return tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            with self.session_scope() as session:
                newest = self._newest_id(session, sender_id)
            if newest is not None:
                self._keep(sender_id, tracker, newest)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's `SQLTrackerStore.save` (the events not yet stored, as the same rows), then keeps the tracker."""
        await self.stream_events(tracker)
        kept = self._kept.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            expected = kept[1] if kept is not None and kept[0] is tracker else None
            if (self.engine.dialect.name == "postgresql" and expected is not None
                    and expected < len(tracker.events)):
                stored, added, newest = self._insert_if_stored(session, tracker, expected)
                written = stored == expected
            else:
                stored, written = self._stored_count(session, tracker.sender_id), False
            if not written:  # Rasa's two steps: its count, then the events from there on
                added, newest = self._insert(session, self._rows(tracker, stored))
            if newest is None:
                newest = self._newest_id(session, tracker.sender_id)
            session.commit()
        new_session = any(isinstance(event, SessionStarted) for event in itertools.islice(tracker.events, stored, None))
        if newest is not None and stored + added == len(tracker.events) and not new_session:
            self._keep(tracker.sender_id, tracker, newest)

    @staticmethod
    def _rows(tracker: DialogueStateTracker, start: int) -> List[Dict[str, Any]]:
        """The rows Rasa's store writes for the tracker's events from position `start` on."""
        rows = []
        for event in itertools.islice(tracker.events, start, None):
            data = event.as_dict()
            rows.append(dict(
                sender_id=tracker.sender_id,
                type_name=event.type_name,
                timestamp=data.get("timestamp"),
                intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                action_name=data.get("name"),
                data=json.dumps(data),
            ))
        return rows

    def _insert_if_stored(self, session: Any, tracker: DialogueStateTracker, expected: int
                          ) -> Tuple[int, int, Optional[int]]:
        """PostgreSQL, one statement: Rasa's count of the session's stored events and, if it is `expected`
        (what this worker stored or read), the rows of the events from there on, in their order (Rasa's save
        when its count is `expected`). Returns the count, how many rows were written and the newest id; when
        the count differs nothing is written, and the caller continues as Rasa does from the real count. The
        SQL is fixed text per number of rows (`_insert_if_stored_sql`): SQLAlchemy cannot cache the compiled
        form of a statement with a VALUES list, and compiling it each time cost more than the round trip."""
        rows = self._rows(tracker, expected)
        parameters: Dict[str, Any] = {"sender": tracker.sender_id, "session_started": SessionStarted.type_name,
                                      "expected": expected}
        for index, row in enumerate(rows):
            parameters.update({f"{name}_{index}": row[name] for name in _COLUMNS})
        sql = _insert_if_stored_sql(self.SQLEvent.__tablename__, len(rows))
        count, written, newest = session.connection().exec_driver_sql(sql, parameters).one()
        return count, written, newest

    def _insert(self, session: Any, rows: List[Dict[str, Any]]) -> Tuple[int, Optional[int]]:
        """The rows as Rasa's store writes them; how many were written and the newest id. On PostgreSQL one
        INSERT … RETURNING for all of them (the ORM sends one statement per row to learn each id); rows the
        gateway's erase trigger drops are simply not returned."""
        if not rows:
            return 0, None
        if self.engine.dialect.name == "postgresql":
            table = self.SQLEvent.__table__
            ids = session.execute(sa.insert(table).values(rows).returning(table.c.id)).scalars().all()
            return len(ids), (max(ids) if ids else None)
        objects = [self.SQLEvent(**row) for row in rows]
        session.add_all(objects)
        session.flush()
        return len(objects), objects[-1].id

    def _keep(self, sender_id: str, tracker: DialogueStateTracker, last_id: int) -> None:
        self._kept[sender_id] = (tracker, len(tracker.events), last_id)
        self._kept.move_to_end(sender_id)
        while len(self._kept) > MAX_CONVERSATIONS:
            self._kept.popitem(last=False)
