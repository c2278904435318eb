"""The one database layer of the gateway and the desk (SQLAlchemy; SQLite by default, PostgreSQL through
DATABASE_URL): the engine factory, the declarative base, the time type and `utcnow`.

Every engine gets bounded waits and no bound parameters in errors:
- SQLite: a connection waits at most `LOCK_WAIT` seconds for a locked file (then "database is locked");
  a file of our own is private (0600 in a 0700 folder), in WAL mode with synchronous=NORMAL (a commit
  costs about 0.1 ms instead of an fsync and survives a crash of the process; only a power cut can lose
  the last commits; readers never wait for the writer) and enforces foreign keys.
- PostgreSQL: connecting takes at most `CONNECT_TIMEOUT` seconds and a statement at most
  `STATEMENT_TIMEOUT_MS` (server-side `statement_timeout`, set after connecting, so a caller's `options`,
  e.g. a search_path in the URL, stay as they are); idle connections are pinged before use.
- `hide_parameters=True`: SQLAlchemy's error messages do not show the values of a failing statement
  (names, phone numbers, raw updates).

Rasa's virtualenv (SQLAlchemy 1.4) imports this module too, for the tracker store (bot/tracker.py), so it
uses nothing that only SQLAlchemy 2 has. The handlers run their database calls in a worker thread with a
deadline (bot/handlers.py, bot/desk/core.py), so a slow database holds up one chat, not the event loop.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.types import TypeDecorator

from wegweiser.private_files import private_sqlite, sqlite_file

LOCK_WAIT = 5.0
CONNECT_TIMEOUT = 10
STATEMENT_TIMEOUT_MS = 10_000

#: the gateway's tables (bot/store.py) and the desk's (bot/desk/models.py): one metadata, one database
Base: Any = declarative_base()


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC: the only clock the gateway and the desk store."""
    return dt.datetime.now(dt.timezone.utc)


class UTC(TypeDecorator):
    """Timezone-aware UTC datetimes in, and out, on SQLite (which drops the zone) and PostgreSQL alike.

    `UTC(timezone=False)` keeps a column without a zone (the gateway's tables were made so): the value is
    stored as naive UTC, as before, and a row written before reads back as the same aware moment."""

    impl = DateTime
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__(timezone=timezone)

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use timezone-aware UTC (bot.db.utcnow)")
        value = value.astimezone(dt.timezone.utc)
        return value if self.impl.timezone else value.replace(tzinfo=None)

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def engine_options(url: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """`options` for create_engine with the timeouts, hide_parameters and pre-ping added (the caller's win)."""
    merged = dict(options)
    merged.setdefault("hide_parameters", True)
    merged.setdefault("future", True)
    # a server database may drop idle connections; a SQLite file cannot, so no ping before each use
    merged.setdefault("pool_pre_ping", not url.startswith("sqlite"))
    connect_args = dict(merged.get("connect_args") or {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", LOCK_WAIT)
    elif url.startswith("postgresql"):
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
    merged["connect_args"] = connect_args
    return merged


def make_engine(url: str, *, own_file: bool = True, **options: Any) -> Engine:
    """The engine for `url` (see the module docstring). `own_file=False` is for a database another program
    owns (Rasa's tracker store): timeouts and hidden parameters only, its file and journal left as they are."""
    database = sqlite_file(url) if own_file else None
    if database is not None:
        private_sqlite(database)  # names and phone numbers: mode 0600 in a 0700 folder
    engine = create_engine(url, **engine_options(url, options))
    if engine.dialect.name == "sqlite" and own_file:
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _statement_timeout)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT * 1000)}")  # then "database is locked"
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _statement_timeout(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
    cursor.close()
    connection.commit()


def session_factory(engine: Engine) -> "sessionmaker[Session]":
    return sessionmaker(engine, expire_on_commit=False)
