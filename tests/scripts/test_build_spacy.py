"""The spaCy build: lookup lemmas where asked for and available, tokenizer only otherwise."""
from __future__ import annotations

import spacy

from scripts.build_spacy import build


def test_lemmas_where_the_lookup_table_exists(tmp_path):
    assert "lemmatizer" in build("de", tmp_path)
    nlp = spacy.load(tmp_path / "de")
    assert [t.lemma_ for t in nlp("Kindern")] == ["Kind"]


def test_stems_instead_of_lemmas_leave_out_the_table(tmp_path):
    build("tr", tmp_path, lemmas=False)
    assert "lemmatizer" not in spacy.load(tmp_path / "tr").pipe_names


def test_no_table_no_lemmatizer(tmp_path):
    build("fa", tmp_path)
    assert "lemmatizer" not in spacy.load(tmp_path / "fa").pipe_names
