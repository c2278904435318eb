"""Words as the parsers compare them: tokens with their place in the message, folded spellings.

Shared by wegweiser/nlu/countries.py, family.py and residence.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "وب", "ول", "فب", "و", "ب", "ل", "ف", "ك")
_UMLAUT_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
_LETTERS = str.maketrans({
    "ı": "i", "ß": "ss", "ى": "ي", "ی": "ي", "ک": "ك", "ۀ": "ه", "ة": "ه", "ـ": "", "’": "'", "ё": "е",
})


ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
ARABIC_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
                                  "ة": "ه", "ۀ": "ه", "ؤ": "و", "ئ": "ی"})


def normalise_arabic_script(word: str) -> str:
    return ARABIC_MARKS.sub("", word).translate(ARABIC_VARIANTS)


@lru_cache(maxsize=100_000)
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


@dataclass(frozen=True)
class Phrase:
    """A phrase to look for: folded words; `open_end` lets its last word carry any ending ("Kinder*")."""

    words: Tuple[str, ...]
    open_end: bool
    category: str
    value: int = 0


@dataclass(frozen=True)
class PhraseMatch:
    category: str
    value: int
    first: int  # token positions, end exclusive
    end: int


def phrase(text: str, category: str, value: int = 0) -> Optional[Phrase]:
    """A phrase as content files write it ("mit dem Auto", "Kinder*")."""
    text = str(text)
    words = tuple(fold(word) for word, _, _ in tokens(text.rstrip("*")))
    return Phrase(words, text.endswith("*"), category, value) if words else None


def phrases_by_category(
    data: Mapping[str, Any], categories: Iterable[str], language: Optional[str]
) -> List[Phrase]:
    """Phrases of a content file laid out as {category: {language: [phrase, ...] or {phrase: value}}}, of
    one language, or of all when `language` is None."""
    found: List[Phrase] = []
    for category in categories:
        for lang, entries in (data.get(category) or {}).items():
            if language and lang != language:
                continue
            pairs = entries.items() if isinstance(entries, dict) else ((entry, 0) for entry in entries or [])
            found.extend(filter(None, (phrase(text, category, int(value)) for text, value in pairs)))
    return found


class PhraseIndex:
    """Phrases by their first word, for finding them in a message word by word."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        ordered = sorted(phrases, key=lambda each: (-len(each.words), each.open_end))
        self._exact: Dict[str, List[Phrase]] = {}
        self._open: Dict[str, List[Phrase]] = {}  # one-word phrases with an open end, by their stem
        for each in ordered:
            if len(each.words) == 1 and each.open_end:
                self._open.setdefault(each.words[0], []).append(each)
            else:
                self._exact.setdefault(each.words[0], []).append(each)

    def starting_with(self, variants: Sequence[str]) -> List[Phrase]:
        """Phrases whose first word may be one of `variants`, longest first."""
        found: List[Phrase] = []
        for variant in variants:
            found.extend(self._exact.get(variant, ()))
            for end in range(1, len(variant) + 1):
                found.extend(self._open.get(variant[:end], ()))
        return sorted(found, key=lambda each: (-len(each.words), each.open_end))

    def find(self, words: Sequence[Tuple[str, int, int]]) -> List[PhraseMatch]:
        """Non-overlapping matches from left to right, the longest phrase first at each word. Decimal
        digits of any script are matched as category "number"."""
        variants = [without_arabic_prefixes(fold(word)) for word, _, _ in words]
        matches: List[PhraseMatch] = []
        position = 0
        while position < len(words):
            if words[position][0].isdecimal():
                matches.append(PhraseMatch("number", int(words[position][0]), position, position + 1))
                position += 1
                continue
            for each in self.starting_with(variants[position]):
                size = len(each.words)
                if position + size <= len(words) and all(
                    _word_matches(variants[position + k], each.words[k], each.open_end and k == size - 1)
                    for k in range(size)
                ):
                    matches.append(PhraseMatch(each.category, each.value, position, position + size))
                    position += size
                    break
            else:
                position += 1
        return matches


def _word_matches(variants: Sequence[str], word: str, open_end: bool) -> bool:
    return any(variant == word or (open_end and variant.startswith(word)) for variant in variants)
