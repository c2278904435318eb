"""`action_validate_slot_mappings` inside Rasa (components/local_slot_mappings.py) returns what the action
server returns for the same tracker, and Rasa's slot extraction uses it only where an action server is set."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slot_mappings import ValidateSlotMappings
from components import local_slot_mappings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.importers.importer import TrainingDataImporter

    return TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain"),
                                                 [str(ROOT / "data")]).get_domain()


def rasa_tracker(domain, text, intent="faq", entities=(), metadata=None, slots=None):
    from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("local-test", domain.slots)
    for event in [ActionExecuted("action_session_start"), SessionStarted()]:
        tracker.update(event)
    for name, value in (slots or {}).items():
        tracker.update(SlotSet(name, value))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text, {"name": intent, "confidence": 0.9}, list(entities), metadata=metadata or {}))
    return tracker


def through_the_action_server(tracker, extracted):
    """What the action server gets: Rasa's JSON of the tracker (with the extracted slots set)."""
    state = tracker.current_state()
    state["slots"].update({event.key: event.value for event in extracted})
    sdk = Tracker.from_dict(state)
    return asyncio.run(ValidateSlotMappings().run(CollectingDispatcher(), sdk, {}))


CASES = [
    dict(text="Сколько стоит билет домой?"),
    dict(text="5", slots={"language": "ar", "language_locked": False}),
    dict(text='/choose_language{"language":"fa"}', intent="choose_language",
         entities=[{"entity": "language", "value": "fa"}], slots={"language": "de"}),
    dict(text="👍", metadata={"language_code": "tr"}),
    dict(text="English please", intent="change_language", slots={"language": "de", "language_locked": True}),
    dict(text="Wer bezahlt das Ticket?", slots={"language": "en", "language_locked": True}),
]


@pytest.mark.parametrize("case", CASES)
def test_same_events_as_through_the_action_server(domain, case):
    from rasa.shared.core.events import SlotSet

    tracker = rasa_tracker(domain, **case)
    for extracted in ([], [SlotSet("requested_slot", None)]):
        local = asyncio.run(local_slot_mappings.run_locally(tracker, extracted))
        assert local == through_the_action_server(tracker, extracted)


def test_installed_and_used_only_with_an_action_server(domain, monkeypatch):
    from rasa.core.actions.action import ActionExtractSlots
    from rasa.utils.endpoints import EndpointConfig

    assert ActionExtractSlots._execute_validation_action is local_slot_mappings.execute_validation_action
    tracker = rasa_tracker(domain, "Сколько стоит билет домой?")
    with_server = ActionExtractSlots(EndpointConfig("http://127.0.0.1:9/webhook"))
    events = asyncio.run(with_server._execute_validation_action([], None, None, tracker, domain))
    assert {event.key: event.value for event in events} == {"language": "ru", "language_locked": False}

    called = []

    async def original(*args):
        called.append(args)
        return []

    monkeypatch.setattr(local_slot_mappings, "_original", original)
    asyncio.run(ActionExtractSlots(None)._execute_validation_action([], None, None, tracker, domain))
    assert called
