"""Fills the custom-mapped slots on every user message: the answer language (placeholders: components/nlg.py)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction

from wegweiser.freshness import refresh_if_changed
from wegweiser.dialogue.turn import slot_updates


class ValidateSlotMappings(ValidationAction):
    """`action_validate_slot_mappings`, which Rasa runs after each user message, before predicting.

    Our Rasa runs the same `slot_updates` in its own process instead (components/slot_mappings.py, when the
    action server accepts connections); this action answers a Rasa without that module."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        refresh_if_changed()  # edited texts apply from this message on
        updates = slot_updates(tracker.slots, tracker.latest_message or {})
        return [SlotSet(name, value) for name, value in updates.items()]
