"""Changes that take per-message work out of Rasa 3.6's server without changing what it does.

Profiling the REST channel (py-spy, docs/measurements/latency.md) showed two costs that grow with every
message and are pure repetition:

1. JSON-schema checks. Rasa 3.6 validates every action server response (and some parsed messages) with `jsonschema.validate`,
which re-validates the schema itself against the 2020-12 meta-schema and builds a new validator on
every call: about a third of the Rasa server's CPU time. `install()` replaces `jsonschema.validate` with a version that does the
same validation (same validator class, same errors, a schema error still raises) but checks and
compiles each distinct schema only once. Rasa imports `validate` from `jsonschema` at call time, so the
replacement takes effect as soon as this module is imported, which `components/__init__.py` does when
Rasa loads the pipeline.

2. Event classes. Loading a conversation from the tracker store turns every stored event back into an
   object, and for each one Rasa walks the whole class tree of `Event` (`all_subclasses`), about 12 %
   of server time. The tree is fixed once Rasa is imported, so `install()` caches the walk per class;
   a cached entry is recomputed when the class gains a direct subclass.

3. What goes to the action server. Rasa sends every custom action the whole session's tracker (~145 KB at
   message 30, ~300 KB at message 60: every earlier message with its intent and answer rankings, every
   answer's text), at least twice per message (slot mappings, then the answering action); JSON-encoding it
   in Rasa and decoding it in the action server was the largest share of both servers' time that grew with
   the conversation. `install()` sends the events of the last `FULL_TURNS` user turns whole and the earlier
   ones slim (`slim_event`): type, time and what identifies them (intent, action, slot, form), without texts,
   rankings and metadata. The actions read the latest message, the slots and the events since the
   second-to-last user message, and scan earlier events only by type and action name
   (tests/components/test_speedups.py checks them on a whole conversation).
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Tuple

import jsonschema
from jsonschema import exceptions, validators

_original_validate = jsonschema.validate
_original_all_subclasses: Any = None


@lru_cache(maxsize=256)
def _compiled(schema_json: str, cls: Any):
    schema = json.loads(schema_json)
    cls = cls or validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate` with each schema checked and compiled once."""
    if args or kwargs:
        return _original_validate(instance, schema, cls, *args, **kwargs)
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):  # not JSON-serialisable: no caching possible
        return _original_validate(instance, schema, cls)
    error = exceptions.best_match(_compiled(key, cls).iter_errors(instance))
    if error is not None:
        raise error


_subclass_cache: Dict[Any, Tuple[int, List[Any]]] = {}


def all_subclasses(cls: Any) -> List[Any]:
    """`rasa.shared.utils.common.all_subclasses`, cached per class."""
    direct = len(cls.__subclasses__())
    cached = _subclass_cache.get(cls)
    if cached is None or cached[0] != direct:
        cached = (direct, _original_all_subclasses(cls))
        _subclass_cache[cls] = cached
    return list(cached[1])


#: user turns whose events the action server gets in full; earlier events are sent slim
FULL_TURNS = 2

_SLIM_KEYS = {
    "user": ("event", "timestamp", "input_channel", "message_id"),
    "bot": ("event", "timestamp"),
    "action": ("event", "timestamp", "name"),
}


def slim_event(event: Dict[str, Any]) -> Dict[str, Any]:
    """An earlier event as the action server needs it: its kind and identity, not its content."""
    keys = _SLIM_KEYS.get(event.get("event", ""))
    if keys is None:  # slots, forms, sessions, ...: small, and their values matter
        return event
    slim = {key: event[key] for key in keys if key in event}
    if slim.get("event") == "user":
        parse_data = event.get("parse_data") or {}
        intent = parse_data.get("intent") or {}
        slim["parse_data"] = {"intent": {"name": intent.get("name"), "confidence": intent.get("confidence")},
                              "entities": parse_data.get("entities") or []}
    return slim


def slim_events(events: List[Dict[str, Any]], full_turns: int = FULL_TURNS) -> List[Dict[str, Any]]:
    """The events with everything before the last `full_turns` user messages slimmed (order kept)."""
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if len(users) <= full_turns:
        return events
    start = users[-full_turns]
    return [slim_event(event) for event in events[:start]] + events[start:]


_original_action_call_format: Any = None


def _action_call_format(self: Any, tracker: Any, domain: Any) -> Dict[str, Any]:
    body = _original_action_call_format(self, tracker, domain)
    state = body.get("tracker")
    if isinstance(state, dict) and isinstance(state.get("events"), list):
        body["tracker"] = {**state, "events": slim_events(state["events"])}
    return body


def install() -> None:
    global _original_all_subclasses, _original_action_call_format
    import rasa.shared.utils.common as common
    from rasa.core.actions.action import RemoteAction

    if RemoteAction._action_call_format is not _action_call_format:
        _original_action_call_format = RemoteAction._action_call_format
        RemoteAction._action_call_format = _action_call_format

    jsonschema.validate = validate
    if common.all_subclasses is not all_subclasses:
        _original_all_subclasses = common.all_subclasses
        common.all_subclasses = all_subclasses
