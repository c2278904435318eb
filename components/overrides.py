"""Deterministic decisions that must not be left to a statistical classifier.

- CrisisGuard: a message containing a crisis term from content/safety.yml (suicide, violence, medical
  emergency; every language) is classified `crisis`, whatever the classifiers thought, so emergency
  numbers come first and never an FAQ guess. Terms are read when the model is loaded: editing them
  needs no retraining.
- OtherLanguageGuard: a message clearly in a language the assistant does not speak (wegweiser/
  other_language.py) is classified `other_language`, with the language's code as `other_language` in the
  parse data, so it gets the languages on offer and a counsellor, never another question's answer.
- AnswerFirst: a message the FallbackClassifier marks as ambiguous between an FAQ answer and the way to a
  person (`legal_own_case`, `request_human`) gets the FAQ answer: the general rule first, which itself
  says that a counsellor or lawyer answers for the person's own case, instead of "I did not understand".
- NumberOnly: a message of digits alone (a phone number, a count, a date typed as numbers) is `inform`: the
  training data has no such example, so the classifier's guess for it changed with every retraining.
- TopicPayloads: the clarification buttons send `/faq/<topic>`; this turns such a payload into the
  retrieval intent and response-selector result that Rasa's `utter_faq` expects.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from wegweiser.nlu.other_language import foreign_language, prepare as prepare_other_languages
from wegweiser.nlu.safety import CrisisTerms  # noqa: F401 (the matcher lives beside its content)

CRISIS_INTENT = "crisis"


def _set_intent(message: Message, name: str) -> None:
    intent = {"name": name, "confidence": 1.0}
    message.set("intent", intent, add_to_output=True)
    ranking = [intent] + [
        r for r in (message.get("intent_ranking") or []) if r.get("name") != name
    ]
    message.set("intent_ranking", ranking, add_to_output=True)


class Override(GraphComponent):
    """A component of this module: created from its config's numbers (each a keyword of `__init__`, with the
    defaults of `get_default_config`)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "Override":
        return cls(**{name: float(config.get(name, default)) for name, default in cls.get_default_config().items()})


class TextRule(Override):
    """An override decided by the message's text alone: `intent_for` names the intent, or None."""

    def intent_for(self, text: str) -> Optional[str]:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.intent_for(message.get("text") or "")
            if intent is not None:
                _set_intent(message, intent)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisGuard(TextRule):
    def __init__(self) -> None:
        self._terms = CrisisTerms.from_content()

    def intent_for(self, text: str) -> Optional[str]:
        return CRISIS_INTENT if not text.startswith("/") and self._terms.match(text) else None


UNCOVERED_INTENT = "uncovered"
FALLBACK_INTENT = "nlu_fallback"


def uncovered_wins(ranking: List[Dict[str, Any]], intent: Optional[str], min_share: float) -> bool:
    """Whether a message the classifier answers with a topic is better answered "no FAQ covers this":
    when the `uncovered` class holds at least `min_share` of the probability, the topic is a guess."""
    if intent in (UNCOVERED_INTENT, FALLBACK_INTENT, CRISIS_INTENT, None):
        return False
    share = next((r.get("confidence") or 0.0 for r in ranking if r.get("name") == UNCOVERED_INTENT), 0.0)
    return share >= min_share


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UncoveredGuard(Override):
    """A return question no FAQ answers gets the honest reply, not the nearest topic's answer.

    The classifier has an `uncovered` class trained on near-miss questions (data/nlu/uncovered.yml); even
    when another topic ranks first, a share of `min_share` or more for `uncovered` means the topic is a
    guess. Measured against thresholds on the top confidence and on the margin:
    docs/measurements/uncovered.md."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_share": 0.2}

    def __init__(self, min_share: float = 0.2) -> None:
        self._min_share = min_share

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            intent = (message.get("intent") or {}).get("name")
            if not text.startswith("/") and uncovered_wins(message.get("intent_ranking") or [], intent,
                                                           self._min_share):
                _set_intent(message, UNCOVERED_INTENT)
        return messages


#: intents that hand a question to a person; ambiguous between one of them and an FAQ, the FAQ answers first
TO_A_PERSON = frozenset({"legal_own_case", "request_human"})
FAQ_INTENT = "faq"


def answer_first(ranking: List[Dict[str, Any]], threshold: float, answer_share: float = 1.0,
                 answer_threshold: float = 0.25) -> Optional[Dict[str, Any]]:
    """The intent to restore for a message marked `nlu_fallback` only because its two best intents were
    close: an FAQ and the way to a person, the best of them confident enough (>= the FallbackClassifier's
    `threshold`), and the FAQ's best answer clear enough (`answer_share` of the FAQ's probability >= the
    classifier's `answer_threshold`). None when the fallback stands."""
    ranked = [r for r in ranking if r.get("name") != FALLBACK_INTENT][:2]
    if len(ranked) < 2 or (ranked[0].get("confidence") or 0.0) < threshold or answer_share < answer_threshold:
        return None
    names = {r.get("name") for r in ranked}
    if FAQ_INTENT in names and names & TO_A_PERSON:
        return next(r for r in ranked if r.get("name") == FAQ_INTENT)
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class AnswerFirst(Override):
    """After the FallbackClassifier: an FAQ answer instead of "not understood" when the doubt was only
    between that answer and a counsellor (docs/measurements/uncovered.md, "Answer first")."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # the FallbackClassifier's threshold, and the LinearIntentClassifier's answer_threshold
        return {"threshold": 0.35, "answer_threshold": 0.25}

    def __init__(self, threshold: float = 0.35, answer_threshold: float = 0.25) -> None:
        self._threshold = threshold
        self._answer_threshold = answer_threshold

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if (message.get("intent") or {}).get("name") != FALLBACK_INTENT:
                continue
            answer = ((message.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response") or {}
            restored = answer_first(message.get("intent_ranking") or [], self._threshold,
                                    float(answer.get("confidence") or 0.0), self._answer_threshold)
            if restored is not None:
                message.set("intent", dict(restored), add_to_output=True)
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
                message.set("intent_ranking", ranking, add_to_output=True)
        return messages


INFORM_INTENT = "inform"
#: digits with the separators people type in numbers (+49 (0)151 234-567, 12.03.2025, 3/4)
NUMBER_ONLY = re.compile(r"\s*\+?[\d(][\d\s().\-/]*")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NumberOnly(TextRule):
    """A message that is only a number is an answer (`inform`); forms read the number from the text."""

    def intent_for(self, text: str) -> Optional[str]:
        return INFORM_INTENT if NUMBER_ONLY.fullmatch(text) and any(c.isdigit() for c in text) else None


OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguageGuard(Override):
    """A message in a language the assistant does not speak gets `other_language` (before CrisisGuard in
    the pipeline, so crisis terms still win)."""

    def __init__(self) -> None:
        prepare_other_languages()  # the wide detector now, not on the first message of a few words

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            code = foreign_language(message.get("text") or "")
            if code:
                _set_intent(message, OTHER_LANGUAGE_INTENT)
                message.set(OTHER_LANGUAGE_INTENT, code, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicPayloads(Override):
    PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)/(?P<key>[a-z0-9_]+)$")
    #: commands people type by Telegram habit that are not intent names (Rasa maps `/stop` itself):
    #: `/cancel` leaves a form, whatever the classifier would make of the word
    COMMANDS = {"/cancel": "stop"}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = (message.get("text") or "").strip()
            if text.lower() in self.COMMANDS:
                _set_intent(message, self.COMMANDS[text.lower()])
                continue
            match = self.PAYLOAD.match(text)
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
