"""The slot mapping action: answer language and placeholders, set on every message."""
from __future__ import annotations

import asyncio

from actions.slot_mappings import ValidateSlotMappings
from tests.actions.conftest import make_tracker
from wegweiser.render import template_values


def run(tracker, dispatcher):
    events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events}


def test_first_message_sets_language_and_every_placeholder(dispatcher):
    slots = run(make_tracker("Сколько стоит билет домой?"), dispatcher)
    assert slots["language"] == "ru"
    assert slots["reag_travel_allowance_adult"] == template_values("ru")["reag_travel_allowance_adult"]


def test_nothing_changes_when_nothing_changed(dispatcher):
    current = dict(template_values("ru"), language="ru", language_locked=False)
    assert run(make_tracker("5", slots=current), dispatcher) == {}


def test_language_button_locks_the_choice(dispatcher):
    tracker = make_tracker('/choose_language{"language":"fa"}', intent="choose_language",
                           entities=[{"entity": "language", "value": "fa"}], slots={"language": "de"})
    slots = run(tracker, dispatcher)
    assert slots["language"] == "fa" and slots["language_locked"] is True
    assert slots["reag_visa_free_countries"] == template_values("fa")["reag_visa_free_countries"]


def test_metadata_hint_for_a_new_conversation(dispatcher):
    assert run(make_tracker("👍", metadata={"language_code": "tr"}), dispatcher)["language"] == "tr"
