"""What Rasa forms' validation actions need to know about the turn they are called in."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

#: actions Rasa runs between a user message and the form without answering anything
_QUIET_ACTIONS = {"action_listen", "action_extract_slots", "action_validate_slot_mappings"}


def answers_now(events: Sequence[Mapping[str, Any]], form: str) -> bool:
    """True when the latest user message is for the form to take as an answer.

    False at activation (the message that started the form) and when the form resumes after an
    interruption (an FAQ answered by a rule). Rasa shows the validation action a tracker that already
    ends with the form's own ActionExecuted, so `latest_action_name` cannot tell these apart.
    """
    last_user = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=None)
    if last_user is None:
        return False
    for event in events[last_user + 1:]:
        if event.get("event") == "action_execution_rejected":
            return False
        if event.get("event") == "action" and event.get("name") not in _QUIET_ACTIONS | {form}:
            return False
    return True
