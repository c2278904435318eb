"""The crisis safety net's word lists (content/safety.yml) as matchers, without Rasa: the NLU guard
(components/overrides.py) classifies a crisis with them, and the action server uses them to add the
violence helpline to the crisis answer where violence is mentioned."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Optional, Sequence

from wegweiser.content import load_safety
from wegweiser.nlu.words import normalise_arabic_script

#: Arabic writes "and" and "so" joined to the next word ("وما عم يصحى", "فبدي اموت"): a term also matches after them.
ARABIC_CONJUNCTION = r"(?:و|ف)?"


def _normalise(text: str) -> str:
    lowered = text.lower().replace("\u0307", "")  # Turkish "İ" lowers to "i" + combining dot
    return " " + re.sub(r"\s+", " ", normalise_arabic_script(lowered)) + " "


def _alternatives(terms: List[str], prefix: str = "") -> Optional["re.Pattern[str]"]:
    """One pattern for whole words or phrases (longest first), each allowed after `prefix`."""
    normalised = sorted({_normalise(t).strip() for t in terms if t and str(t).strip()}, key=lambda t: (-len(t), t))
    if not normalised:
        return None
    return re.compile(r"(?<!\w)" + prefix + r"(" + "|".join(re.escape(t) for t in normalised) + r")", re.UNICODE)


#: "in Germany" may be written before or after "I don't want to live": this many words each side are looked at.
PLACE_WINDOW = 5
#: Arabic joins prepositions to a place ("بألمانيا", "بالكامب"): a place also matches after them.
ARABIC_PREPOSITIONS = r"(?:[وفبل]{1,2})?"


class CrisisTerms:
    """Matches crisis terms as whole words or phrases, in any script.

    Life terms ("I don't want to live any more") are a crisis too, unless a place is named within
    PLACE_WINDOW words ("... in Germany", "here"): then they are about where to live, not whether to."""

    def __init__(self, terms: List[str], life_terms: Sequence[str] = (), places: Sequence[str] = ()) -> None:
        self._pattern = _alternatives(terms, ARABIC_CONJUNCTION)
        self._life = _alternatives(list(life_terms), ARABIC_CONJUNCTION)
        self._places = _alternatives(list(places), ARABIC_PREPOSITIONS)

    @classmethod
    def from_content(cls) -> "CrisisTerms":
        safety = load_safety()

        def every_language(key: str) -> List[str]:
            return [term for terms in (safety.get(key) or {}).values() for term in terms]

        return cls(every_language("crisis_terms"), every_language("life_terms"), every_language("places"))

    def match(self, text: str) -> Optional[str]:
        if not text:
            return None
        normalised = _normalise(text)
        found = self._pattern.search(normalised) if self._pattern else None
        if found:
            return found.group(1)
        for life in self._life.finditer(normalised) if self._life else ():
            if not self._place_near(normalised[:life.start()], normalised[life.end():]):
                return life.group(1)
        return None

    def _place_near(self, before: str, after: str) -> bool:
        if self._places is None:
            return False
        window = " " + " ".join(before.split()[-PLACE_WINDOW:]) + " " + " ".join(after.split()[:PLACE_WINDOW]) + " "
        return bool(self._places.search(window))


@lru_cache(maxsize=None)
def violence_terms() -> CrisisTerms:
    """Terms that name violence against the person (content/safety.yml `violence_terms`)."""
    safety = load_safety()
    return CrisisTerms([t for terms in (safety.get("violence_terms") or {}).values() for t in terms])


def mentions_violence(text: str) -> bool:
    return bool(text) and violence_terms().match(text) is not None
