"""Messages in a language the assistant does not speak (issue 21, item 4).

A first message in Ukrainian, Pashto, Kurdish or Tigrinya must not get an answer to another question in
German: it gets, in its own language where content/other_languages.yml has a text and in English
otherwise, the languages the assistant speaks and the offer of a counsellor (with an interpreter).

The evidence, strongest first: letters only a language the detector cannot otherwise name uses (Pashto,
Sorani, Urdu), a writing system none of the offered languages uses (Ethiopic, Armenian, ...), words of
Kurmanji Kurdish; then lingua over the offered languages and the languages named in the content file, in
its low-accuracy mode (trigrams only: about 50 MB instead of 700 MB for 30 languages), only for messages of
a few words and only when it is confident. A message with telling words of an offered language
(content/telling_words.yml) is never foreign.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple

from wegweiser.content import Language, load_languages, read_yaml
from wegweiser.nlu.language import dominant_script, romanised_language, script_of, telling_language
from wegweiser.paths import content_dir

#: the code for "a language nobody can name" (a script no offered language uses, unknown to lingua)
UNKNOWN = "und"
#: lingua's relative confidence needed to call a message foreign
MIN_CONFIDENCE = 0.95
#: the high-accuracy detector's confidence that confirms the guess (against the offered languages)
CONFIRM_CONFIDENCE = 0.9
#: a message needs this many words of three letters or more before lingua is asked
MIN_WORDS = 3
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=None)
def load_other_languages() -> Mapping[str, object]:
    return read_yaml(content_dir() / "other_languages.yml")


def _offered_codes(languages: Tuple[Language, ...]) -> FrozenSet[str]:
    return frozenset(language.code for language in languages)


@lru_cache(maxsize=None)
def _wide_lingua(codes: FrozenSet[str]):  # type: ignore[no-untyped-def]
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, code.upper()) for code in sorted(codes) if hasattr(IsoCode639_1, code.upper())]
    return (LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_low_accuracy_mode()
            .with_preloaded_language_models().build())


def prepare(languages: Tuple[Language, ...] | None = None) -> None:
    """Builds the wide detector now rather than on the first message of a few words (~1 s of CPU)."""
    _wide_lingua(lingua_codes(_offered_codes(tuple(languages or load_languages()))))


def lingua_codes(offered: FrozenSet[str]) -> FrozenSet[str]:
    """The languages the wide detector chooses among: the offered ones and the ones named in the file."""
    data = load_other_languages()
    named = frozenset(data.get("texts") or {}) | frozenset(data.get("also_detected") or [])
    return offered | (named - frozenset(data.get("letters_only") or []))


def _by_letters(text: str, words: int) -> Optional[str]:
    """The language whose own letters the text has: twice at least, unless the message is a word or two
    (a Ukrainian place name in a Russian sentence, "в Київ", is one letter)."""
    found = Counter(code for char in text for code, letters in (load_other_languages().get("letters") or {}).items()
                    if char in letters)
    if not found:
        return None
    code, count = found.most_common(1)[0]
    return code if count >= 2 or words <= 2 else None


@lru_cache(maxsize=None)
def _word_index() -> Dict[str, str]:
    return {unicodedata.normalize("NFC", str(word).lower()): code
            for code, words in (load_other_languages().get("words") or {}).items() for word in words}


def _by_words(words: List[str]) -> Optional[str]:
    """Kurmanji and the like: at least two of its own words, making up a third of the message or more."""
    votes = Counter(code for code in map(_word_index().get, words) if code)
    if not votes:
        return None
    code, count = votes.most_common(1)[0]
    return code if count >= 2 and count * 3 >= len(words) else None


def foreign_language(text: str, languages: Tuple[Language, ...] | None = None) -> Optional[str]:
    """The language of `text` when it is clearly one the assistant does not speak ("uk", "ps", or
    UNKNOWN for a writing system nobody offered uses), else None."""
    if not text or text.lstrip().startswith("/"):
        return None
    offered = tuple(languages or load_languages())
    codes = _offered_codes(offered)
    lowered = unicodedata.normalize("NFC", text.lower())
    words = [w for w in _WORD.findall(lowered) if not w.isdigit()]
    script, letters = dominant_script(text)
    if script is None:
        return None
    own = "".join(c for c in lowered if c.isalpha())
    by_letters = _by_letters(own, len(words))
    if by_letters and by_letters not in codes:
        return by_letters
    if script not in {language.script for language in offered}:
        if letters < 2:
            return None
        return _lingua_guess(text, codes, 0.0) or UNKNOWN
    by_words = _by_words(words)
    if by_words and by_words not in codes:
        return by_words
    if telling_language(text, codes) or romanised_language(text, offered):
        return None  # "hola", "faleminderit", "hochu pogovorit s chelovekom": words of an offered language
    if sum(1 for w in words if len(w) >= 3) < MIN_WORDS:
        return None
    own_script = "".join(c if script_of(c) in (script, None) else " " for c in text)  # as language.detect
    guess = _lingua_guess(own_script, codes, MIN_CONFIDENCE)
    if guess is None or guess in codes:
        return None
    needed = (load_other_languages().get("needs_letters") or {}).get(guess)
    if needed and not any(c in needed for c in own):
        return None
    same_script = frozenset(language.code for language in offered if language.script == script)
    return guess if _confirmed(own_script, guess, same_script) else None


@lru_cache(maxsize=None)
def _precise_lingua(codes: FrozenSet[str]):  # type: ignore[no-untyped-def]
    """lingua in its high-accuracy mode, its models loaded on first use (lingua shares them between
    detectors, so only the foreign language's models are new)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_iso_codes_639_1(*[getattr(IsoCode639_1, c.upper()) for c in sorted(codes)]).build()


def _confirmed(text: str, guess: str, same_script: FrozenSet[str]) -> bool:
    """The trigram guess checked by lingua's high-accuracy mode against the offered languages of the
    script: English with a French word ("how do I get a laissez-passer") stays English."""
    values = _precise_lingua(same_script | {guess}).compute_language_confidence_values(text)
    return bool(values) and values[0].language.iso_code_639_1.name.lower() == guess and \
        values[0].value >= CONFIRM_CONFIDENCE


def _lingua_guess(text: str, offered: FrozenSet[str], min_confidence: float) -> Optional[str]:
    values = _wide_lingua(lingua_codes(offered)).compute_language_confidence_values(text)
    if not values or values[0].value < min_confidence or values[0].value <= 0:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def answer(code: Optional[str]) -> Tuple[str, str]:
    """The text and the counsellor button's title for a message in `code`, with {placeholders} left in."""
    data = load_other_languages()
    texts = data["texts"]
    entry = texts.get(code or "") or texts[data["fallback"]]
    return entry["text"], entry["button"]


def reply(code: Optional[str]) -> Tuple[str, List[Dict[str, str]]]:
    """The filled-in answer for a message in `code`, and its buttons: a counsellor, then each language."""
    from wegweiser.content import load_safety

    text, button = answer(code)
    offered = load_languages()
    values = {"languages": ", ".join(language.native for language in offered),
              "emergency_number": str(load_safety()["numbers"]["emergency_number"])}
    buttons = [{"title": button, "payload": "/request_human"}] + [
        {"title": language.native, "payload": f'/choose_language{{"language":"{language.code}"}}'}
        for language in offered]
    return text.format_map(values), buttons
