"""FAQ answers' wording stays out of what the NLU pipeline learns from, so changing it retrains no classifier.

Rasa puts every retrieval-intent response into the NLU training data: in `TrainingData.responses`, and as
the `response` attribute of each `faq/<topic>` example. Both are part of the training data's fingerprint, so
editing one word of an FAQ answer used to make Rasa's cache miss for the tokenizer and the classifier and
retrain the whole NLU pipeline (measured: 145 s of a 161 s full training). This project's classifier learns
only from the examples and their labels (`components/linear.py`); the answer texts reach the person through
the domain (`utter_faq/<topic>`, Rasa's NLG), which is unaffected.

`install()` makes Rasa's NLU training-data provider, the input node of every NLU training graph, hand on the
examples without answer texts. It is called when the classifier's module is imported, which Rasa does while
it builds the training graph, before any node runs; processes that never load this project's pipeline (for
instance the bench's `rasa init` baseline, trained in its own process) keep Rasa's behaviour.
"""
from __future__ import annotations

from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_rasa_provide = NLUTrainingDataProvider.provide


def without_answers(data: TrainingData) -> TrainingData:
    """The same examples, synonyms, regexes and lookup tables; no response texts anywhere."""
    examples = [Message(data={key: value for key, value in example.data.items() if key != RESPONSE},
                        features=list(example.features))
                for example in data.training_examples]
    return TrainingData(examples, entity_synonyms=data.entity_synonyms, regex_features=data.regex_features,
                        lookup_tables=data.lookup_tables, responses={})


def _provide(self, importer: TrainingDataImporter) -> TrainingData:  # no hint on self: Rasa reads the hints
    """Rasa's `provide` without the answer texts, and without reading the data a second time: Rasa's provider
    asks the importer for the data in the config's language ("xx"), and the importer caches per argument,
    so every training read, checked and merged all NLU files again after `rasa train` had loaded them
    without a language (~13 CPU s of ~140 for ten languages; docs/measurements/new-languages.md). Rasa's
    YAML reader does not use the language, so the data is the same."""
    training_data = importer.get_nlu_data()
    if self._config["persist"]:
        self._persist(training_data)
    return without_answers(training_data)


def install() -> None:
    NLUTrainingDataProvider.provide = _provide  # type: ignore[method-assign]
