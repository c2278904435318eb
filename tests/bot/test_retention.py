"""The retention job erases people inactive for RETENTION_DAYS and old conversations in Rasa's store."""
from __future__ import annotations

import datetime as dt
import time

import httpx
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.handlers import Gateway
from bot.rasa_client import RasaClient
from bot.retention import apply_retention
from bot.settings import Settings
from bot.store import PersonRow, Store, UpdateRow, utcnow
from bot.tracker import TrackerDatabase
from tests.bot.test_tracker import add_event, tracker_url  # noqa: F401 - the fixture


async def test_inactive_people_and_old_conversations_are_erased(tracker_url, tmp_path):
    settings = Settings(TELEGRAM_TOKEN="1:x", PSEUDONYM_KEY="k" * 20, RETENTION_DAYS=30, _env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'g.db'}")
    rasa = RasaClient("http://rasa", transport=httpx.MockTransport(lambda request: httpx.Response(200, json=[])))
    gateway = Gateway(settings, store, TrackerDatabase(tracker_url), rasa)
    now = utcnow()
    with Session(store.engine) as session, session.begin():
        session.add(PersonRow(person="quiet", last_active=now - dt.timedelta(days=31), language="fa"))
        session.add(PersonRow(person="recent", last_active=now - dt.timedelta(days=29)))
    store.record_update(1, "recent", "{}")
    store.finish_update(1)
    with Session(store.engine) as session, session.begin():
        session.execute(update(UpdateRow).values(processed_at=now - dt.timedelta(days=2)))
        session.execute(update(PersonRow).where(PersonRow.person == "recent")
                        .values(last_active=now - dt.timedelta(days=29)))
    recent_event, old_event = time.time() - 29 * 86400, time.time() - 31 * 86400
    add_event(tracker_url, "quiet", "user", None, {}, recent_event)  # erased with the person, whatever its age
    add_event(tracker_url, "recent", "user", None, {}, recent_event)
    add_event(tracker_url, "terminal-chat", "user", None, {}, old_event)  # never seen by the gateway

    result = apply_retention(gateway, now=now)

    tracker = gateway.tracker
    assert result == {"people": 1, "other_tracker_events": 1, "old_updates": 1}
    assert tracker.count("quiet") == 0 and not store.holds("quiet")
    assert tracker.count("recent") == 1 and store.holds("recent")
    assert tracker.count("terminal-chat") == 0
    await gateway.rasa.aclose()


def test_the_one_retention_job_runs_every_registered_step_even_after_one_fails():
    from telegram.ext import Application

    from bot.erase import erasure_of
    from bot.retention import run_retention

    application = Application.builder().token("1:retention").build()
    ran = []

    def gateway_step() -> None:
        ran.append("gateway")
        raise RuntimeError("database away")

    erasure_of(application).add_retention_step(gateway_step)
    erasure_of(application).add_retention_step(lambda: ran.append("desk"))
    assert run_retention(application) == 1 and ran == ["gateway", "desk"]
