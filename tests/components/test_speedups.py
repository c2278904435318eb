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
