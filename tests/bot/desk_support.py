"""Fixtures and helpers shared by the desk tests (case store on SQLite and PostgreSQL, a fake Bot API).

Imported by the test modules (`from desk_support import ...`) rather than living in a conftest.py, so the
gateway's own tests/bot/conftest.py stays the gateway's.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import pytest
from sqlalchemy import text

from bot import cases

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_engine():
    """An engine on a schema of its own, so parallel test runs on the shared database never meet."""
    try:
        probe = cases.make_engine(PG_URL, connect_args={"connect_timeout": 2})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable here"
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {error}")
    schema = f"desk_test_{uuid.uuid4().hex[:12]}"
    with probe.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    engine = cases.make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, probe, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = cases.make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
        cases.create_tables(engine)
        yield engine
        engine.dispose()
        return
    engine, probe, schema = _postgres_engine()
    cases.create_tables(engine)
    yield engine
    engine.dispose()
    with probe.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    probe.dispose()


@pytest.fixture
def Session(engine):  # noqa: N802 - it is a class-like factory
    return cases.session_factory(engine)


def request_payload(**overrides: Any) -> Dict[str, Any]:
    """A handoff request as the Rasa form returns it (contract version 1)."""
    payload = {
        "version": 1, "language": "ar", "counselling_language": "ar", "topic": "appointment",
        "topic_text": "موعد للاستشارة", "contact": "in_person", "phone": None,
        "times": ["weekday_morning"], "times_text": "", "name": "Abu Karim", "country": "IQ",
        "lookup": "country=IQ adults=2 children=3", "reason": "asked", "summary": "Wir möchten nach Irak zurück.",
    }
    payload.update(overrides)
    return payload


class Clock:
    """An injectable clock the tests move forward."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)
