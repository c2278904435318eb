"""`DialogueStateTracker.copy` without a replay (components/tracker_copy.py): the same tracker as Rasa's copy,
attribute by attribute, after every event of every rule, story and test story, and independent of the
original when either is changed afterwards."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict

from components import tracker_copy
from tests.components.test_history_states import project  # noqa: F401 - the module's fixture


def snapshot(tracker: Any) -> Dict[str, Any]:
    """Everything a tracker holds; events and the messages they set by identity, the rest by value."""
    state = dict(vars(tracker))
    events = list(state.pop("events"))

    def message(value: Any) -> Any:
        for index, event in enumerate(events):
            if event is value:
                return ("event", index)
        if value is None:
            return None  # (a new empty message has a new timestamp: not compared)
        return ("not an event", type(value), {k: v for k, v in value.as_dict().items() if k != "timestamp"})

    loop = state.pop("active_loop")
    triggers = [index for index, event in enumerate(events)
                if loop and getattr(event, "parse_data", None) is loop.trigger_message]
    return {
        "events": [id(event) for event in events], "maxlen": tracker.events.maxlen,
        "slots": {name: (type(slot), dict(vars(slot))) for name, slot in state.pop("slots").items()},
        "latest_message": message(state.pop("latest_message")),
        "latest_bot_utterance": message(state.pop("latest_bot_utterance")),
        # the trigger message by identity when it is a user message's (a new empty message's otherwise)
        "active_loop": (dataclasses.asdict(loop), triggers) if loop else loop,
        **state,
    }


def independent(duplicate: Any, original: Any) -> None:
    assert duplicate is not original and duplicate.events is not original.events
    assert all(duplicate.slots[name] is not slot for name, slot in original.slots.items())
    if original.active_loop is not None:
        assert duplicate.active_loop is not original.active_loop
    if original.latest_action is not None:
        assert duplicate.latest_action is not original.latest_action


def test_installed_when_components_are_loaded():
    from rasa.shared.core.trackers import DialogueStateTracker

    assert DialogueStateTracker.copy is tracker_copy.copy


def test_every_rule_and_story_event_by_event(project):  # noqa: F811
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, trackers = project
    compared = 0
    for story in trackers:
        tracker = DialogueStateTracker("copy-test", domain.slots)
        tracker.model_id, tracker.assistant_id = "model", "assistant"  # as Rasa's processor sets them
        for event in story.events:
            tracker.update(event)
            ours, rasas = tracker.copy(), tracker_copy._original_copy(tracker)
            assert snapshot(ours) == snapshot(rasas), f"{story.sender_id}: after {event}"
            independent(ours, tracker)
            compared += 1
    assert compared > 1000


def test_edits_after_the_copy(project):  # noqa: F811
    """What the processor and actions do to the copy (loops interrupted and rejected, slots, messages) gives
    the same as on Rasa's copy, and leaves the original as it was."""
    from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActiveLoop, BotUttered,
                                         LoopInterrupted, Restarted, SlotSet, UserUttered)
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, _ = project
    start = [ActionExecuted("action_listen"), UserUttered("hilfe", {"name": "request_human", "confidence": 1.0}),
             ActionExecuted("handoff_form"), ActiveLoop("handoff_form"), SlotSet("language", "de"),
             BotUttered("Wie heißen Sie?")]
    edits = [LoopInterrupted(True), ActionExecutionRejected("handoff_form"), SlotSet("language", "ar"),
             ActionExecuted("action_listen"), UserUttered("x", {"name": "faq", "confidence": 0.5}), Restarted()]
    for length in range(len(start) + 1):
        original = DialogueStateTracker.from_events("copy-test", start[:length], domain.slots)
        before = snapshot(original)
        loop_before = dataclasses.asdict(original.active_loop) if original.active_loop else None
        ours, rasas = original.copy(), tracker_copy._original_copy(original)
        for edit in edits:
            ours.update(edit)
            rasas.update(edit)
            assert snapshot(ours) == snapshot(rasas)
        assert snapshot(original) == before
        assert (dataclasses.asdict(original.active_loop) if original.active_loop else None) == loop_before


def test_no_replay(project, monkeypatch):  # noqa: F811
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, trackers = project
    story = max(trackers, key=lambda t: len(t.events))
    tracker = DialogueStateTracker.from_events("copy-test", list(story.events), domain.slots)
    replayed = []
    monkeypatch.setattr(DialogueStateTracker, "update", lambda self, event, domain=None: replayed.append(event))
    tracker.copy()
    assert replayed == []


def test_rasas_copy_where_a_replay_could_differ(project):  # noqa: F811
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, _ = project
    events = [ActionExecuted("action_listen"), UserUttered("a", {"name": "greet"}), ActionExecuted("utter_greet"),
              ActionExecuted("action_listen"), UserUttered("b", {"name": "faq"})]
    bounded = DialogueStateTracker.from_events("copy-test", events, domain.slots, max_event_history=3)
    assert snapshot(bounded.copy()) == snapshot(tracker_copy._original_copy(bounded))
    assert bounded.copy().latest_message is not events[1]  # a replay of the 3 kept events: b, not a
    edited = DialogueStateTracker.from_events("copy-test", events, domain.slots)
    edited.latest_message = UserUttered("set by hand")
    assert snapshot(edited.copy()) == snapshot(tracker_copy._original_copy(edited))
