"""Deleting everything the system holds about one person, by pseudonym: /delete and the retention job.

One function, `erase_person`, so a later part (e.g. handoff cases) adds its own step with `register`
instead of a second delete path that could be forgotten.
"""
from __future__ import annotations

import logging
from typing import Callable, Dict, List, Optional

from bot.store import Store
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


def erase_person(person: str, store: Store, tracker: Optional[TrackerDatabase]) -> Dict[str, int]:
    """Deletes Rasa's tracker events, the gateway's rows and every registered step's records."""
    removed = {"tracker_events": tracker.delete(person) if tracker else 0}
    for eraser in _extra:
        removed[getattr(eraser, "__name__", "extra")] = eraser(person)
    removed["gateway_rows"] = store.delete_person(person)
    log.info("erased person %s…: %s", person[:8], removed)
    return removed
