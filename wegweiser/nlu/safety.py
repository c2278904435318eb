"""The crisis safety net's word lists (content/safety.yml) as matchers, without Rasa: the NLU guard
(components/overrides.py) classifies a crisis with them, and the action server uses them to add the
violence helpline to the crisis answer where violence is mentioned."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import List, Optional, Sequence

from wegweiser.content import load_safety
from wegweiser.nlu.words import normalise_arabic_script

#: Arabic writes "and" and "so" joined to the next word ("وما عم يصحى", "فبدي اموت"): a term also matches after them.
ARABIC_CONJUNCTION = r"(?:و|ف)?"


#: accents of Latin letters (Turkish, German, Albanian, Spanish typed without them: "olmek", "yasamak")
LATIN_MARKS = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
#: an apostrophe inside a word is dropped: Georgian typed in Latin marks ejectives or not ("mok'vla", "mokvla"),
#: "s'merr" / "smerr", "don't" / "dont", and a typographic apostrophe is the same as a typed one
INNER_APOSTROPHE = re.compile(r"(?<=\w)['’‘`ʼ](?=\w)")
#: Persian writes the verb prefix "mi-"/"nemi-" joined, with a zero-width non-joiner or with a space
PERSIAN_PREFIX = re.compile(r"(?<!\S)(ن?می) (?=\S)")


def _normalise(text: str) -> str:
    lowered = text.lower().replace("\u0307", "").replace("ı", "i")  # Turkish "İ" lowers to "i" + combining dot
    lowered = unicodedata.normalize("NFC", LATIN_MARKS.sub("", unicodedata.normalize("NFD", lowered)))
    lowered = INNER_APOSTROPHE.sub("", lowered)
    spaced = re.sub(r"\s+", " ", normalise_arabic_script(lowered).replace("\u200c", ""))
    return " " + PERSIAN_PREFIX.sub(r"\1", spaced) + " "


def _alternatives(terms: List[str], prefix: str = "", suffix: str = "") -> Optional["re.Pattern[str]"]:
    """One pattern for whole words or phrases (longest first), each allowed after `prefix`, followed by `suffix`."""
    normalised = sorted({_normalise(t).strip() for t in terms if t and str(t).strip()}, key=lambda t: (-len(t), t))
    if not normalised:
        return None
    return re.compile(r"(?<!\w)" + prefix + r"(" + "|".join(re.escape(t) for t in normalised) + r")" + suffix,
                      re.UNICODE)


#: Georgian and Macedonian are typed in Latin letters as often as in their own script, each letter in one of a few
#: ways (ქ q/k, ხ x/kh, წ w/ts, ც c/ts, ღ gh/g; ќ kj/k, ш sh/s, ж zh/z, ч ch/c), and Macedonian Cyrillic with к for ќ
#: ("ке се убијам"): every term of these languages also matches in those spellings. Per term, the spelling with each
#: letter's first way, the one with each letter's second way and the ones that differ from these in one letter.
LATIN_SPELLINGS = {
    "ka": {"ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t", "ი": "i", "კ": "k", "ლ": "l",
           "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh j", "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p f",
           "ქ": "q k", "ღ": "gh g r", "ყ": "y q k", "შ": "sh s", "ჩ": "ch c", "ც": "c ts", "ძ": "dz z", "წ": "w ts c",
           "ჭ": "ch w tch", "ხ": "x kh", "ჯ": "j", "ჰ": "h"},
    "mk": {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ѓ": "gj g dj", "е": "e", "ѐ": "e", "è": "e", "ж": "zh z",
           "з": "z", "ѕ": "dz z", "и": "i", "ѝ": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj l", "м": "m", "н": "n",
           "њ": "nj n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ќ": "kj k c", "у": "u", "ф": "f", "х": "h",
           "ц": "c", "ч": "ch c", "џ": "dz dj", "ш": "sh s"},
}


def spellings(term: str, language: str) -> List[str]:
    """The term and its other spellings in `language` (LATIN_SPELLINGS), as they are typed."""
    letters = LATIN_SPELLINGS.get(language)
    if not letters or not any(ch in letters for ch in term.lower()):
        return [term]
    found = [term]
    if language == "mk" and ("ќ" in term or "ѓ" in term):
        found.append(term.replace("ќ", "к").replace("ѓ", "г"))
    ways = [letters.get(ch, ch).split() or [ch] for ch in term.lower()]
    for scheme in (0, 1):
        base = [w[min(scheme, len(w) - 1)] for w in ways]
        found.append("".join(base))
        for i, w in enumerate(ways):
            for other in w:
                found.append("".join(base[:i] + [other] + base[i + 1:]))
    return list(dict.fromkeys(found))


#: "the waiting is killing me": a crisis term at most this many words after (or IDIOM_AFTER before) a word of `idioms`
#: (waiting, heat, boredom, work ...) is an idiom, not a crisis
IDIOM_BEFORE, IDIOM_AFTER = 2, 2
#: "in Germany" may be written before or after "I don't want to live": this many words each side are looked at.
PLACE_WINDOW = 5
#: places of at most this many letters must be whole words
SHORT_PLACE = 2
#: Arabic joins prepositions to a place ("بألمانيا", "بالكامب"): a place also matches after them.
ARABIC_PREPOSITIONS = r"(?:[وفبل]{1,2})?"


class CrisisTerms:
    """Matches crisis terms as whole words or phrases, in any script.

    Life terms ("I don't want to live any more") are a crisis too, unless a place is named within
    PLACE_WINDOW words ("... in Germany", "here"): then they are about where to live, not whether to.
    A crisis term right after a word of `idioms` ("the waiting is killing me", "this heat kills me") is an
    idiom about that, not a crisis; any other crisis term in the message still counts."""

    def __init__(self, terms: List[str], life_terms: Sequence[str] = (), places: Sequence[str] = (),
                 idioms: Sequence[str] = ()) -> None:
        self._pattern = _alternatives(terms, ARABIC_CONJUNCTION)
        self._life = _alternatives(list(life_terms), ARABIC_CONJUNCTION)
        # a place of one or two letters (Georgian "აქ", here) is a whole word, since as a start it would match "აქვს"
        # (has), and only in its own script: its Latin spellings are other languages' words (Albanian "aq", so much)
        short = [p for p in places if len(str(p).strip()) <= SHORT_PLACE]
        self._places = _alternatives([p for p in places if p not in short], ARABIC_PREPOSITIONS)
        self._short_places = _alternatives([p for p in short if not str(p).isascii()], "", r"(?!\w)")
        self._idioms = _alternatives(list(idioms), ARABIC_PREPOSITIONS, r"(?!\w)")  # whole words: not "الحرب"

    @classmethod
    def from_content(cls) -> "CrisisTerms":
        safety = load_safety()

        def every_language(key: str) -> List[str]:
            return [spelling for language, terms in (safety.get(key) or {}).items() for term in terms
                    for spelling in spellings(str(term), language)]

        return cls(every_language("crisis_terms"), every_language("life_terms"), every_language("places"),
                   every_language("idioms"))

    def match(self, text: str) -> Optional[str]:
        if not text:
            return None
        normalised = _normalise(text)
        for found in self._pattern.finditer(normalised) if self._pattern else ():
            if not self._idiom_near(normalised[:found.start()], normalised[found.end():]):
                return found.group(1)
        for life in self._life.finditer(normalised) if self._life else ():
            if not self._place_near(normalised[:life.start()], normalised[life.end():]):
                return life.group(1)
        return None

    def _idiom_near(self, before: str, after: str) -> bool:
        if self._idioms is None:
            return False
        window = " " + " ".join(before.split()[-IDIOM_BEFORE:]) + " | " + " ".join(after.split()[:IDIOM_AFTER]) + " "
        return bool(self._idioms.search(window))

    def _place_near(self, before: str, after: str) -> bool:
        window = " " + " ".join(before.split()[-PLACE_WINDOW:]) + " " + " ".join(after.split()[:PLACE_WINDOW]) + " "
        return any(pattern.search(window) for pattern in (self._places, self._short_places) if pattern is not None)


@lru_cache(maxsize=None)
def violence_terms() -> CrisisTerms:
    """Terms that name violence against the person (content/safety.yml `violence_terms`)."""
    safety = load_safety()
    return CrisisTerms([spelling for language, terms in (safety.get("violence_terms") or {}).items() for term in terms
                        for spelling in spellings(str(term), language)])


def mentions_violence(text: str) -> bool:
    return bool(text) and violence_terms().match(text) is not None
