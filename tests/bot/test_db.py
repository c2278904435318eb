"""The one database layer: every engine of our own is private, in WAL mode, with foreign keys and a busy
timeout; times go in and come out aware in UTC, rows written before as naive UTC included."""
from __future__ import annotations

import datetime as dt
import stat

import pytest
from sqlalchemy import text

from bot import db
from bot.store import PersonRow, Store


def test_an_engine_of_our_own_is_private_with_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'data' / 'gateway.db'}")
    with engine.connect() as connection:
        pragmas = {name: connection.execute(text(f"PRAGMA {name}")).scalar()
                   for name in ("journal_mode", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": int(db.LOCK_WAIT * 1000)}
    assert stat.S_IMODE((tmp_path / "data" / "gateway.db").stat().st_mode) == 0o600
    assert engine.hide_parameters
    engine.dispose()


def test_a_database_another_program_owns_keeps_its_journal(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'tracker.db'}", own_file=False)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "delete"
    assert engine.hide_parameters
    engine.dispose()


def test_naive_times_are_refused_and_rows_written_naive_before_read_back_aware(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    with store.engine.begin() as connection:  # a row as the gateway wrote it before (naive UTC, no zone)
        connection.execute(text("INSERT INTO gateway_people (person, last_active, learn_opt_out) "
                                "VALUES ('old', '2026-11-01 09:30:00.000000', 0)"))
    assert store.person("old").last_active == dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.timezone.utc)
    assert store.inactive_people(dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.timezone.utc)) == ["old"]
    store.touch("new")
    with store.engine.connect() as connection:  # still stored as naive UTC: old and new rows compare
        stored = connection.execute(text("SELECT last_active FROM gateway_people WHERE person = 'new'")).scalar()
    assert "+" not in stored
    with pytest.raises(Exception, match="naive datetime"):
        store.update_person("new", last_active=dt.datetime(2026, 11, 1, 9, 30))
    assert db.utcnow().tzinfo is dt.timezone.utc
    store.close()


def test_the_gateway_and_the_desk_share_one_base_but_each_makes_only_its_tables(tmp_path):
    from bot.desk.cases import TABLES, create_tables

    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    with store.engine.connect() as connection:
        names = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert names == {"gateway_updates", "gateway_people"}
    create_tables(store.engine)
    assert {table.name for table in TABLES} == {"desk_cases", "desk_outbox", "desk_appointments"}
    assert PersonRow.metadata is TABLES[0].metadata is db.Base.metadata
    store.close()
