"""components/tracker_store.py on SQLite (the default set-up): WAL and synchronous=NORMAL on every
connection, and the gateway still reads and deletes a person's events in the same file."""
from __future__ import annotations

import asyncio
import sqlite3
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker import TrackerDatabase
from components.tracker_store import CachedSQLTrackerStore
from tests.test_scale_out import database  # noqa: F401 - a fresh PostgreSQL database, dropped afterwards

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  name:\n    type: text\n    mappings: []\n")


def _started(sender):
    """A session as Rasa starts it, with one exchange; and the time it started."""
    start = time.time() - 100
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
        UserUttered("Hallo", timestamp=start + 1), BotUttered("Guten Tag", timestamp=start + 2)],
        slots=DOMAIN.slots)
    return tracker, start


def test_sqlite_file_in_wal_mode_with_normal_sync(tmp_path):
    database = tmp_path / "tracker.db"
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))
    with sqlite3.connect(database) as outside:  # WAL is a property of the file
        assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.session_scope() as session:  # synchronous is per connection: the ones Rasa's sessions use
        assert session.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_saved_turns_come_back_and_the_gateway_deletes_them(tmp_path):
    database = tmp_path / "tracker.db"
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))
    sender = "pseudonym-2"
    tracker, start = _started(sender)
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("Wie viel Geld?", timestamp=start + 3))
    asyncio.run(store.save(tracker))
    again = asyncio.run(store.retrieve(sender))
    assert [e.type_name for e in again.events][-2:] == ["bot", "user"]
    gateway = TrackerDatabase(f"sqlite:///{database}")
    assert gateway.count(sender) == 5
    assert gateway.delete(sender) == 5
    assert gateway.count(sender) == 0
    gateway.close()


def test_sqlite_connections_are_kept_open_between_messages(tmp_path):
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    opened = []
    import sqlalchemy as sa

    def count(connection, record):
        opened.append(connection)

    # every engine's connections: Rasa's sessions were once still bound to the engine Rasa made (NullPool)
    sa.event.listen(sa.engine.Engine, "connect", count)
    try:
        tracker = DialogueStateTracker.from_events("p-3", [UserUttered("Hallo", timestamp=time.time())],
                                                   slots=DOMAIN.slots)
        for _ in range(5):
            asyncio.run(store.save(tracker))
            asyncio.run(store.retrieve("p-3"))
    finally:
        sa.event.remove(sa.engine.Engine, "connect", count)
    assert len(opened) <= 1
    with store.session_scope() as session:
        assert session.get_bind() is store.engine


# --- on PostgreSQL (the scale-out set-up): one INSERT per save, commits without waiting for the disk ---

def test_postgresql_one_insert_per_save_and_erase_still_holds(database):
    import sqlalchemy as sa

    name = database.rsplit("/", 1)[1]
    store = CachedSQLTrackerStore(DOMAIN, dialect="postgresql", host="127.0.0.1", port=5432, db=name,
                                  username="postgres")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"
    statements = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: statements.append(statement))
    sender = "pseudonym-pg"
    tracker, start = _started(sender)
    asyncio.run(store.save(tracker))
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1  # four events, one statement
    for turn in range(3):
        tracker.update(UserUttered(f"Frage {turn}", timestamp=start + 3 + turn))
        asyncio.run(store.save(tracker))
        assert [e.text for e in asyncio.run(store.retrieve(sender)).events if e.type_name == "user"][-1] \
            == f"Frage {turn}"
    gateway = TrackerDatabase(database)
    assert gateway.count(sender) == 7
    # a turn still running when the person deletes everything cannot write the conversation back
    tracker.update(UserUttered("meine Nummer", timestamp=time.time() - 1))
    assert gateway.delete(sender) == 7
    tracker.update(BotUttered("Notiert", timestamp=time.time()))
    asyncio.run(store.save(tracker))
    assert gateway.count(sender) == 0
    gateway.close()
    store.engine.dispose()


# --- the per-message queries: statements built once, the same answers as Rasa's ORM queries ---

def _histories(store, start):
    """Senders with no session start, one, two (the count is from the latest), events at the same moment as
    a session start, and none at all."""
    sessions = [ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
                UserUttered("eins", timestamp=start + 1), BotUttered("a", timestamp=start + 2),
                ActionExecuted("action_session_start", timestamp=start + 10), SessionStarted(timestamp=start + 10),
                UserUttered("zwei", timestamp=start + 10), UserUttered("drei", timestamp=start + 11)]
    histories = {"no-session": [UserUttered("x", timestamp=start), BotUttered("y", timestamp=start + 1)],
                 "one-session": sessions[:4], "two-sessions": sessions}
    for sender, events in histories.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, slots=DOMAIN.slots)))
    return list(histories) + ["nobody"]


def _same_answers_as_rasas_queries(store):
    import sqlalchemy as sa

    senders = _histories(store, time.time() - 100)
    with store.session_scope() as session:
        for sender in senders:
            assert store._stored_count(session, sender) == store._event_query(
                session, sender, fetch_events_from_all_sessions=False).count()
            assert store._newest_id(session, sender) == session.query(sa.func.max(store.SQLEvent.id)).filter(
                store.SQLEvent.sender_id == sender).scalar()
        assert [store._stored_count(session, sender) for sender in senders] == [2, 4, 4, 0]


def test_stored_count_and_newest_id_are_rasas_on_sqlite(tmp_path):
    _same_answers_as_rasas_queries(CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db")))


def test_stored_count_and_newest_id_are_rasas_on_postgresql(database):
    store = CachedSQLTrackerStore(DOMAIN, dialect="postgresql", host="127.0.0.1", port=5432,
                                  db=database.rsplit("/", 1)[1], username="postgres")
    _same_answers_as_rasas_queries(store)
    store.engine.dispose()


def test_a_message_builds_no_orm_query(tmp_path, monkeypatch):
    """Rasa's ORM query was built, nested and compiled on every save (~0.8 ms of CPU on SQLite)."""
    store = CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker, start = _started("p-4")
    asyncio.run(store.save(tracker))
    kept = asyncio.run(store.retrieve("p-4"))  # a new session is read by Rasa's query once, then kept

    def built(*args, **kwargs):
        raise AssertionError("an ORM query per message")

    monkeypatch.setattr(store, "_event_query", built)
    monkeypatch.setattr(store, "sessionmaker", _no_query(store.sessionmaker))
    for turn in range(3):
        kept.update(UserUttered(f"Frage {turn}", timestamp=start + 3 + turn))
        asyncio.run(store.save(kept))
        kept = asyncio.run(store.retrieve("p-4"))
    assert [e.text for e in kept.events if e.type_name == "user"][-1] == "Frage 2"


def _no_query(sessionmaker):
    """Sessions whose `query` (the ORM's per-call query builder) fails the test."""
    def make(*args, **kwargs):
        session = sessionmaker(*args, **kwargs)
        session.query = lambda *a, **k: (_ for _ in ()).throw(AssertionError("an ORM query per message"))
        return session
    return make


def _rows(engine, sender):
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(
            "SELECT type_name, timestamp, intent_name, action_name, data FROM events WHERE sender_id = %(s)s "
            "ORDER BY id", {"s": sender})]


def test_postgresql_save_is_one_statement_and_writes_rasas_rows(database):
    """A kept conversation's save is one statement (Rasa's count and the insert together); the rows are those
    Rasa's own store writes for the same saves, also when rows were deleted between retrieve and save."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    name = database.rsplit("/", 1)[1]
    settings = dict(dialect="postgresql", host="127.0.0.1", port=5432, db=name, username="postgres")
    ours, rasas = CachedSQLTrackerStore(DOMAIN, **settings), SQLTrackerStore(DOMAIN, **settings)
    statements = []
    sa.event.listen(ours.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: statements.append(statement))
    start = time.time() - 100
    for store, sender in ((ours, "pg-ours"), (rasas, "pg-rasas")):
        tracker = DialogueStateTracker.from_events(sender, [
            ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
            UserUttered("Hallo", timestamp=start + 1), BotUttered("Guten Tag", timestamp=start + 2)],
            slots=DOMAIN.slots)
        asyncio.run(store.save(tracker))
        tracker = asyncio.run(store.retrieve(sender))
        for turn in range(3):
            statements.clear()
            tracker.update(UserUttered(f"Frage {turn}", timestamp=start + 3 + turn))
            tracker.update(BotUttered(f"Antwort {turn}", timestamp=start + 3 + turn))
            asyncio.run(store.save(tracker))
            if store is ours:
                assert len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "SET"))]) == 1
            tracker = asyncio.run(store.retrieve(sender))
        with store.engine.begin() as connection:  # rows deleted between this worker's retrieve and save
            connection.exec_driver_sql("DELETE FROM events WHERE sender_id = %(s)s AND type_name = 'bot'",
                                       {"s": sender})
        tracker.update(UserUttered("noch eine", timestamp=start + 10))
        asyncio.run(store.save(tracker))
    mine, theirs = _rows(ours.engine, "pg-ours"), _rows(ours.engine, "pg-rasas")
    assert len(mine) == len(theirs) > 10
    assert mine == [tuple(value.replace("pg-rasas", "pg-ours") if isinstance(value, str) else value
                          for value in row) for row in theirs]
    ours.engine.dispose()
    rasas.engine.dispose()
