"""The trained model archive holds no pickle, and loads with pickle forbidden (issue 18, point 1).

A pickle runs code when it is loaded: whoever can put a model in front of Rasa would run code as its user.
"""
from __future__ import annotations

import os
import pickle
import tarfile
from pathlib import Path


from tests.model_archive import PICKLE_SUFFIXES, is_pickle
from wegweiser.paths import PROJECT_ROOT

MODEL = Path(os.environ.get("WEGWEISER_MODEL", PROJECT_ROOT / "models" / "wegweiser.tar.gz"))


def members():
    with tarfile.open(MODEL, "r:gz") as archive:
        for member in archive.getmembers():
            if member.isfile():
                yield member.name, archive.extractfile(member).read()


def test_no_file_in_the_trained_model_is_a_pickle():
    names = []
    for name, data in members():
        names.append(name)
        assert not name.endswith(PICKLE_SUFFIXES), name
        assert not is_pickle(data), f"{name} is a pickle"
    assert any(name.endswith("linear.npz") for name in names), names  # the classifier was looked at


def test_the_pickle_check_recognises_pickles_of_every_protocol_and_inside_npz(tmp_path):
    import numpy as np

    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert is_pickle(pickle.dumps({"model": [1, 2.0, "x"]}, protocol=protocol)), protocol
    np.savez(tmp_path / "objects.npz", a=np.array([{"x": 1}], dtype=object))
    np.savez(tmp_path / "numbers.npz", a=np.arange(3.0))
    assert is_pickle((tmp_path / "objects.npz").read_bytes())
    assert not is_pickle((tmp_path / "numbers.npz").read_bytes())
    assert not is_pickle(b'{"format": 1}') and not is_pickle(b"version: '3.1'\n")


def test_the_trained_model_loads_and_answers_with_pickle_forbidden(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("pickle used while loading the model")

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    from rasa.core.agent import Agent
    import asyncio

    agent = Agent.load(str(MODEL))
    parsed = asyncio.run(agent.parse_message("Wer bezahlt das Flugticket?"))
    assert parsed["intent"]["name"] == "faq"
    assert parsed["response_selector"]["faq"]["response"]["intent_response_key"].startswith("faq/")
