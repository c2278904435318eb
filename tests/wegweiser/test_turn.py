"""The per-turn slot updates: naming a language as an answer is not a switch."""
from __future__ import annotations

from wegweiser.turn import slot_updates


def test_naming_a_language_switches_but_not_as_the_counselling_language_answer():
    message = {"text": "Arabisch bitte", "intent": {"name": "choose_language"}, "entities": []}
    assert slot_updates({"language": "de"}, message)["language"] == "ar"
    asked = {"language": "de", "requested_slot": "handoff_counselling_language"}
    assert slot_updates(asked, message).get("language", "de") == "de"
