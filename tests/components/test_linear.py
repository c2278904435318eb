"""The joint intent / FAQ-answer classifier: training, Rasa's output format, fallback, persistence."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.linear import FALLBACK, LinearIntentClassifier, _characters, _lemmas, answer_label, normalised_text
from components.model_files import load_pipeline
from tests.model_archive import is_pickle
from components.tokenizer import MultilingualSpacyTokenizer

EXAMPLES = {
    "greet": ["hallo", "hello there", "good morning", "guten tag", "hi", "servus zusammen"],
    "faq/travel_costs": ["who pays the ticket", "wer bezahlt das flugticket", "is the flight paid",
                         "bekomme ich ein ticket", "do you pay for the bus to the airport", "zahlt ihr den zug"],
    "faq/documents": ["which documents do I need", "welche dokumente brauche ich", "what papers are needed",
                      "brauche ich einen pass", "do I need my passport", "welche unterlagen muss ich mitbringen"],
}


@pytest.fixture(scope="module")
def tokenizer():
    return MultilingualSpacyTokenizer(MultilingualSpacyTokenizer.get_default_config())


def make_message(tokenizer, text, label=None):
    data = {"text": text}
    if label:
        intent, _, key = label.partition("/")
        data["intent"] = intent
        if key:
            data["intent_response_key"] = label
    message = Message(data=data)
    tokenizer.process([message]) if not label else tokenizer.process_training_data(TrainingData([message]))
    return message


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


@pytest.fixture()
def trained(tokenizer, storage):
    examples = [make_message(tokenizer, text, label) for label, texts in EXAMPLES.items() for text in texts]
    data = TrainingData(examples, responses={"utter_faq/travel_costs": [{"text": "tickets"}],
                                             "utter_faq/documents": [{"text": "papers"}]})
    resource = Resource("linear")
    context = ExecutionContext(GraphSchema({}), "test")
    component = LinearIntentClassifier.create({**LinearIntentClassifier.get_default_config()}, storage,
                                              resource, context)
    component.train(data)
    return component, resource, context


def test_faq_examples_are_learnt_as_their_answer(tokenizer):
    faq = make_message(tokenizer, "who pays the ticket", "faq/travel_costs")
    assert answer_label(faq, ["faq"]) == "faq/travel_costs"
    assert answer_label(make_message(tokenizer, "hallo", "greet"), ["faq"]) == "greet"


def test_sets_intent_and_response_selector_like_rasa(trained, tokenizer):
    component, _, _ = trained
    message = make_message(tokenizer, "welche papiere brauche ich")
    component.process([message])
    assert message.get("intent")["name"] == "faq"
    names = [r["name"] for r in message.get("intent_ranking")]
    assert set(names) == {"faq", "greet"}
    assert abs(sum(r["confidence"] for r in message.get("intent_ranking")) - 1.0) < 1e-6
    selected = message.get("response_selector")["faq"]
    assert selected["response"]["intent_response_key"] == "faq/documents"
    assert selected["response"]["utter_action"] == "utter_faq/documents"
    assert selected["response"]["responses"] is None  # Rasa's NLG takes the answer from the domain
    assert abs(sum(r["confidence"] for r in selected["ranking"]) - 1.0) < 1e-6


def test_a_non_faq_intent_is_predicted_directly(trained, tokenizer):
    component, _, _ = trained
    message = make_message(tokenizer, "hallo guten morgen")
    component.process([message])
    assert message.get("intent")["name"] == "greet"


def test_an_unclear_faq_answer_becomes_fallback(trained, tokenizer):
    component, _, _ = trained
    component.config["answer_threshold"] = 1.01  # no answer can be this sure
    message = make_message(tokenizer, "welche papiere brauche ich")
    component.process([message])
    assert message.get("intent")["name"] == FALLBACK


def test_persisted_model_predicts_the_same(trained, tokenizer, storage):
    component, resource, context = trained
    loaded = LinearIntentClassifier.load(component.config, storage, resource, context)
    first, second = make_message(tokenizer, "wer bezahlt das ticket"), make_message(tokenizer, "wer bezahlt das ticket")
    component.process([first])
    loaded.process([second])
    trained_answers, loaded_answers = (m.get("response_selector")["faq"]["ranking"] for m in (first, second))
    assert [a["intent_response_key"] for a in trained_answers] == [a["intent_response_key"] for a in loaded_answers]
    assert [a["confidence"] for a in loaded_answers] == pytest.approx([a["confidence"] for a in trained_answers],
                                                                    abs=1e-5)


def test_persisted_model_gives_the_trained_probabilities_in_single_precision(trained, tokenizer, storage):
    component, resource, context = trained
    loaded = LinearIntentClassifier.load(component.config, storage, resource, context)
    assert loaded.model.named_steps["clf"].coef_.dtype == np.float32
    # and the features reach it in float32 too: float64 features made scipy convert the whole coefficient
    # matrix to float64 for every message (~9 ms of a ~12 ms parse)
    features = loaded.model[:-1].transform(loaded.inputs([make_message(tokenizer, "wer bezahlt das ticket")]))
    assert features.dtype == np.float32
    messages = [make_message(tokenizer, text) for text in ("wer bezahlt das ticket", "hallo", "pass ???", "")]
    for trained_p, loaded_p in zip(component.answer_probabilities(messages), loaded.answer_probabilities(messages)):
        assert loaded_p.keys() == trained_p.keys()
        assert max(abs(loaded_p[k] - trained_p[k]) for k in trained_p) < 1e-5
        assert max(loaded_p, key=loaded_p.get) == max(trained_p, key=trained_p.get)


def test_persisted_model_holds_no_pickle_and_loads_with_pickle_forbidden(trained, storage, monkeypatch):
    component, resource, context = trained
    with storage.read_from(resource) as directory:
        files = sorted(p.name for p in directory.iterdir())
        assert files == ["linear.json", "linear.npz"]
        for path in directory.iterdir():
            assert not is_pickle(path.read_bytes()), path.name

    def forbidden(*args, **kwargs):
        raise AssertionError("pickle used while loading the classifier")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    loaded = LinearIntentClassifier.load(component.config, storage, resource, context)
    assert loaded.model is not None


def test_an_object_array_in_the_model_files_is_refused(trained, storage, tmp_path):
    component, resource, context = trained
    with storage.read_from(resource) as directory:
        target = tmp_path / "crafted"
        target.mkdir()
        (target / "linear.json").write_bytes((directory / "linear.json").read_bytes())
        with np.load(directory / "linear.npz") as stored:
            arrays = {key: stored[key] for key in stored.files}
    arrays["coef"] = np.array([object()], dtype=object)  # would need pickle to load
    np.savez(target / "linear.npz", **arrays)
    with pytest.raises(ValueError, match="pickle"):
        load_pipeline(target, {"words": _lemmas, "characters": _characters})


def test_a_model_from_the_pickle_era_is_not_loaded(tmp_path):
    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"model": None}))
    with pytest.raises(RuntimeError, match="retrain"):
        load_pipeline(tmp_path, {})


def test_untrained_component_leaves_messages_alone(tokenizer, storage):
    component = LinearIntentClassifier.create({}, storage, Resource("empty"), ExecutionContext(GraphSchema({}), "t"))
    message = make_message(tokenizer, "hallo")
    component.process([message])
    assert message.get("intent") is None


def test_character_input_unifies_arabic_and_persian_letters():
    assert normalised_text(Message(data={"text": "كيف  Kosten"})) == "کیف kosten"
