"""The speed-up caches behave exactly like the Rasa and jsonschema functions they replace."""
from __future__ import annotations

import jsonschema
import pytest

from components import speedups as schema_cache

SCHEMA = {"type": "object", "properties": {"events": {"type": "array", "items": {"type": "object"}}},
          "required": ["events"]}


def test_installed_when_components_are_loaded():
    assert jsonschema.validate is schema_cache.validate


def test_valid_instance_passes():
    schema_cache.validate({"events": [{"event": "slot"}]}, SCHEMA)


@pytest.mark.parametrize("instance", [{"events": "no list"}, {}, {"events": [1]}])
def test_invalid_instance_raises_the_same_error(instance):
    with pytest.raises(jsonschema.ValidationError) as ours:
        schema_cache.validate(instance, SCHEMA)
    with pytest.raises(jsonschema.ValidationError) as original:
        schema_cache._original_validate(instance, SCHEMA)
    assert ours.value.message == original.value.message


def test_an_invalid_schema_still_raises():
    with pytest.raises(jsonschema.SchemaError):
        schema_cache.validate({}, {"type": "no such type"})


def test_rasa_validates_action_results_through_the_cache():
    from rasa.core.actions.action import RemoteAction

    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": [], "responses": []})
    with pytest.raises(Exception):
        action._validate_action_result({"events": "broken"})


def test_event_classes_resolve_through_the_cache():
    import rasa.shared.utils.common as common
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet

    assert common.all_subclasses is schema_cache.all_subclasses
    assert set(common.all_subclasses(Event)) == set(schema_cache._original_all_subclasses(Event))
    assert isinstance(Event.from_parameters({"event": "slot", "name": "language", "value": "de"}), SlotSet)
    assert isinstance(Event.from_parameters({"event": "action", "name": "action_listen"}), ActionExecuted)


def test_a_new_subclass_is_found():
    class Base:
        pass

    class First(Base):
        pass

    assert schema_cache.all_subclasses(Base) == [First]

    class Second(Base):
        pass

    assert set(schema_cache.all_subclasses(Base)) == {First, Second}


# --- what goes to the action server: earlier events slim, the last two user turns whole ---

def _user(text, intent):
    return {"event": "user", "timestamp": 1.0, "text": text, "input_channel": "rest", "message_id": text,
            "metadata": {"language": "de"},
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                           "intent_ranking": [{"name": intent, "confidence": 0.9}] * 10, "entities": [],
                           "response_selector": {"faq": {"ranking": [{"intent_response_key": "faq/x"}] * 10}}}}


def _action(name):
    return {"event": "action", "timestamp": 1.0, "name": name, "policy": "RulePolicy", "confidence": 1.0,
            "action_text": None, "hide_rule_turn": False}


def _bot(text):
    return {"event": "bot", "timestamp": 1.0, "text": text, "data": {"buttons": [{"title": "x"}]},
            "metadata": {"utter_action": "utter_x"}}


def _conversation():
    """A session that starts the lookup, is interrupted by FAQs and a failed turn, asks for a human."""
    events = [{"event": "session_started", "timestamp": 1.0}, _action("action_listen")]
    turns = [
        ("wie viel geld bekomme ich", "ask_support",
         ["action_validate_slot_mappings", "action_support_intro", "support_form", "action_ask_lookup_country"]),
        ("was kostet das ticket", "faq", ["utter_faq", "support_form", "action_ask_lookup_country"]),
        ("asdfgh", "nlu_fallback", ["action_clarify"]),
        ("Syrien", "inform", ["support_form", "action_ask_lookup_family"]),
        ("qwerty", "nlu_fallback", ["action_clarify"]),
        ("ich will einen berater", "request_human", ["action_handoff_start", "handoff_form"]),
        ("ja", "affirm", ["handoff_form", "action_ask_handoff_topic"]),
        ("wo ist die beratung", "faq", ["utter_faq", "handoff_form"]),
    ]
    for text, intent, actions in turns:
        events.append(_user(text, intent))
        events.append({"event": "user_featurization", "timestamp": 1.0, "use_text_for_featurization": False})
        for name in actions:
            events.append(_action(name))
            if name.startswith(("utter_", "action_ask", "action_clarify")):
                events.append(_bot(f"answer of {name}"))
            if name.endswith("_form"):
                events.append({"event": "active_loop", "timestamp": 1.0, "name": name})
            events.append({"event": "slot", "timestamp": 1.0, "name": "language", "value": "de"})
        events.append(_action("action_listen"))
    return events


def test_earlier_events_are_slim_and_the_last_two_turns_whole():
    events = _conversation()
    slim = schema_cache.slim_events(events)
    assert len(slim) == len(events)
    users = [i for i, e in enumerate(events) if e["event"] == "user"]
    assert slim[users[-2]:] == events[users[-2]:]
    for before, after in zip(events[:users[-2]], slim[:users[-2]]):
        assert after["event"] == before["event"]
        assert "text" not in after and "metadata" not in after and "data" not in after
        if before["event"] == "user":
            assert after["parse_data"] == {"intent": {"name": before["parse_data"]["intent"]["name"],
                                                      "confidence": 0.9}, "entities": []}
        if before["event"] == "action":
            assert after["name"] == before["name"]
        if before["event"] in ("slot", "active_loop", "session_started"):
            assert after == before
    import json
    earlier = slice(0, users[-2])
    assert len(json.dumps(slim[earlier])) < len(json.dumps(events[earlier])) / 2


def test_the_actions_decide_the_same_on_slim_events():
    """Every reading of the event list the actions do, at every point of the conversation."""
    from actions.lookup import first_question
    from wegweiser.dialogue.forms import answers_now
    from wegweiser.dialogue.handoff_form import reason
    from wegweiser.dialogue.turn import previous_turn_failed

    events = _conversation()
    checked = 0
    for end in range(1, len(events) + 1):
        full, slim = events[:end], schema_cache.slim_events(events[:end])
        assert first_question(slim) == first_question(full)
        assert reason(slim) == reason(full)
        assert previous_turn_failed(slim) == previous_turn_failed(full)
        for form in ("support_form", "handoff_form"):
            assert answers_now(slim, form) == answers_now(full, form)
        checked += full != slim
    assert checked > 20  # the slimming did happen on most prefixes


def test_rasa_sends_the_action_server_slim_events():
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    assert RemoteAction._action_call_format is schema_cache._action_call_format
    domain = Domain.from_dict({"intents": ["faq", "ask_support", "nlu_fallback", "inform", "request_human",
                                           "affirm"], "actions": ["action_clarify"]})
    tracker = DialogueStateTracker.from_events("s", [Event.from_parameters(e) for e in _conversation()
                                                     if e["event"] != "active_loop"])
    body = RemoteAction("action_clarify", None)._action_call_format(tracker, domain)
    events = body["tracker"]["events"]
    users = [e for e in events if e["event"] == "user"]
    assert "text" not in users[0] and users[-1]["text"] == "wo ist die beratung"
    assert body["tracker"]["latest_message"]["text"] == "wo ist die beratung"
