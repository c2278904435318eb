"""Editing an FAQ answer's wording retrains no NLU component (components/answer_wording.py): trains a small
project with this project's pipeline twice through Rasa's cache and counts which components ran."""
from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml
from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
from rasa.model_training import train_nlu
from rasa.shared.nlu.constants import RESPONSE

from components import answer_wording
from components.linear import LinearIntentClassifier
from components.tokenizer import MultilingualSpacyTokenizer
from tests.components.test_linear import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]


def write_project(folder: Path, answer: str = "The programme pays the ticket.", extra_example: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nlu = [{"intent": intent, "examples": "".join(f"- {text}\n" for text in texts)} for intent, texts in EXAMPLES.items()]
    if extra_example:
        nlu[0]["examples"] += f"- {extra_example}\n"
    (folder / "nlu.yml").write_text(yaml.safe_dump({"version": "3.1", "nlu": nlu, "responses": {
        "utter_faq/travel_costs": [{"text": answer}], "utter_faq/documents": [{"text": "Bring your passport."}]}},
        allow_unicode=True), encoding="utf-8")
    (folder / "domain.yml").write_text(yaml.safe_dump({"version": "3.1", "intents": ["greet", "faq"]}),
                                       encoding="utf-8")
    (folder / "config.yml").write_text(yaml.safe_dump({"recipe": "default.v1", "assistant_id": "t", "language": "xx",
        "pipeline": [{"name": "components.tokenizer.MultilingualSpacyTokenizer",
                      "models_dir": str(ROOT / ".build" / "spacy")},
                     {"name": "components.linear.LinearIntentClassifier", "retrieval_intents": ["faq"]}],
        "policies": []}), encoding="utf-8")
    return folder


@pytest.fixture()
def runs(monkeypatch, tmp_path):
    """Trains the project in `folder` and returns which components did real work."""
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    calls = []
    for cls, method in ((MultilingualSpacyTokenizer, "process_training_data"), (LinearIntentClassifier, "train")):
        original = getattr(cls, method)

        @functools.wraps(original)  # Rasa validates the graph from the method's type hints
        def counted(self, *args, _original=original, _name=cls.__name__, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, method, counted)

    def run(folder: Path) -> list:
        calls.clear()
        train_nlu(str(folder / "config.yml"), str(folder / "nlu.yml"), str(tmp_path / "models"),
                  domain=str(folder / "domain.yml"))
        return sorted(set(calls))

    return run


def test_changing_an_answers_wording_retrains_nothing_but_a_new_example_retrains(runs, tmp_path):
    project = tmp_path / "project"
    assert runs(write_project(project)) == ["LinearIntentClassifier", "MultilingualSpacyTokenizer"]
    assert runs(write_project(project, answer="The programme can pay the plane or bus ticket.")) == []
    assert runs(write_project(project, extra_example="moin")) == ["LinearIntentClassifier",
                                                                  "MultilingualSpacyTokenizer"]


def test_without_it_rasa_would_retrain_on_an_answer_change(runs, tmp_path, monkeypatch):
    """The counter-check: with Rasa's own provider the same edit retrains the pipeline."""
    monkeypatch.setattr(NLUTrainingDataProvider, "provide", answer_wording._rasa_provide)
    project = tmp_path / "project"
    runs(write_project(project))
    assert runs(write_project(project, answer="Changed.")) == ["LinearIntentClassifier", "MultilingualSpacyTokenizer"]


def test_the_examples_keep_everything_but_the_answer_text():
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    example = Message(data={"text": "who pays", "intent": "faq", "intent_response_key": "faq/travel_costs"})
    data = TrainingData([example], responses={"utter_faq/travel_costs": [{"text": "We do."}]})
    assert example.get(RESPONSE) == "We do."  # what Rasa sets up
    stripped = answer_wording.without_answers(data)
    assert stripped.responses == {}
    assert [m.data for m in stripped.training_examples] == [
        {"text": "who pays", "intent": "faq", "intent_response_key": "faq/travel_costs"}]
    assert stripped.retrieval_intents == {"faq"}


def test_the_provider_reuses_the_data_rasa_train_has_read(monkeypatch, tmp_path):
    """`rasa train` reads the NLU data without a language; the provider used to ask for it again in the
    config's language ("xx"), which the importer's cache treats as a new question: every file read twice."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data import loading

    project = write_project(tmp_path / "project")
    importer = TrainingDataImporter.load_from_config(str(project / "config.yml"), str(project / "domain.yml"),
                                                     [str(project / "nlu.yml")])
    reads = []
    original = loading.load_data
    monkeypatch.setattr(loading, "load_data", lambda *a, **k: reads.append(a) or original(*a, **k))
    importer.get_nlu_data()  # as rasa.model_training.train does before the graph runs
    assert len(reads) == 1
    provider = NLUTrainingDataProvider.create({**NLUTrainingDataProvider.get_default_config(), "language": "xx"},
                                              None, None, None)
    data = provider.provide(importer)
    assert len(reads) == 1  # nothing read again
    assert data.training_examples and all(example.get(RESPONSE) is None for example in data.training_examples)
