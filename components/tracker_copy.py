"""`DialogueStateTracker.copy` without replaying the conversation.

Before every action it runs, Rasa 3.6's processor copies the tracker (`_run_action`: `tracker.copy()`, so that
a rejected action's events can be dropped), and Rasa's `copy` builds a new tracker and replays every event of
the session into it (`travel_back_in_time(inf)`): ~5 % of the Rasa server's samples at messages 41-60, growing
with the conversation (docs/measurements/latency.md, fourth and fifth rounds).

A tracker's state is, by Rasa's own rule ("MUST be re-creatable by processing all the events", trackers.py),
what replaying its events gives. `install()` replaces `copy` with one that copies that state instead: the
same event objects in a new deque, each slot `copy.copy`'d as `init_copy` does (values shared, as the replayed
SlotSet events share them), `latest_action` and the active loop as new objects (a replay builds new ones, and
actions edit them in place), the latest message and bot utterance the same event objects a replay would set
(or new empty ones), and what `init_copy` leaves unset (`sender_source`, `model_id`, `assistant_id`) unset.

Rasa's replay runs instead whenever that could differ: a tracker of a subclass, or with attributes Rasa's
class does not define; a bounded event history (a replay of a truncated history differs); a tracker without
a domain's slots; an exported-story event (its replay writes a file); a latest message or bot utterance that
is neither one of the events nor empty; an active loop whose trigger message is no user message's. tests/components/test_tracker_copy.py compares both copies attribute
by attribute after every event of every rule, story and test story, and after edits to the copy.
"""
from __future__ import annotations

import copy as copy_module
from collections import deque
from typing import Any, FrozenSet, Optional

_original_copy: Any = None
_attributes: Optional[FrozenSet[str]] = None


def _same_as_replay(value: Any, events: Any, empty: Any) -> Any:
    """The latest message / bot utterance a replay ends with: the same event object, or a new empty one."""
    if any(event is value for event in reversed(events)):
        return value
    fresh = empty()
    return fresh if value == fresh and type(value) is type(fresh) else None


def _trigger_in_events(tracker: Any) -> bool:
    """Whether the active loop's trigger message is (by identity) the parse data of one of the user messages, as
    in a replay; a loop activated before any user message holds an empty message's, new in each replay."""
    from rasa.shared.core.events import UserUttered

    loop = tracker.active_loop
    if loop is None or loop.trigger_message is None:
        return True
    return any(isinstance(event, UserUttered) and event.parse_data is loop.trigger_message
               for event in reversed(tracker.events))


def copy(self: Any) -> Any:
    """`DialogueStateTracker.copy`: the state a replay of the events gives, copied without replaying."""
    from rasa.shared.constants import DEFAULT_SENDER_ID
    from rasa.shared.core.events import BotUttered, StoryExported, UserUttered
    from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

    state = vars(self)
    if (type(self) is not DialogueStateTracker or frozenset(state) != _attributes
            or self._max_event_history is not None or isinstance(self.slots, AnySlotDict)
            or any(isinstance(event, StoryExported) for event in self.events)):
        return _original_copy(self)
    latest_message = _same_as_replay(self.latest_message, self.events, UserUttered.empty)
    latest_bot_utterance = _same_as_replay(self.latest_bot_utterance, self.events, BotUttered.empty)
    if latest_message is None or latest_bot_utterance is None or not _trigger_in_events(self):
        return _original_copy(self)

    duplicate = DialogueStateTracker.__new__(DialogueStateTracker)
    vars(duplicate).update(
        _max_event_history=None,
        events=deque(self.events),
        sender_id=self.sender_id or DEFAULT_SENDER_ID,
        slots={name: copy_module.copy(slot) for name, slot in self.slots.items()},
        sender_source=None,
        is_rule_tracker=self.is_rule_tracker,
        _paused=self._paused,
        followup_action=self.followup_action,
        latest_action=dict(self.latest_action) if self.latest_action is not None else None,
        latest_message=latest_message,
        latest_bot_utterance=latest_bot_utterance,
        active_loop=copy_module.copy(self.active_loop),
        model_id=None,
        assistant_id=None,
    )
    return duplicate


def install() -> None:
    global _original_copy, _attributes
    from rasa.shared.core.trackers import DialogueStateTracker

    _attributes = frozenset(vars(DialogueStateTracker("attributes", [])))
    if DialogueStateTracker.copy is not copy:
        _original_copy = DialogueStateTracker.copy
        DialogueStateTracker.copy = copy
