"""Deleting everything the system holds about one person, by pseudonym: /delete and the retention job.

One function, `erase_person`, so a later part (e.g. handoff cases) adds its own step with `register`
instead of a second delete path that could be forgotten.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Dict, List, Optional

from bot.store import Store
from wegweiser import unanswered
from bot.tracker import TrackerDatabase

log = logging.getLogger(__name__)

#: extra steps: each gets the pseudonym and returns how many records it deleted
Eraser = Callable[[str], int]
_extra: List[Eraser] = []


#: checks that keep a person from the inactivity retention (e.g. an open handoff case); /delete ignores them
Keeper = Callable[[str], bool]
_keepers: List[Keeper] = []


def register(eraser: Eraser) -> Eraser:
    if eraser not in _extra:
        _extra.append(eraser)
    return eraser


def unregister(eraser: Eraser) -> None:
    """Undo `register` (an application shutting down, tests building several applications)."""
    if eraser in _extra:
        _extra.remove(eraser)


def register_keeper(keeper: Keeper) -> Keeper:
    if keeper not in _keepers:
        _keepers.append(keeper)
    return keeper


def unregister_keeper(keeper: Keeper) -> None:
    if keeper in _keepers:
        _keepers.remove(keeper)


def kept(person: str) -> bool:
    """Whether something still needs this person's records although they have been inactive."""
    return any(keeper(person) for keeper in _keepers)


def erase_person(person: str, store: Store, tracker: Optional[TrackerDatabase],
                 unanswered_db: Optional[Path] = None) -> Dict[str, int]:
    """Deletes Rasa's tracker events (and keeps a turn in flight from writing them back), the questions the
    person asked that were not understood, the gateway's rows and every registered step's records (the
    desk: cases, and their messages in the counsellors' group).

    Without the tracker store it refuses (RuntimeError) rather than let anyone be told "deleted" while Rasa
    still holds the conversation; the settings make TRACKER_DB_URL required for that reason."""
    if tracker is None:
        raise RuntimeError("no tracker store configured (TRACKER_DB_URL): the conversation cannot be deleted")
    removed = {"tracker_events": tracker.delete(person)}
    if unanswered_db is not None:
        removed["unanswered_questions"] = unanswered.delete_from(unanswered_db, person)
    for eraser in _extra:
        removed[getattr(eraser, "__name__", "extra")] = eraser(person)
    removed["gateway_rows"] = store.delete_person(person)
    log.info("erased person %s…: %s", person[:8], removed)
    return removed
