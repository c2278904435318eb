"""Deterministic decisions that must not be left to a statistical classifier.

- CrisisGuard: a message containing a crisis term from content/safety.yml (suicide, violence, medical
  emergency; every language) is classified `crisis`, whatever the classifiers thought, so emergency
  numbers come first and never an FAQ guess. Terms are read when the model is loaded: editing them
  needs no retraining.
- TopicPayloads: the clarification buttons send `/faq/<topic>`; this turns such a payload into the
  retrieval intent and response-selector result that Rasa's `utter_faq` expects.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from components.tokenizer import normalise_arabic_script
from wegweiser.content import load_safety

CRISIS_INTENT = "crisis"
#: Arabic writes "and" and "so" joined to the next word ("وما عم يصحى", "فبدي اموت"): a term also matches after them.
ARABIC_CONJUNCTION = r"(?:و|ف)?"


def _normalise(text: str) -> str:
    lowered = text.lower().replace("\u0307", "")  # Turkish "İ" lowers to "i" + combining dot
    return " " + re.sub(r"\s+", " ", normalise_arabic_script(lowered)) + " "


def _alternatives(terms: List[str], prefix: str = "") -> Optional["re.Pattern[str]"]:
    """One pattern for whole words or phrases (longest first), each allowed after `prefix`."""
    normalised = sorted({_normalise(t).strip() for t in terms if t and str(t).strip()}, key=lambda t: (-len(t), t))
    if not normalised:
        return None
    return re.compile(r"(?<!\w)" + prefix + r"(" + "|".join(re.escape(t) for t in normalised) + r")", re.UNICODE)


#: "in Germany" may be written before or after "I don't want to live": this many words each side are looked at.
PLACE_WINDOW = 5
#: Arabic joins prepositions to a place ("بألمانيا", "بالكامب"): a place also matches after them.
ARABIC_PREPOSITIONS = r"(?:[وفبل]{1,2})?"


class CrisisTerms:
    """Matches crisis terms as whole words or phrases, in any script.

    Life terms ("I don't want to live any more") are a crisis too, unless a place is named within
    PLACE_WINDOW words ("... in Germany", "here"): then they are about where to live, not whether to."""

    def __init__(self, terms: List[str], life_terms: Sequence[str] = (), places: Sequence[str] = ()) -> None:
        self._pattern = _alternatives(terms, ARABIC_CONJUNCTION)
        self._life = _alternatives(list(life_terms), ARABIC_CONJUNCTION)
        self._places = _alternatives(list(places), ARABIC_PREPOSITIONS)

    @classmethod
    def from_content(cls) -> "CrisisTerms":
        safety = load_safety()

        def every_language(key: str) -> List[str]:
            return [term for terms in (safety.get(key) or {}).values() for term in terms]

        return cls(every_language("crisis_terms"), every_language("life_terms"), every_language("places"))

    def match(self, text: str) -> Optional[str]:
        if not text:
            return None
        normalised = _normalise(text)
        found = self._pattern.search(normalised) if self._pattern else None
        if found:
            return found.group(1)
        for life in self._life.finditer(normalised) if self._life else ():
            if not self._place_near(normalised[:life.start()], normalised[life.end():]):
                return life.group(1)
        return None

    def _place_near(self, before: str, after: str) -> bool:
        if self._places is None:
            return False
        window = " " + " ".join(before.split()[-PLACE_WINDOW:]) + " " + " ".join(after.split()[:PLACE_WINDOW]) + " "
        return bool(self._places.search(window))


def _set_intent(message: Message, name: str) -> None:
    intent = {"name": name, "confidence": 1.0}
    message.set("intent", intent, add_to_output=True)
    ranking = [intent] + [
        r for r in (message.get("intent_ranking") or []) if r.get("name") != name
    ]
    message.set("intent_ranking", ranking, add_to_output=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisGuard(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisGuard":
        return cls()

    def __init__(self) -> None:
        self._terms = CrisisTerms.from_content()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            if not text.startswith("/") and self._terms.match(text):
                _set_intent(message, CRISIS_INTENT)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicPayloads(GraphComponent):
    PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)/(?P<key>[a-z0-9_]+)$")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TopicPayloads":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            match = self.PAYLOAD.match((message.get("text") or "").strip())
            if not match:
                continue
            intent, key = match.group("intent"), match.group("key")
            _set_intent(message, intent)
            full = f"{intent}/{key}"
            selected = {
                "response": {
                    "responses": None,
                    "confidence": 1.0,
                    "intent_response_key": full,
                    "utter_action": f"utter_{full}",
                },
                "ranking": [{"confidence": 1.0, "intent_response_key": full}],
            }
            selector = dict(message.get("response_selector") or {})
            selector[intent] = selected
            message.set("response_selector", selector, add_to_output=True)
        return messages
