"""The trained model with the crisis terms on the crisis development set of task x21
(tests/components/crisis_dev.yml: 8 crisis messages and 4 everyday look-alikes per language, written before
tuning by the one who then tuned on it, so optimistic; the independent measure is the lead's round-2 set).
Holds the result measured on 2026-12-06 (docs/measurements/crisis.md) so that a later change cannot lose it
unnoticed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from wegweiser.content import read_yaml
from wegweiser.maintenance.evaluation import predict
from wegweiser.paths import PROJECT_ROOT

MODEL = Path(os.environ.get("WEGWEISER_MODEL", PROJECT_ROOT / "models" / "wegweiser.tar.gz"))
DEV = read_yaml(PROJECT_ROOT / "tests" / "components" / "crisis_dev.yml")
#: measured after tuning (crisis messages answered as a crisis, of 80; everyday look-alikes without it, of 40).
#: 39 on x21's branch; 38 in main's final model: the Arabic training example that kept "I want to live in my
#: country again" from the crisis answer equalled a round-2 evaluation message and was removed.
CRISIS_CAUGHT, EVERYDAY_CLEAR = 72, 38


@pytest.fixture(scope="module")
def answers():
    from rasa.core.agent import Agent

    texts = [(part, t) for part in ("crisis", "not_crisis") for texts in DEV[part].values() for t in texts]
    predictions = predict(Agent.load(str(MODEL)), [("?", t) for _, t in texts])
    return [(part, p["text"], p["got"]) for (part, _), p in zip(texts, predictions)]


def test_crisis_messages_of_the_development_set_get_the_crisis_answer(answers):
    missed = [(text, got) for part, text, got in answers if part == "crisis" and got != "crisis"]
    assert 80 - len(missed) >= CRISIS_CAUGHT, missed


def test_everyday_look_alikes_of_the_development_set_do_not(answers):
    flagged = [text for part, text, got in answers if part == "not_crisis" and got == "crisis"]
    assert 40 - len(flagged) >= EVERYDAY_CLEAR, flagged
