"""Forgetting people: what `/delete` and the retention job run, registered per application.

One `Erasure` per Telegram application (`erasure_of(application)`, kept in bot_data): the desk adds its
step there (`add_eraser`: withdraw the person's cases) and a keeper (an open case keeps a person from the
inactivity retention), instead of a second delete path that could be forgotten. Its retention steps
(the gateway's and the desk's) are what the one daily retention job runs (bot/retention.py). Nothing is
module-global, so two applications in one process (tests) never see each other's steps.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from telegram.ext import Application

from bot.store import Store
from bot.tracker import TrackerDatabase
from wegweiser import unanswered

log = logging.getLogger(__name__)

#: an extra step: gets the pseudonym, returns how many records it deleted
Eraser = Callable[[str], int]
#: a check that keeps a person from the inactivity retention (e.g. an open handoff case); /delete ignores it
Keeper = Callable[[str], bool]
#: a part of the daily retention job; returns what it removed (logged)
RetentionStep = Callable[[], Any]


@dataclass
class Erasure:
    """The registered steps of erasing a person and of the daily retention job."""

    erasers: List[Eraser] = field(default_factory=list)
    keepers: List[Keeper] = field(default_factory=list)
    retention_steps: List[RetentionStep] = field(default_factory=list)

    def add_eraser(self, eraser: Eraser) -> Eraser:
        if eraser not in self.erasers:
            self.erasers.append(eraser)
        return eraser

    def add_keeper(self, keeper: Keeper) -> Keeper:
        if keeper not in self.keepers:
            self.keepers.append(keeper)
        return keeper

    def add_retention_step(self, step: RetentionStep) -> RetentionStep:
        if step not in self.retention_steps:
            self.retention_steps.append(step)
        return step

    def kept(self, person: str) -> bool:
        """Whether something still needs this person's records although they have been inactive."""
        return any(keeper(person) for keeper in self.keepers)

    def erase_person(self, person: str, store: Store, tracker: Optional[TrackerDatabase],
                     unanswered_db: Optional[Path] = None) -> Dict[str, int]:
        """Deletes Rasa's tracker events (and keeps a turn in flight from writing them back), the questions
        the person asked that were not understood, the gateway's rows and every registered step's records
        (the desk: cases, and their messages in the counsellors' group).

        Without the tracker store it refuses (RuntimeError) rather than let anyone be told "deleted" while
        Rasa still holds the conversation; the settings make TRACKER_DB_URL required for that reason."""
        if tracker is None:
            raise RuntimeError("no tracker store configured (TRACKER_DB_URL): the conversation cannot be deleted")
        removed = {"tracker_events": tracker.delete(person)}
        if unanswered_db is not None:
            removed["unanswered_questions"] = unanswered.delete_from(unanswered_db, person)
        for eraser in self.erasers:
            removed[getattr(eraser, "__name__", "extra")] = eraser(person)
        removed["gateway_rows"] = store.delete_person(person)
        log.info("erased person %s…: %s", person[:8], removed)
        return removed


def erasure_of(application: Application) -> Erasure:
    """The application's erasure registry (made on first use)."""
    erasure: Erasure = application.bot_data.setdefault("erasure", Erasure())
    return erasure
