"""The per-message slot updates (`action_validate_slot_mappings`) computed inside Rasa, not in the action server.

After every user message (and again when a form activates) Rasa 3.6's `action_extract_slots` calls the custom
action `action_validate_slot_mappings` (`ActionExtractSlots._execute_validation_action`): it rebuilds the whole
session's tracker from its events, JSON-encodes it, posts it to the action server, which decodes it, runs
`wegweiser.dialogue.turn.slot_updates` on the slots and the latest message (a few dictionary look-ups, the
language detection already carried in the parse result) and answers with SlotSet events. Every slot's mapping
is `type: custom` without an `action` (domain/), so nothing else is extracted there; the call was the larger
part of the action server's work on a message that needs no other custom action, and a replay of the
conversation plus two JSON round trips in Rasa (docs/measurements/latency.md, fourth round).

`install()` replaces that method with one that runs the same function in Rasa's process, on the same input
the action server saw — the slots after the extracted slot events and the latest message, both passed
through JSON as they would have been — and merges the result as Rasa does. The action class
(actions/slot_mappings.py) stays in the action server and the action in the domain, so a Rasa without this
module (or a domain where `action_validate_slot_mappings` is no user action) behaves as before.

One thing the call also did: with no action server (none configured, or nothing accepting connections on its
port) it failed, Rasa logged a warning and set no slot. A new conversation then has no answer language, no
response matches, Rasa answers nothing, and the gateway sends its apology with the centre's contacts
(tests/bot/test_end_to_end.py) rather than answers without their dated note. An earlier attempt at this
change was backed out for that reason (second round). So the slots are set only when a TCP connection to
the action server's address succeeds (opened and closed at once: ~0.1 ms, no request), and otherwise the
same warning is logged and no slot is set, as before.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

_original: Any = None


def updates(slots: Mapping[str, Any], latest_message: Mapping[str, Any]) -> Dict[str, Any]:
    """What `actions.slot_mappings.ValidateSlotMappings` answers, given what it would receive."""
    from wegweiser.dialogue.turn import slot_updates
    from wegweiser.freshness import refresh_if_changed

    refresh_if_changed()  # edited texts apply from this message on
    return slot_updates(slots, latest_message)


#: how long the check that the action server accepts connections may take
CONNECT_TIMEOUT_S = 2.0


async def action_server_reachable(endpoint: Optional[Any]) -> bool:
    """Whether the action server's address accepts a TCP connection (what Rasa's call needed first)."""
    url = getattr(endpoint, "url", None)
    if not url:
        return False
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), CONNECT_TIMEOUT_S)
    except (OSError, asyncio.TimeoutError, ValueError):
        return False
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return True


def _as_sent(value: Any) -> Any:
    """The value as the action server gets it: through JSON (tuples become lists, keys strings)."""
    return json.loads(json.dumps(value))


async def _execute_validation_action(self: Any, extraction_events: List[Any], output_channel: Any, nlg: Any,
                                     tracker: Any, domain: Any) -> List[Any]:
    """`ActionExtractSlots._execute_validation_action` with `action_validate_slot_mappings` run in-process."""
    from rasa.shared.core.constants import ACTION_VALIDATE_SLOT_MAPPINGS
    from rasa.shared.core.events import SlotSet

    slot_events = [event for event in extraction_events if isinstance(event, SlotSet)]
    if ACTION_VALIDATE_SLOT_MAPPINGS not in domain.user_actions:
        return list(slot_events)
    if not await action_server_reachable(self._action_endpoint):
        logger.warning(f"Failed to execute custom action '{ACTION_VALIDATE_SLOT_MAPPINGS}': the action server "
                       f"is not reachable. The default action 'action_extract_slots' failed to fill slots "
                       f"with custom mappings.")
        return list(slot_events)
    slots = tracker.current_slot_values()
    for event in slot_events:  # Rasa's copy of the tracker for the call has the extracted slots applied
        if event.key in slots:
            slots[event.key] = event.value
    latest = tracker._latest_message_data() or {}
    try:
        changed = updates(_as_sent(slots), _as_sent(latest))
    except Exception as error:  # noqa: BLE001 - as a failed action call: a warning, no slot changed
        logger.warning(f"Failed to execute '{ACTION_VALIDATE_SLOT_MAPPINGS}' in Rasa's process "
                       f"({error!r}): the slots with custom mappings keep their values.")
        changed = {}
    validate_events = [SlotSet(name, value) for name, value in changed.items()]
    validated = set(changed)
    return validate_events + [event for event in slot_events if event.key not in validated]


def install() -> None:
    global _original
    from rasa.core.actions.action import ActionExtractSlots

    if ActionExtractSlots._execute_validation_action is not _execute_validation_action:
        _original = ActionExtractSlots._execute_validation_action
        ActionExtractSlots._execute_validation_action = _execute_validation_action
