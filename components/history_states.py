"""Dialogue states of a conversation, computed once per event instead of once per prediction.

Rasa 3.6's RulePolicy and MemoizationPolicy turn the whole conversation into a list of states before
every prediction (`Domain.states_for_tracker_history`): a fresh copy of the tracker replays every applied
event from the start, and a state is built before each action. A message triggers several predictions
(one per action), each replaying everything again, so the cost per message grows with the length of the
conversation (~25 % of the server's time at message 60, docs/measurements/latency.md).

`install()` replaces that method with one that keeps, per tracker object, where the last replay ended
(the replaying tracker, the states so far, the two loop variables of Rasa's method) and continues from
there when the events applied now begin with exactly the events (the same objects) applied then. If they
do not — an event was reverted, a session restarted, another tracker object — it replays from the start as
Rasa does. The loop body is Rasa's own, step for step; each call returns fresh copies of the states
(sharing sub-states where Rasa's would), so callers that edit them do not change what is kept.
"""
from __future__ import annotations

import itertools
import operator
import weakref
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

#: trackers whose replay is kept (one entry per live tracker object; the oldest is dropped first)
MAX_TRACKERS = 256

_original: Any = None
_original_applied: Any = None


class _Replay:
    """Where one replay of one tracker's applied events stands."""

    __slots__ = ("owner", "applied", "tracker", "states", "last_ml_action", "turn_was_hidden")

    def __init__(self, owner: Any, tracker: Any) -> None:
        self.owner = weakref.ref(owner)
        self.applied: List[Any] = []
        self.tracker = tracker
        self.states: List[Dict[str, Any]] = []
        self.last_ml_action: Optional[Dict[str, Any]] = None
        self.turn_was_hidden = False


_replays: "OrderedDict[Tuple[int, bool, bool, str], _Replay]" = OrderedDict()


def _step(domain: Any, replay: _Replay, tracker: Any, hide_rule_turn: bool, ignore_rule_only_turns: bool,
          omit_unset_slots: bool, rule_only_data: Optional[Dict[str, Any]], states: List[Dict[str, Any]],
          variables: List[Any]) -> None:
    """The body of Rasa's loop in `Domain.states_for_tracker_history` for one prior tracker.

    `variables` holds [last_ml_action_sub_state, turn_was_hidden] and is updated in place.
    """
    from rasa.shared.core.constants import PREVIOUS_ACTION

    if ignore_rule_only_turns:
        if not variables[1]:
            variables[0] = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
            variables[1] = hide_rule_turn
        if variables[1]:
            return
    state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if variables[0]:
            state[PREVIOUS_ACTION] = variables[0]
    states.append(domain._clean_state(state))


def _copy_states(states: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Copies of the states and their sub-states; a sub-state shared by two states stays shared."""
    copies: Dict[int, Dict[str, Any]] = {}

    def sub(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        copied = copies.get(id(value))
        if copied is None:
            copied = copies[id(value)] = dict(value)
        return copied

    return [{key: sub(value) for key, value in state.items()} for state in states]


def _rule_only_key(rule_only_data: Optional[Dict[str, Any]]) -> str:
    if not rule_only_data:
        return ""
    return repr(sorted((key, sorted(value)) for key, value in rule_only_data.items()))


def states_for_tracker_history(self: Any, tracker: Any, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """`Domain.states_for_tracker_history`, continuing the previous replay of the same tracker."""
    from rasa.shared.core.events import ActionExecuted

    applied = tracker.applied_events()
    key = (id(tracker), omit_unset_slots, ignore_rule_only_turns, _rule_only_key(rule_only_data))
    replay = _replays.get(key)
    if (replay is None or replay.owner() is not tracker or len(replay.applied) > len(applied)
            or not all(map(operator.is_, replay.applied, applied))):
        replay = _Replay(tracker, tracker.init_copy())
        _replays[key] = replay
    _replays.move_to_end(key)
    while len(_replays) > MAX_TRACKERS:
        _replays.popitem(last=False)

    variables = [replay.last_ml_action, replay.turn_was_hidden]
    for event in applied[len(replay.applied):]:
        if isinstance(event, ActionExecuted):
            _step(self, replay, replay.tracker, event.hide_rule_turn, ignore_rule_only_turns, omit_unset_slots,
                  rule_only_data, replay.states, variables)
        replay.tracker.update(event)
        replay.applied.append(event)
    replay.last_ml_action, replay.turn_was_hidden = variables

    # the state after the last event: not kept, the next event may come before the next action
    states = list(replay.states)
    _step(self, replay, replay.tracker, False, ignore_rule_only_turns, omit_unset_slots, rule_only_data, states,
          list(variables))
    return _copy_states(states)


class _Applied:
    """Where the last `applied_events` of one tracker stood."""

    __slots__ = ("owner", "count", "first", "last", "loop_names", "applied")

    def __init__(self, owner: Any, events: Any, loop_names: set, applied: List[Any]) -> None:
        self.owner = weakref.ref(owner)
        self.count = len(events)
        self.first = events[0] if events else None
        self.last = events[-1] if events else None
        self.loop_names = loop_names
        self.applied = applied


_applied: "OrderedDict[int, _Applied]" = OrderedDict()


def _apply(tracker: Any, events: Any, loop_names: set, applied: List[Any]) -> List[Any]:
    """The loop of Rasa's `DialogueStateTracker.applied_events`, continued over `events`."""
    from rasa.shared.core.events import (ActionExecuted, ActionReverted, Restarted, SessionStarted, UserUttered,
                                         UserUtteranceReverted)

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in loop_names
              and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(self: Any) -> List[Any]:
    """`DialogueStateTracker.applied_events`, continuing from the previous call when events were only added.

    Rasa's loop depends on the events before each one and on the names of all loops ever activated in the
    tracker; so it continues where it stopped unless the new events activate a loop not seen before (or the
    tracker's events were replaced), in which case it starts again from the first event, as Rasa does.
    """
    from rasa.shared.core.events import ActiveLoop

    events = self.events
    entry = _applied.get(id(self))
    if (entry is not None and entry.owner() is self and 0 < entry.count <= len(events)
            and events[0] is entry.first and events[entry.count - 1] is entry.last):
        new = list(itertools.islice(events, entry.count, None))
        if not any(isinstance(event, ActiveLoop) and event.name and event.name not in entry.loop_names
                   for event in new):
            applied = _apply(self, new, entry.loop_names, entry.applied)
            _remember(self, events, entry.loop_names, applied)
            return list(applied)
    loop_names = {event.name for event in events if isinstance(event, ActiveLoop) and event.name}
    applied = _apply(self, events, loop_names, [])
    _remember(self, events, loop_names, applied)
    return list(applied)


def _remember(tracker: Any, events: Any, loop_names: set, applied: List[Any]) -> None:
    _applied[id(tracker)] = _Applied(tracker, events, loop_names, applied)
    _applied.move_to_end(id(tracker))
    while len(_applied) > MAX_TRACKERS:
        _applied.popitem(last=False)


def install() -> None:
    global _original, _original_applied
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    if Domain.states_for_tracker_history is not states_for_tracker_history:
        _original = Domain.states_for_tracker_history
        Domain.states_for_tracker_history = states_for_tracker_history
    if DialogueStateTracker.applied_events is not applied_events:
        _original_applied = DialogueStateTracker.applied_events
        DialogueStateTracker.applied_events = applied_events
