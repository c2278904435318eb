"""Rasa's response generator, filling answers' {placeholders} from the programme data in the answer language.

Answers name programme facts, centre details and emergency numbers as `{placeholders}`
(docs/writing-content.md). Rasa fills a response's placeholders from slots; this generator (configured by
scripts/launch.py as the `nlg` endpoint) adds the rendered values of the conversation's `language` slot
(`wegweiser.dialogue.turn.rendered_values`: the same Babel/CLDR text the action server uses) underneath the slots.
So no conversation carries ~70 placeholder slots: they used to be set as slot events on the first message
and on every change of language, and Rasa stored them, sent them to the action server with every call and
validated them (docs/measurements/latency.md). Edited content applies from the next message on, as in
the action server (`wegweiser.freshness`).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from wegweiser.content import default_language
from wegweiser.date_cases import join_date_endings
from wegweiser.freshness import refresh_if_changed
from wegweiser.dialogue.turn import rendered_values


def response_values(slots: Dict[Text, Any]) -> Dict[Text, Any]:
    """What a response's placeholders are filled from: the rendered facts of the answer language, then the slots."""
    refresh_if_changed()
    # a slot not set yet (None) leaves the rendered default (e.g. an empty `personal_lead`) in place
    return {**rendered_values(slots.get("language") or default_language()),
            **{name: value for name, value in slots.items() if value is not None}}


class PlaceholderNaturalLanguageGenerator(TemplatedNaturalLanguageGenerator):
    """Rasa's `TemplatedNaturalLanguageGenerator` over the domain's responses, placeholders included."""

    def __init__(self, endpoint_config: Any = None, domain: Optional[Domain] = None, **kwargs: Any) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        values = response_values(tracker.current_slot_values())
        response = self.generate_from_slots(utter_action, values, output_channel, **kwargs)
        if response and response.get("text"):  # "2025 წლის 13 იანვარი-დან" -> "2025 წლის 13 იანვრიდან"
            response["text"] = join_date_endings(response["text"], values.get("language") or default_language())
        return response
