"""One linear classifier for intents and FAQ answers, with its own TF-IDF features.

Measured on this project's held-out set (docs/measurements/classifiers.md): Rasa's DIETClassifier and
ResponseSelector, trained from scratch on ~15-40 examples per topic and language, generalised worse
than a regularised logistic regression, and took minutes to train against seconds. Measured next: one
flat classifier over every answer (`greet`, `faq/travel_costs`, ...) beat an intent classifier followed
by a separate FAQ selector, because the topics compete directly instead of through `faq` as a whole; and
computing TF-IDF here (scikit-learn) instead of Rasa's CountVectorsFeaturizer and
LexicalSyntacticFeaturizer cut training from minutes to seconds, server memory and per-message latency.

Features: TF-IDF of the tokenizer's lemmas (spaCy lookup lemmas, Snowball stems where spaCy has no
lemma table) and of character n-grams within words of the normalised text (spelling variants, typos,
compounds). The classifier keeps Rasa's interfaces: it sets `intent` and `intent_ranking`, and for a
retrieval intent `response_selector[<intent>]` exactly as Rasa's ResponseSelector does, so rules with
`utter_faq`, test stories and the FallbackClassifier work unchanged. It never sees the answers' wording
(`components/answer_wording.py`), so editing an answer retrains no classifier.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Dict, List, Optional, Text, Tuple

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import answer_wording
from components import model_files
from components.model_files import load_pipeline, save_pipeline
from components.tokenizer import normalise_arabic_script

answer_wording.install()

logger = logging.getLogger(__name__)

FALLBACK = "nlu_fallback"


def lemma_text(message: Message) -> str:
    """The message as its tokens' lemmas, space-separated (the word features' input)."""
    tokens = message.get(TEXT_TOKENS) or []
    return " ".join((t.lemma or t.text).lower() for t in tokens)


def normalised_text(message: Message) -> str:
    """Lower-cased text with Arabic-script spellings unified (the character n-grams' input)."""
    return " ".join(normalise_arabic_script(w) for w in (message.get("text") or "").lower().split())


def _column(values: List[Tuple[str, str]], index: int) -> List[str]:
    return [v[index] for v in values]


def _lemmas(values):
    return _column(values, 0)


def _characters(values):
    return _column(values, 1)


def feature_pipeline(word_ngrams: Tuple[int, int], char_ngrams: Tuple[int, int]) -> FeatureUnion:
    """Word (lemma) and character n-gram TF-IDF over (lemma_text, normalised_text) pairs."""
    return FeatureUnion([
        ("words", Pipeline([
            ("select", FunctionTransformer(_lemmas)),
            ("tfidf", TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                      ngram_range=tuple(word_ngrams))),
        ])),
        ("characters", Pipeline([
            ("select", FunctionTransformer(_characters)),
            ("tfidf", TfidfVectorizer(analyzer="char_wb", lowercase=False, sublinear_tf=True,
                                      ngram_range=tuple(char_ngrams))),
        ])),
    ])


def answer_label(message: Message, retrieval_intents: List[str]) -> Optional[str]:
    """What the classifier learns for a training example: the intent, or `faq/<topic>` for FAQs."""
    intent = message.get("intent")
    if intent in retrieval_intents:
        return message.get("intent_response_key")
    return intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent):
    """Intent classification and FAQ answer selection in one logistic regression."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "alpha": 5e-6,
            "epochs": 50,
            "random_seed": 42,
            # `faq` topics together have most examples; balanced weights keep small intents reachable
            "class_weight": "balanced",
            "word_ngrams": [1, 1],
            "char_ngrams": [2, 4],
            "ranking_length": 10,
            "retrieval_intents": ["faq"],
            # Below this share of its retrieval intent's probability, the best FAQ answer is no clear
            # topic: the message becomes `nlu_fallback`, and the person is asked what they mean.
            "answer_threshold": 0.25,
            # how train() stores the model (components/model_files.py); part of Rasa's cache key, so a
            # classifier cached by an earlier version (a pickle) is never reused for a new model
            "storage_format": f"npz+json/{model_files.FORMAT}",
        }

    @staticmethod
    def required_components() -> List[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[Pipeline] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def _new_model(self) -> Pipeline:
        return Pipeline([
            ("features", feature_pipeline(self.config["word_ngrams"], self.config["char_ngrams"])),
            # logistic regression fitted by SGD: as accurate as lbfgs here, ~15x faster to train
            ("clf", SGDClassifier(loss="log_loss", alpha=self.config["alpha"], max_iter=self.config["epochs"],
                                  tol=None, random_state=self.config["random_seed"],
                                  class_weight=self.config["class_weight"])),
        ])

    @staticmethod
    def inputs(messages: List[Message]) -> List[Tuple[str, str]]:
        return [(lemma_text(m), normalised_text(m)) for m in messages]

    def train(self, training_data: TrainingData) -> Resource:
        retrieval = self.config["retrieval_intents"]
        examples, labels = [], []
        for example in training_data.intent_examples:
            label = answer_label(example, retrieval)
            if label and example.get("text"):
                examples.append(example)
                labels.append(label)
        if len(set(labels)) < 2:
            logger.debug("LinearIntentClassifier: fewer than two labels, nothing to train")
            return self._resource
        self.model = self._new_model().fit(self.inputs(examples), labels)
        with self._model_storage.write_to(self._resource) as directory:
            save_pipeline(self.model, directory)  # arrays + JSON, no pickle (components/model_files.py)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = load_pipeline(directory, {"words": _lemmas, "characters": _characters})
            return cls(config, model_storage, resource, model)
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)

    def answer_probabilities(self, messages: List[Message]) -> List[Dict[str, float]]:
        """Per message, the probability of every answer label (`greet`, `faq/payout`, ...)."""
        if self.model is None or not messages:
            return [{} for _ in messages]
        rows = self.model.predict_proba(self.inputs(messages))
        classes = [str(c) for c in self.model.classes_]
        return [dict(zip(classes, map(float, row))) for row in rows]

    def _split(self, probabilities: Dict[str, float]) -> Tuple[Dict[str, float], Dict[str, Dict[str, float]]]:
        """Intent probabilities (a retrieval intent sums its answers) and each retrieval intent's answers."""
        intents: Dict[str, float] = defaultdict(float)
        answers: Dict[str, Dict[str, float]] = defaultdict(dict)
        for label, p in probabilities.items():
            intent = label.split("/", 1)[0]
            intents[intent] += p
            if intent in self.config["retrieval_intents"]:
                answers[intent][label] = p
        return intents, answers

    def process(self, messages: List[Message]) -> List[Message]:
        n = self.config["ranking_length"]
        for message, probabilities in zip(messages, self.answer_probabilities(messages)):
            if not probabilities:
                continue
            intents, answers = self._split(probabilities)
            ranked = [{"name": name, "confidence": c}
                      for name, c in sorted(intents.items(), key=lambda kv: -kv[1])[:n]]
            message.set("intent", ranked[0], add_to_output=True)
            message.set("intent_ranking", ranked, add_to_output=True)
            selector = dict(message.get("response_selector") or {})
            selector["all_retrieval_intents"] = list(self.config["retrieval_intents"])
            for intent, scores in answers.items():
                total = sum(scores.values()) or 1.0
                ranking = sorted(((k, p / total) for k, p in scores.items()), key=lambda kv: -kv[1])[:n]
                key, confidence = ranking[0]
                selector[intent] = {
                    "response": {
                        "responses": None,  # the answer comes from the domain (utter_action)
                        "confidence": confidence,
                        "intent_response_key": key,
                        "utter_action": f"utter_{key}",
                    },
                    "ranking": [{"confidence": c, "intent_response_key": k} for k, c in ranking],
                }
                if ranked[0]["name"] == intent and confidence < self.config["answer_threshold"]:
                    message.set("intent", {"name": FALLBACK, "confidence": 1.0 - confidence}, add_to_output=True)
            message.set("response_selector", selector, add_to_output=True)
        return messages
