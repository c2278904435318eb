"""The retention job: once a day, every registered retention step (bot/erase.py) — the gateway's
(conversations without a message for RETENTION_DAYS days) and the desk's (cases closed that long ago)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Dict

from telegram.ext import Application, ContextTypes

from bot.db import utcnow
from bot.erase import erasure_of
from bot.handlers import Gateway

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60


def apply_retention(gateway: Gateway, now: dt.datetime | None = None) -> Dict[str, int]:
    """Erases every person inactive since the cut-off (unless a registered keeper, such as an open
    handoff case, still needs them), plus tracker conversations the gateway never saw
    (e.g. from before it stored activity), and forgets handled updates older than a day."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=gateway.settings.RETENTION_DAYS)
    erasure = gateway.erasure
    people = [person for person in gateway.store.inactive_people(cutoff) if not erasure.kept(person)]
    for person in people:
        erasure.erase_person(person, gateway.store, gateway.tracker, gateway.unanswered_db)
    orphans = gateway.tracker.delete_inactive(cutoff.timestamp()) if gateway.tracker else 0
    pruned = gateway.store.prune_updates(now - dt.timedelta(days=1))
    if gateway.tracker:
        gateway.tracker.forget_tombstones((now - dt.timedelta(days=1)).timestamp())
    result = {"people": len(people), "other_tracker_events": orphans, "old_updates": pruned}
    log.info("retention: %s", result)
    return result


def run_retention(application: Application) -> int:
    """Runs every registered step; one failing step is logged and does not keep the others from running.
    Returns how many steps ran without an error."""
    ran = 0
    for step in list(erasure_of(application).retention_steps):
        try:
            step()
            ran += 1
        except Exception:  # noqa: BLE001 - e.g. the database away for a moment: tomorrow's run catches up
            log.exception("retention step %s failed", getattr(step, "__name__", step))
    return ran


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback around run_retention."""
    run_retention(context.application)


def schedule_retention(application: Application) -> None:
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is needed for the retention job")
    application.job_queue.run_repeating(retention_job, interval=DAY, first=60, name="retention")
