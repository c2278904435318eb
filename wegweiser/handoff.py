"""The handoff request's contract (docs/handoff.md, version 1): what the Rasa side sends the gateway when a
person confirms "send this to a counsellor", as `{"custom": {"handoff": {...}}}`.

Both sides take the fields and their allowed values from here: the form that builds the request
(wegweiser.dialogue.handoff_form.payload) and the desk that stores it as a case (bot/). Imports nothing
but the shared core, so the gateway's virtualenv can use it.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any, Dict, Mapping

from wegweiser.content import read_yaml
from wegweiser.paths import content_dir

VERSION = 1
#: the request's fields besides "version", each kept by the case
FIELDS = (
    "language", "counselling_language", "topic", "topic_text", "contact", "phone", "times", "times_text",
    "name", "country", "lookup", "reason", "summary",
)
TOPICS = ("money", "travel", "legal_case", "appointment", "other")
CONTACTS = ("chat", "phone", "in_person", "video")
TIMES = ("weekday_mornings", "weekday_afternoons", "any_time")
#: why the form was started: asked for a person, a second "not understood", an own legal case, a
#: crisis, or from the programme lookup's answer
REASONS = ("asked", "not_understood", "legal", "crisis", "lookup")


class InvalidRequest(ValueError):
    """The handoff payload does not follow the contract (version 1)."""


def fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable id for a request when the caller has none: the same payload twice is one request."""
    canonical = json.dumps({k: payload.get(k) for k in FIELDS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def checked_fields(payload: Mapping[str, Any]) -> Dict[str, Any]:
    """The request's fields as a case keeps them; InvalidRequest when it breaks the contract. The phone
    number is kept only when the person chose to be phoned."""
    if payload.get("version", VERSION) != VERSION:
        raise InvalidRequest(f"unknown handoff version {payload.get('version')!r}")
    if not payload.get("language"):
        raise InvalidRequest("the request has no language")
    contact = payload.get("contact") or "chat"
    if contact not in CONTACTS:
        raise InvalidRequest(f"unknown contact way {contact!r}")
    times = payload.get("times") or []
    if not isinstance(times, list):
        raise InvalidRequest("times must be a list")
    fields = {key: payload.get(key) for key in FIELDS}
    fields.update(contact=contact, times=[str(t) for t in times])
    if contact != "phone":
        fields["phone"] = None
    return fields


@lru_cache(maxsize=None)
def load_handoff_texts() -> Mapping[str, Any]:
    """content/handoff.yml: the form's sentences, and what the terminal chat says instead of sending."""
    return read_yaml(content_dir() / "handoff.yml")
