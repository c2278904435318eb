"""The bench's NLU comparison (bench/nlu.py): the baseline is Rasa's own default pipeline, the epochs knob,
and the two ways of counting accuracy."""
import pytest
import yaml

from bench.nlu import (DEFAULT_EPOCHS, RASA_DEFAULT_EPOCHS, accuracy_per_language, nearest_neighbour_predictions,
                       rasa_init_epochs, rasa_init_label, write_rasa_init_config)


def test_the_baseline_is_rasas_default_pipeline_with_only_the_epochs_changed(tmp_path):
    default = yaml.safe_load(write_rasa_init_config(tmp_path / "a.yml").read_text())["pipeline"]
    names = [component["name"] for component in default]
    assert names == ["WhitespaceTokenizer", "RegexFeaturizer", "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer",
                     "CountVectorsFeaturizer", "DIETClassifier", "EntitySynonymMapper", "ResponseSelector",
                     "FallbackClassifier"]
    diet = default[names.index("DIETClassifier")]
    assert diet["epochs"] == RASA_DEFAULT_EPOCHS and diet["constrain_similarities"] is True
    assert default[-1] == {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1}

    shorter = yaml.safe_load(write_rasa_init_config(tmp_path / "b.yml", epochs=7).read_text())["pipeline"]
    assert [c.get("epochs") for c in shorter] == [None] * 5 + [7, None, 7, None]
    assert [{k: v for k, v in c.items() if k != "epochs"} for c in shorter] == \
        [{k: v for k, v in c.items() if k != "epochs"} for c in default]


@pytest.mark.parametrize("value, epochs", [(None, DEFAULT_EPOCHS), ("", DEFAULT_EPOCHS), ("100", 100), (" 5 ", 5)])
def test_epochs_come_from_the_environment(value, epochs):
    assert rasa_init_epochs({} if value is None else {"RASA_INIT_EPOCHS": value}) == epochs


@pytest.mark.parametrize("value", ["0", "-3", "many", "2.5"])
def test_a_wrong_epoch_count_stops_with_what_to_write(value):
    with pytest.raises(SystemExit, match="whole number of epochs"):
        rasa_init_epochs({"RASA_INIT_EPOCHS": value})


def test_the_row_label_says_when_the_epochs_are_not_rasas_default():
    assert rasa_init_label(100) == "rasa init default pipeline"
    assert rasa_init_label(20) == "rasa init pipeline, 20 of 100 epochs"


def test_accuracy_can_count_the_answer_given_or_the_top_ranked_intent():
    predictions = [
        {"text": "a", "expected": "greet", "got": "nlu_fallback", "best": "greet", "language": "en"},
        {"text": "b", "expected": "faq/costs", "got": "faq/costs", "best": "faq/costs", "language": "en"},
        {"text": "c", "expected": "greet", "got": "greet", "best": "greet", "language": "de"},
    ]
    assert accuracy_per_language(predictions) == {"en": 50.0, "de": 100.0}
    assert accuracy_per_language(predictions, "best") == {"en": 100.0, "de": 100.0}


def test_the_nearest_neighbour_matcher_takes_the_intent_of_the_closest_example():
    examples = [("greet", "hello there"), ("greet", "good morning"), ("faq/costs", "how much does the ticket cost"),
                ("faq/costs", "what is the price of the flight")]
    got = nearest_neighbour_predictions(examples, [("faq/costs", "ticket cost?"), ("greet", "hello")])
    assert [p["got"] for p in got] == ["faq/costs", "greet"]
