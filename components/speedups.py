"""Two caches that take per-message work out of Rasa 3.6's server without changing what it does.

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


def install() -> None:
    global _original_all_subclasses
    import rasa.shared.utils.common as common

    jsonschema.validate = validate
    if common.all_subclasses is not all_subclasses:
        _original_all_subclasses = common.all_subclasses
        common.all_subclasses = all_subclasses
