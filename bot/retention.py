"""The retention job: once a day, delete conversations without a message for RETENTION_DAYS days."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Dict

from telegram.ext import Application, ContextTypes

from bot.erase import erase_person, kept
from bot.handlers import Gateway
from bot.store import utcnow

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60


def apply_retention(gateway: Gateway, now: dt.datetime | None = None) -> Dict[str, int]:
    """Erases every person inactive since the cut-off (unless a registered keeper, such as an open
    handoff case, still needs them), plus tracker conversations the gateway never saw
    (e.g. from before it stored activity), and forgets handled updates older than a day."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=gateway.settings.RETENTION_DAYS)
    people = [person for person in gateway.store.inactive_people(cutoff) if not kept(person)]
    for person in people:
        erase_person(person, gateway.store, gateway.tracker, gateway.unanswered_db)
    epoch = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    orphans = gateway.tracker.delete_inactive(epoch) if gateway.tracker else 0
    pruned = gateway.store.prune_updates(now - dt.timedelta(days=1))
    if gateway.tracker:
        gateway.tracker.forget_tombstones((now - dt.timedelta(days=1)).timestamp())
    result = {"people": len(people), "other_tracker_events": orphans, "old_updates": pruned}
    log.info("retention: %s", result)
    return result


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback around apply_retention."""
    apply_retention(context.application.bot_data["gateway"])


def schedule_retention(application: Application, gateway: Gateway) -> None:
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is needed for the retention job")
    application.job_queue.run_repeating(retention_job, interval=DAY, first=60, name="retention")
