"""Is a word an ordinary word of one of the languages? Answered from spaCy's lookup lemma tables.

`scripts/build_spacy.py` stores each language's table under .build/spacy/<code>/ as sorted 64-bit spaCy
string hashes (components/lemmas.py). Every word form the table knows ("jeden", "yemek", "almaya") is
vocabulary, so the country matcher does not read it as a misspelt country ("Jemen", "Yemen", "Almanya").
The hash is spaCy's (MurmurHash64A, seed 1), computed here so that this check does not import spaCy,
whose import alone takes seconds.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Tuple

import numpy as np

from wegweiser.content import language_codes
from wegweiser.paths import PROJECT_ROOT

SPACY_DIR = PROJECT_ROOT / ".build" / "spacy"
_MASK = 0xFFFFFFFFFFFFFFFF
_M = 0xC6A4A7935BD1E995


def spacy_hash(word: str) -> int:
    """spaCy's string id of `word` (murmurhash's hash64 of the UTF-8 bytes with seed 1)."""
    data = word.encode("utf-8")
    length = len(data)
    h = (1 ^ (length * _M)) & _MASK
    whole = length - length % 8
    for i in range(0, whole, 8):
        k = int.from_bytes(data[i : i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    rest = data[whole:]
    if rest:
        h ^= int.from_bytes(rest, "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


@lru_cache(maxsize=1)
def _tables(folder: Path = SPACY_DIR) -> Tuple[Tuple[np.ndarray, ...], FrozenSet[str]]:
    """The word-form hashes of each table, and all lemmas in lower case. Empty when not built."""
    forms, lemmas = [], set()
    for code in language_codes():
        path = folder / code / "lemma_lookup.npz"
        if path.exists():
            with np.load(path) as arrays:
                forms.append(arrays["keys"])
            text = (folder / code / "lemma_lookup.txt").read_text(encoding="utf-8")
            lemmas.update(text.lower().split("\n"))
    return tuple(forms), frozenset(lemmas)


@lru_cache(maxsize=100_000)
def is_known_word(word: str) -> bool:
    """True when a lemma table of any language lists `word` as a form or a lemma (in any case)."""
    forms, lemmas = _tables()
    if word.lower() in lemmas:
        return True
    for variant in {word, word.lower(), word.capitalize()}:
        key = np.uint64(spacy_hash(variant))
        for keys in forms:
            i = int(np.searchsorted(keys, key))
            if i < len(keys) and keys[i] == key:
                return True
    return False
