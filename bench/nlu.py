"""The bench's NLU comparison on the held-out set, side by side in one run: this project's pipeline,
Rasa's default `rasa init` pipeline trained on the same data, and a TF-IDF nearest-neighbour matcher.

Accuracy counts the full retrieval intent (`faq/travel_costs`), i.e. the answer a person would get.

Rasa's default trains DIET and the ResponseSelector for 100 epochs each. On the idle 2-core bench machine that
took 2 h 7 min with this data (10,400 examples, 64,000 sparse features; 2026-12-06: DIET 41-56 s per epoch, the
ResponseSelector 22-35 s; up to 2.5 times as long when the machine is shared). `RASA_INIT_EPOCHS=20 make bench` trains
both for 20 epochs instead (28 min on 2026-12-06); the table's row then says "20 of 100 epochs", so a shortened baseline is never
mistaken for Rasa's default.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Mapping, Sequence, Tuple

import yaml

from wegweiser.maintenance.evaluation import Prediction, language_of, predict, score

#: epochs of DIET and the ResponseSelector in Rasa's default pipeline, and so when RASA_INIT_EPOCHS is not set
RASA_DEFAULT_EPOCHS = 100
DEFAULT_EPOCHS = RASA_DEFAULT_EPOCHS


def rasa_init_pipeline() -> List[dict]:
    """The pipeline Rasa 3.6 gives a project made by `rasa init`: its config.yml leaves `pipeline` empty and
    Rasa completes it from its default config (rasa/engine/recipes/config_files/default_config.yml)."""
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    return DefaultV1Recipe.complete_config({"recipe": "default.v1", "language": "en"}, {"pipeline"})["pipeline"]


def rasa_init_epochs(environ: Mapping[str, str] = os.environ) -> int:
    value = environ.get("RASA_INIT_EPOCHS", "").strip()
    if not value:
        return DEFAULT_EPOCHS
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"RASA_INIT_EPOCHS={value!r}: give a whole number of epochs, e.g. 100 (Rasa's default)")
    return int(value)


def rasa_init_label(epochs: int) -> str:
    if epochs == RASA_DEFAULT_EPOCHS:
        return "rasa init default pipeline"
    return f"rasa init pipeline, {epochs} of {RASA_DEFAULT_EPOCHS} epochs"


def write_rasa_init_config(path: Path, epochs: int = RASA_DEFAULT_EPOCHS) -> Path:
    pipeline = [dict(component, epochs=epochs) if "epochs" in component else dict(component)
                for component in rasa_init_pipeline()]
    path.write_text(yaml.safe_dump({"recipe": "default.v1", "assistant_id": "rasa-init-baseline", "language": "en",
                                    "pipeline": pipeline, "policies": []}, sort_keys=False),
                    encoding="utf-8")
    return path


def model_predictions(model: Path, heldout: Sequence[Tuple[str, str]]) -> List[Prediction]:
    from rasa.core.agent import Agent

    return predict(Agent.load(str(model)), heldout)


def train_rasa_init(root: Path, tmp: Path, epochs: int = RASA_DEFAULT_EPOCHS) -> Tuple[Path, float]:
    """Trains the NLU part of the `rasa init` pipeline on data/ (with domain/ for the FAQ responses), in a
    process of its own: one that has loaded this project's components trains differently
    (components/answer_wording.py), and the baseline must get exactly what Rasa gives it."""
    config = write_rasa_init_config(tmp / "config-rasa-init.yml", epochs)
    out = tmp / "rasa-init-models"
    start = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config", str(config), "--nlu",
                    str(root / "data"), "--domain", str(root / "domain"), "--out", str(out), "--fixed-model-name",
                    "rasa-init", "--quiet"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    return out / "rasa-init.tar.gz", time.monotonic() - start


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


def accuracy_per_language(predictions: Sequence[Prediction], key: str = "got") -> Dict[str, float]:
    """Per language, the share of messages whose `key` ("got": the answer given, after the fallback threshold;
    "best": the top-ranked intent, no threshold) is the expected intent."""
    chosen = [dict(p, got=p[key]) for p in predictions]
    return {language: round(100 * s.accuracy, 1) for language, s in score(chosen).items() if language != "??"}
