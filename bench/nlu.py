"""The bench's NLU comparison on the held-out set, side by side in one run: this project's pipeline,
Rasa's default `rasa init` pipeline trained on the same data, and a TF-IDF nearest-neighbour matcher.

Accuracy counts the full retrieval intent (`faq/travel_costs`), i.e. the answer a person would get.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from wegweiser.evaluation import Prediction, language_of, predict, score

#: the pipeline Rasa 3.6 uses for a project made by `rasa init` (its config.yml leaves the pipeline to
#: Rasa's defaults, rasa/shared/importers/default_config.yml)
RASA_INIT_PIPELINE = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100},
    {"name": "FallbackClassifier", "threshold": 0.3},
]


def write_rasa_init_config(path: Path) -> Path:
    path.write_text(yaml.safe_dump({"recipe": "default.v1", "assistant_id": "rasa-init-baseline", "language": "en",
                                    "pipeline": RASA_INIT_PIPELINE, "policies": []}, sort_keys=False),
                    encoding="utf-8")
    return path


def model_predictions(model: Path, heldout: Sequence[Tuple[str, str]]) -> List[Prediction]:
    from rasa.core.agent import Agent

    return predict(Agent.load(str(model)), heldout)


def train_rasa_init(root: Path, tmp: Path) -> Tuple[Path, float]:
    """Trains the NLU part of the `rasa init` pipeline on data/ (with domain/ for the FAQ responses)."""
    from rasa.model_training import train_nlu

    config = write_rasa_init_config(tmp / "config-rasa-init.yml")
    start = time.monotonic()
    model = train_nlu(str(config), str(root / "data"), str(tmp / "rasa-init-models"), domain=str(root / "domain"))
    return Path(model), time.monotonic() - start


def nearest_neighbour_predictions(examples: Sequence[Tuple[str, str]], heldout: Sequence[Tuple[str, str]]) -> List[Prediction]:
    """Each held-out message gets the intent of the most similar training example (TF-IDF over word and
    character n-grams, cosine similarity): the simplest FAQ matcher one would build without Rasa."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(TfidfVectorizer(analyzer="word", sublinear_tf=True, lowercase=True),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True))
    matcher = make_pipeline(features, KNeighborsClassifier(n_neighbors=1, metric="cosine", algorithm="brute"))
    matcher.fit([text for _, text in examples], [intent for intent, _ in examples])
    got = matcher.predict([text for _, text in heldout])
    return [{"text": text, "expected": intent, "got": str(g), "language": language_of(text)}
            for (intent, text), g in zip(heldout, got)]


def accuracy_per_language(predictions: Sequence[Prediction]) -> Dict[str, float]:
    return {language: round(100 * s.accuracy, 1) for language, s in score(predictions).items() if language != "??"}
