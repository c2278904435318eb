"""The ordinary-word check that keeps the country matcher from reading "yemek" as Yemen."""
from __future__ import annotations

import pytest

from wegweiser.nlu.vocabulary import SPACY_DIR, is_known_word, spacy_hash


@pytest.mark.parametrize(
    "word, spacy_id",
    # values of spacy.strings.get_string_id(word) in spaCy 3.4
    [("jeden", 10703811948602165497), ("misin", 4673195468425790056)],
)
def test_hash_is_spacys(word, spacy_id):
    assert spacy_hash(word) == spacy_id


def test_hash_covers_every_tail_length():
    """MurmurHash64A reads 8 bytes at a time; words of 1-17 bytes exercise every remainder."""
    hashes = {spacy_hash("a" * length) for length in range(1, 18)}
    assert len(hashes) == 17 and all(0 <= value < 2**64 for value in hashes)


@pytest.mark.skipif(not (SPACY_DIR / "tr" / "lemma_lookup.npz").exists(), reason="spaCy pipelines not built")
@pytest.mark.parametrize("word", ["jeden", "yemek", "almaya", "Misin", "кроссовки"])
def test_ordinary_words_are_known(word):
    assert is_known_word(word)


@pytest.mark.parametrize("word", ["Sirien", "Azerbeijan", "Грузиии", "qwrtzp"])
def test_misspelt_countries_are_not(word):
    assert not is_known_word(word)
