"""Options every database engine of the gateway gets: bounded waits and no bound parameters in errors.

- SQLite: a connection waits at most `LOCK_WAIT` seconds for a locked file (then "database is locked").
- PostgreSQL: connecting takes at most `CONNECT_TIMEOUT` seconds and a statement at most
  `STATEMENT_TIMEOUT_MS` (server-side `statement_timeout`), added to any `options` the caller gives.
- `hide_parameters=True`: SQLAlchemy's error messages do not show the values of a failing statement.

The handlers also run their database calls in a worker thread with a deadline (bot/handlers.py), so a
slow database holds up one chat, not the event loop.
"""
from __future__ import annotations

from typing import Any, Dict

from sqlalchemy import create_engine as _create_engine, event
from sqlalchemy.engine import Engine

LOCK_WAIT = 5.0
CONNECT_TIMEOUT = 10
STATEMENT_TIMEOUT_MS = 10_000


def engine_options(url: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """`options` for create_engine with the timeouts and hide_parameters added (the caller's win)."""
    merged = dict(options)
    merged.setdefault("hide_parameters", True)
    connect_args = dict(merged.get("connect_args") or {})
    if url.startswith("sqlite"):
        connect_args.setdefault("timeout", LOCK_WAIT)
    elif url.startswith("postgresql"):
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
    merged["connect_args"] = connect_args
    return merged


def create_engine(url: str, **options: Any) -> Engine:
    """create_engine with `engine_options`; on PostgreSQL every new connection gets a statement_timeout
    (set after connecting, so a caller's `options`, e.g. a search_path in the URL, stay as they are)."""
    engine = _create_engine(url, **engine_options(url, options))
    if engine.dialect.name == "postgresql":
        @event.listens_for(engine, "connect")
        def _statement_timeout(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
            cursor.close()
            connection.commit()
    return engine
