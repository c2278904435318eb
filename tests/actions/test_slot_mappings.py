"""The slot mapping action: the answer language, set on every message (placeholders: components/nlg.py)."""
from __future__ import annotations

import asyncio

from actions.slot_mappings import ValidateSlotMappings
from tests.actions.conftest import make_tracker
from wegweiser.render import template_values


def run(tracker, dispatcher):
    events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events}


def test_first_message_sets_only_the_language(dispatcher):
    slots = run(make_tracker("Сколько стоит билет домой?"), dispatcher)
    assert slots == {"language": "ru", "language_locked": False}
    assert not set(slots) & set(template_values("ru"))  # placeholders are no slots


def test_nothing_changes_when_nothing_changed(dispatcher):
    assert run(make_tracker("5", slots={"language": "ru", "language_locked": False}), dispatcher) == {}


def test_language_button_locks_the_choice(dispatcher):
    tracker = make_tracker('/choose_language{"language":"fa"}', intent="choose_language",
                           entities=[{"entity": "language", "value": "fa"}], slots={"language": "de"})
    slots = run(tracker, dispatcher)
    assert slots == {"language": "fa", "language_locked": True}


def test_metadata_hint_for_a_new_conversation(dispatcher):
    assert run(make_tracker("👍", metadata={"language_code": "tr"}), dispatcher)["language"] == "tr"
