"""Words as the parsers compare them: tokens with their place in the message, folded spellings.

Shared by wegweiser/countries.py, family.py and residence.py.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "فب", "و", "ب", "ل", "ف", "ك")
_UMLAUT_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
_LETTERS = str.maketrans({
    "ı": "i", "ß": "ss", "ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه", "ة": "ه", "ـ": "", "’": "'", "ё": "е",
})


def fold(word: str) -> str:
    """The form words are compared in: lower case, no diacritics, one spelling per Arabic-script letter,
    German umlauts written out ("Tuerkei") read as the umlaut."""
    word = word.replace("İ", "i").lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", word)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _UMLAUT_DIGRAPHS.sub(lambda match: match.group()[0], folded)


def script(word: str) -> str:
    """ISO 15924 code of the word's writing system, told by its first letter."""
    first = word[:1]
    if "\u0600" <= first <= "\u06ff":
        return "Arab"
    if "\u0400" <= first <= "\u04ff":
        return "Cyrl"
    return "Latn"


def tokens(text: str) -> List[Tuple[str, int, int]]:
    """(word, start, end) for each word; apostrophes, hyphens and ZWNJ separate words ("Irak'tan")."""
    return [(match.group(), match.start(), match.end()) for match in WORD.finditer(text)]


def without_arabic_prefixes(word: str) -> List[str]:
    """The word and what it may be without a joined conjunction, preposition or article ("وزوجتي" ->
    "زوجتي", "بالعراق" -> "عراق"); the word itself first."""
    variants = [word]
    if script(word) == "Arab":
        for prefix in ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                variants.append(word[len(prefix):])
    return variants
