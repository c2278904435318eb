"""spaCy's lookup lemma tables in a compact form: sorted 64-bit string hashes and lemma indices.

spacy-lookups-data's tables are Python dicts once loaded: Turkish alone has 1.3 million entries for
40,000 lemmas and took ~220 MB of server memory, German and Russian ~125 MB each. `scripts/build_spacy.py`
stores each table as two numpy arrays (the words' spaCy string hashes, sorted, and an index into the list
of distinct lemmas): the same lookups in a few MB, found by binary search.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

import numpy as np
from spacy.strings import get_string_id

ARRAYS = "lemma_lookup.npz"
LEMMAS = "lemma_lookup.txt"


class LemmaTable:
    def __init__(self, keys: np.ndarray, values: np.ndarray, lemmas: list) -> None:
        self.keys, self.values, self.lemmas = keys, values, lemmas

    @classmethod
    def from_table(cls, table: Mapping[int, str]) -> "LemmaTable":
        lemmas = sorted(set(table.values()))
        position = {lemma: i for i, lemma in enumerate(lemmas)}
        keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(table))
        values = np.fromiter((position[v] for v in table.values()), dtype=np.int32, count=len(table))
        order = np.argsort(keys)
        return cls(keys[order], values[order], lemmas)

    def save(self, folder: Path) -> None:
        np.savez(folder / ARRAYS, keys=self.keys, values=self.values)
        (folder / LEMMAS).write_text("\n".join(self.lemmas), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Optional["LemmaTable"]:
        if not (folder / ARRAYS).exists():
            return None
        arrays = np.load(folder / ARRAYS)
        lemmas = (folder / LEMMAS).read_text(encoding="utf-8").split("\n")
        return cls(arrays["keys"], arrays["values"], lemmas)

    def __len__(self) -> int:
        return len(self.keys)

    def lemma(self, word: str) -> str:
        """The word's lemma, or the word itself when the table does not know it (as spaCy's lookup)."""
        key = np.uint64(get_string_id(word))
        i = int(np.searchsorted(self.keys, key))
        if i < len(self.keys) and self.keys[i] == key:
            return self.lemmas[self.values[i]]
        return word
