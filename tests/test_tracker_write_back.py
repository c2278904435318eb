"""With Rasa's own SQL tracker store: after the gateway's /delete, a turn that was still running cannot
write the conversation back (bot/tracker.py), and a new conversation afterwards is stored as usual."""
from __future__ import annotations

import asyncio
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker import TrackerDatabase

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  name:\n    type: text\n    mappings: []\n")


def test_rasa_writing_a_deleted_session_back_stores_nothing(tmp_path):
    database = tmp_path / "tracker.db"
    store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))
    sender = "pseudonym-1"
    start = time.time() - 100
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start", timestamp=start), SessionStarted(timestamp=start),
        UserUttered("Ich heiße Abu Karim", timestamp=start + 1), SlotSet("name", "Abu Karim", timestamp=start + 2),
        BotUttered("Danke", timestamp=start + 3)], slots=DOMAIN.slots)
    asyncio.run(store.save(tracker))
    gateway = TrackerDatabase(f"sqlite:///{database}")
    assert gateway.count(sender) == 5

    # a turn is running (the gateway stopped waiting); the person deletes everything meanwhile
    tracker.update(UserUttered("und meine Nummer ist 0151 1234567", timestamp=time.time() - 1))
    assert gateway.delete(sender) == 5
    tracker.update(BotUttered("Notiert", timestamp=time.time()))
    asyncio.run(store.save(tracker))  # Rasa saves the turn: without the guard all 7 events come back
    assert gateway.count(sender) == 0
    assert asyncio.run(store.retrieve(sender)) is None or not asyncio.run(store.retrieve(sender)).events

    # the person writes again later: a new conversation is stored from its first message on
    fresh = DialogueStateTracker.from_events(sender, [], slots=DOMAIN.slots)
    fresh.update(UserUttered("Hallo", timestamp=time.time() + 1))
    fresh.update(BotUttered("Guten Tag", timestamp=time.time() + 2))
    asyncio.run(store.save(fresh))
    assert gateway.count(sender) == 2
    gateway.close()
