"""Fixtures for the gateway's tests (run in .venv/bot; settings in pyproject.toml)."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_schema() -> Iterator[dict]:
    """A throw-away schema in the shared test database, so parallel runs do not meet."""
    schema = "gw_" + uuid.uuid4().hex[:10]
    admin = create_engine(POSTGRES)
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        admin.dispose()
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    try:
        yield {"url": POSTGRES, "connect_args": {"options": f"-csearch_path={schema}"},
               "url_in_schema": f"{POSTGRES}?options=-csearch_path%3D{schema}"}
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Iterator[dict]:
    """URL and engine options for the gateway store: a SQLite file, and PostgreSQL when it is running."""
    if request.param == "sqlite":
        yield {"url": f"sqlite:///{tmp_path / 'gateway.db'}"}
    else:
        yield from _postgres_schema()
