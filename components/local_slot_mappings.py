"""`action_validate_slot_mappings` run inside the Rasa server instead of through the action server.

Rasa 3.6 runs `action_validate_slot_mappings` after every user message (the `language` and
`language_locked` slots have custom mappings). Through the action server that costs, per message: a copy
of the tracker rebuilt by replaying every event of the session, the whole tracker as JSON to the action
server and back, and a JSON-schema check of the answer (docs/measurements/latency.md) — for a decision
that needs only the slots and the latest message (`wegweiser.turn.slot_updates`).

`install()` makes Rasa's `ActionExtractSlots` call the same action class (`actions.slot_mappings.
ValidateSlotMappings`) in-process with an SDK tracker holding the slots (after this message's extracted
slots, as Rasa's rebuilt tracker has them) and the latest message, but no events: that action reads no
events (its docstring says so; tests/components/test_local_slot_mappings.py compares both ways). It
applies only where an action server is configured (the running server), so `rasa test` is unchanged.
"""
from __future__ import annotations

from typing import Any, List, cast

_original: Any = None


async def execute_validation_action(self: Any, extraction_events: List[Any], output_channel: Any, nlg: Any,
                                    tracker: Any, domain: Any) -> List[Any]:
    """`ActionExtractSlots._execute_validation_action` with the validation action run in-process."""
    from rasa.shared.core.constants import ACTION_VALIDATE_SLOT_MAPPINGS
    from rasa.shared.core.events import SlotSet

    if not self._action_endpoint or ACTION_VALIDATE_SLOT_MAPPINGS not in domain.user_actions:
        return await _original(self, extraction_events, output_channel, nlg, tracker, domain)
    extracted = [event for event in extraction_events if isinstance(event, SlotSet)]
    validated = [SlotSet(event["name"], event.get("value")) for event in await run_locally(tracker, extracted)]
    names = {event.key for event in validated}
    return cast(List[Any], validated + [event for event in extracted if event.key not in names])


async def run_locally(tracker: Any, extracted: List[Any]) -> List[dict]:
    """The events `ValidateSlotMappings` returns for this tracker plus the extracted slot events."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.slot_mappings import ValidateSlotMappings

    slots = tracker.current_slot_values()
    slots.update({event.key: event.value for event in extracted})
    sdk_tracker = Tracker(tracker.sender_id, slots, tracker._latest_message_data() or {}, [], tracker.is_paused(),
                          tracker.followup_action, tracker.active_loop_name and {"name": tracker.active_loop_name},
                          tracker.latest_action_name)
    dispatcher = CollectingDispatcher()
    events = await ValidateSlotMappings().run(dispatcher, sdk_tracker, {})
    if dispatcher.messages or any(event.get("event") != "slot" for event in events):
        raise RuntimeError("action_validate_slot_mappings may only set slots when run inside Rasa")
    return events


def install() -> None:
    global _original
    from rasa.core.actions.action import ActionExtractSlots

    if ActionExtractSlots._execute_validation_action is not execute_validation_action:
        _original = ActionExtractSlots._execute_validation_action
        ActionExtractSlots._execute_validation_action = execute_validation_action
