"""The spaCy build: lookup lemmas where asked for and available, tokenizer only otherwise."""
from __future__ import annotations

import spacy

from components.lemmas import LemmaTable
from scripts.build_spacy import build


def test_lemmas_where_the_lookup_table_exists(tmp_path):
    assert "lookup lemmas" in build("de", tmp_path)
    table = LemmaTable.load(tmp_path / "de")
    assert table.lemma("Kindern") == "Kind"
    assert table.lemma("Wörterbuchquatschwort") == "Wörterbuchquatschwort"
    assert spacy.load(tmp_path / "de").pipe_names == []  # no dict-sized lemmatizer in the pipeline


def test_compact_table_gives_spacys_lemmas(tmp_path):
    build("ru", tmp_path)
    table = LemmaTable.load(tmp_path / "ru")
    nlp = spacy.blank("ru")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    for word in ["документы", "детей", "деньги", "билеты", "Германии", "словонеизвестно"]:
        assert table.lemma(word) == nlp(word)[0].lemma_, word


def test_stems_instead_of_lemmas_leave_out_the_table(tmp_path):
    build("tr", tmp_path, lemmas=False)
    assert LemmaTable.load(tmp_path / "tr") is None


def test_no_table_no_lemmas(tmp_path):
    build("fa", tmp_path)
    assert LemmaTable.load(tmp_path / "fa") is None


def test_a_language_spacy_lacks_gets_the_multi_language_tokenizer(tmp_path):
    assert "`xx` tokenizer" in build("ka", tmp_path, pipeline="xx")
    nlp = spacy.load(tmp_path / "ka")
    assert nlp.lang == "xx" and LemmaTable.load(tmp_path / "ka") is None
    assert [t.text for t in nlp("რამდენ ფულს მივიღებ?")] == ["რამდენ", "ფულს", "მივიღებ", "?"]


def test_every_language_has_a_spacy_pipeline_to_build():
    from wegweiser.content import load_languages

    for language in load_languages():
        spacy.blank(language.spacy_code)  # raises for a code spaCy does not have
