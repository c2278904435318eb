"""The incremental dialogue history (components/history_states.py) gives exactly Rasa's states and applied
events, event by event, for every rule, story and test story of this project and for reverts and restarts."""
from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest

from components import history_states

ROOT = Path(__file__).resolve().parents[2]
RULE_ONLY = {"rule_only_slots": ["language_locked"], "rule_only_loops": ["handoff_form"]}
SETTINGS = [(False, False, None), (True, False, None), (False, True, RULE_ONLY), (True, True, RULE_ONLY)]


@pytest.fixture(scope="module")
def project():
    from rasa.shared.core.generator import TrainingDataGenerator
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain"),
        [str(ROOT / "data" / "rules"), str(ROOT / "data" / "stories")] + [str(p) for p in ROOT.glob("tests/stories/test_*.yml")])
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0,
                                     use_story_concatenation=False).generate()
    return domain, trackers


def original_states(domain, tracker, omit, ignore, rule_only) -> List[Any]:
    return history_states._original(domain, tracker, omit, ignore, rule_only)


def replay_and_compare(domain, events) -> int:
    """Adds the events one by one to one tracker; after each, ours must equal Rasa's (a fresh tracker each)."""
    from rasa.shared.core.trackers import DialogueStateTracker

    ours = DialogueStateTracker("history-test", domain.slots)
    compared = 0
    for index, event in enumerate(events):
        ours.update(event)
        reference = DialogueStateTracker.from_events("history-test", list(events[: index + 1]), domain.slots)
        assert ours.applied_events() == history_states._original_applied(reference)
        for omit, ignore, rule_only in SETTINGS:
            expected = original_states(domain, reference, omit, ignore, rule_only)
            got = ours.past_states(domain, omit_unset_slots=omit, ignore_rule_only_turns=ignore,
                                   rule_only_data=rule_only)
            assert got == expected, f"event {index} ({event}), settings {omit, ignore, rule_only}"
            if got:  # callers edit the states they get; that must not change the next answer
                got[-1].clear()
            compared += 1
    return compared


def test_installed_when_components_are_loaded():
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    assert Domain.states_for_tracker_history is history_states.states_for_tracker_history
    assert DialogueStateTracker.applied_events is history_states.applied_events


def test_every_rule_and_story_event_by_event(project):
    domain, trackers = project
    assert len(trackers) > 50
    compared = sum(replay_and_compare(domain, list(tracker.events)) for tracker in trackers)
    assert compared > 1000


def test_reverts_restarts_sessions_and_loops(project):
    from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Restarted, SessionStarted,
                                         SlotSet, UserUttered, UserUtteranceReverted)

    domain, _ = project
    user = lambda intent: UserUttered("x", {"name": intent, "confidence": 1.0})  # noqa: E731
    events = [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        user("greet"), ActionExecuted("utter_greet"), ActionExecuted("action_listen"),
        user("request_human"), ActionExecuted("handoff_form"), ActiveLoop("handoff_form"),
        SlotSet("requested_slot", "handoff_consent"), ActionExecuted("action_listen"),
        user("affirm"), ActionExecuted("handoff_form"), SlotSet("handoff_consent", "yes"),
        ActionExecuted("action_listen"), user("stop"), UserUtteranceReverted(),
        ActionExecuted("action_listen"), user("deny"), ActionExecuted("utter_greet"), ActionReverted(),
        ActionExecuted("support_form"), ActiveLoop("support_form"), ActiveLoop(None),
        ActionExecuted("action_listen"), Restarted(), ActionExecuted("action_listen"), user("greet"),
        ActionExecuted("action_session_start"), SessionStarted(), SlotSet("language", "ar"),
        ActionExecuted("action_listen"), user("greet"), ActionExecuted("handoff_form"),
    ]
    assert replay_and_compare(domain, events) == len(events) * len(SETTINGS)


def test_another_tracker_with_the_same_id_starts_afresh(project):
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain, _ = project
    first = DialogueStateTracker("same", domain.slots)
    first.update(ActionExecuted("action_listen"))
    first.update(UserUttered("x", {"name": "greet", "confidence": 1.0}))
    first.past_states(domain)
    second = DialogueStateTracker("same", domain.slots)
    second.update(ActionExecuted("action_listen"))
    assert second.past_states(domain) == original_states(domain, second, False, False, None)
    assert second.applied_events() == history_states._original_applied(second)
