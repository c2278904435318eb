"""Which language a person writes in, and which language the assistant should answer in.

Detection is deliberately cautious: a message like "ok", "5" or an emoji says nothing about the
language, so it returns None and the conversation keeps its language. Writing systems decide first
(Cyrillic means Russian when Russian is the only Cyrillic language offered); within one writing system
(German/English/Turkish, Arabic/Farsi) the lingua detector decides, and only when it is confident.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, Iterable, List, Mapping, Optional, Set, Tuple

from lingua import IsoCode639_1, LanguageDetectorBuilder

from wegweiser.content import Language, default_language, load_languages, read_yaml
from wegweiser.paths import content_dir

# Unicode character names start with the script's name; map those prefixes to ISO 15924 codes.
_SCRIPT_PREFIXES = {"LATIN": "Latn", "ARABIC": "Arab", "CYRILLIC": "Cyrl", "GEORGIAN": "Geor",
                    "ARMENIAN": "Armn", "GREEK": "Grek", "HEBREW": "Hebr", "DEVANAGARI": "Deva"}
_WORD = re.compile(r"\w+", re.UNICODE)

#: a single word in a shared script must be at least this long to count as evidence
MIN_LETTERS = 3
#: lingua's relative confidence needed to accept a language within one script
MIN_CONFIDENCE = 0.6
#: how much of a very long message the language detector reads (the action server's turn, and Rasa's output)
DETECT_CHARS = 500
#: the key of Rasa's parse result that carries the detection of the message's first DETECT_CHARS characters
#: (components/tokenizer.py sets it; wegweiser/dialogue/turn.py reads it, so that the action server
#: needs no language detector of its own: issue 21, item 6)
DETECTION_KEY = "language_detection"


def script_of(char: str) -> Optional[str]:
    if not char.isalpha():
        return None
    prefix = unicodedata.name(char, "").split(" ", 1)[0]
    return _SCRIPT_PREFIXES.get(prefix, prefix or None)  # other scripts by their Unicode name ("ETHIOPIC")


def dominant_script(text: str) -> Tuple[Optional[str], int]:
    """The writing system of `text`'s own language, and how many letters use it.

    People writing Russian or Arabic often quote German terms in Latin letters ("Что такое
    Grenzübertrittsbescheinigung?"), so a non-Latin script with a few letters outweighs Latin ones.
    """
    counts = Counter(filter(None, (script_of(c) for c in text)))
    if not counts:
        return None, 0
    others = [(n, s) for s, n in counts.items() if s != "Latn" and n >= MIN_LETTERS]
    if others:
        count, script = max(others)
        return script, count
    script, count = counts.most_common(1)[0]
    return script, count


@lru_cache(maxsize=None)
def _lingua(codes: FrozenSet[str]):  # type: ignore[no-untyped-def]
    isos = [getattr(IsoCode639_1, code.upper()) for code in sorted(codes)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).with_preloaded_language_models().build()


def prepare(languages: Iterable[Language] | None = None) -> None:
    """Builds lingua's detector for each script that several offered languages share (Latin, Arabic,
    Cyrillic) now, instead of on the first message in that script: building one takes 0.5-1.5 s of CPU,
    which the first person writing in that script after a restart used to wait for (issue 19). Rasa's
    tokenizer calls this when the model is loaded."""
    offered = tuple(languages or load_languages())
    by_script: Dict[str, Set[str]] = {}
    for language in offered:
        by_script.setdefault(language.script, set()).add(language.code)
    for codes in by_script.values():
        if len(codes) > 1:
            _lingua(frozenset(codes))
    _telling_words()  # and the word lists every message is checked against
    _romanised_words(frozenset(language.code for language in offered if language.script != "Latn"))


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float


@lru_cache(maxsize=None)
def _telling_words() -> Tuple[int, Dict[str, FrozenSet[str]]]:
    """content/telling_words.yml: word -> the languages it is listed under."""
    data = read_yaml(content_dir() / "telling_words.yml")
    index: Dict[str, set] = {}
    for code, words in (data.get("words") or {}).items():
        for word in words or []:
            index.setdefault(unicodedata.normalize("NFC", str(word).lower()), set()).add(code)
    return int(data.get("max_words", 3)), {w: frozenset(c) for w, c in index.items()}


def telling_language(text: str, candidates: Iterable[str]) -> Optional[str]:
    """For a message of a few words: the candidate language most of its telling words belong to."""
    max_words, index = _telling_words()
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text.lower())) if not w.isdigit()]
    if not words or len(words) > max_words:
        return None
    allowed = set(candidates)
    votes = Counter(code for word in words for code in index.get(word, frozenset()) & allowed
                    if len(index[word] & allowed) == 1)
    ranked = votes.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None  # no telling word, or as many for two languages
    code, count = ranked[0]
    against = _romanised_words(frozenset(allowed)).against.get(code, frozenset())
    if sum(_plain(word) in against for word in words) >= count:
        return None  # "kako da popunim zahtev": Serbian/Croatian, not Macedonian
    return code


@dataclass(frozen=True)
class _Romanised:
    words: Dict[str, FrozenSet[str]]  # folded word -> the romanised languages it is a word of
    endings: Dict[str, Tuple[str, ...]]
    against: Dict[str, FrozenSet[str]]


def _plain(word: str) -> str:
    """A word without diacritics, as people type Macedonian or Serbian without č š ž ("možam" -> "mozam")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def _romanised_words(codes: FrozenSet[str]) -> _Romanised:
    """content/telling_words.yml `romanised`, with the telling words in Latin letters of `codes` added."""
    data = read_yaml(content_dir() / "telling_words.yml")
    section = data.get("romanised") or {}
    index: Dict[str, set] = {}
    for code, words in list((section.get("words") or {}).items()) + list((data.get("words") or {}).items()):
        if code not in codes:
            continue
        for word in words or []:
            word = unicodedata.normalize("NFC", str(word).lower())
            if dominant_script(word)[0] == "Latn":
                index.setdefault(_plain(word), set()).add(code)
    endings = {code: tuple(str(e) for e in words or []) for code, words in (section.get("endings") or {}).items()}
    against = {code: frozenset(_plain(str(w).lower()) for w in words or [])
               for code, words in (section.get("against") or {}).items()}
    return _Romanised({w: frozenset(c) for w, c in index.items()}, endings, against)


#: at least one word in this many must be the language's own (measured on tests/wegweiser/nlu/latin_letter_messages.yml)
ROMANISED_SHARE = 4
#: a word must be this long for its ending alone to count ("dabruneba", "dokumentebi", "germaniashi")
MIN_ENDING_WORD = 6


def romanised_language(text: str, languages: Iterable[Language]) -> Optional[str]:
    """For a longer message in Latin letters: a language of another script typed in Latin letters
    ("minda saqartveloshi dabruneba, ramdeni puli", "kolku pari dobivam za patot"), when at least two of
    its words, a quarter of the message or more, are its words (content/telling_words.yml: the telling words,
    `romanised` words and endings), no other such language has as many, and no more words speak against it
    (Serbian/Croatian words against Macedonian). A word another language offered lists as its telling word
    ("hola", "para") does not count."""
    _, telling = _telling_words()
    offered = list(languages)
    romanised = frozenset(lang.code for lang in offered if lang.script != "Latn")
    lexicon = _romanised_words(romanised)
    words = [w for w in _WORD.findall(unicodedata.normalize("NFC", text.lower())) if not w.isdigit()]
    votes: Counter = Counter()
    against: Counter = Counter()
    for word in words:
        plain = _plain(word)
        if telling.get(word, frozenset()) - romanised:
            continue  # a telling word of a Latin-script language
        owners = lexicon.words.get(plain, frozenset())
        if not owners and len(plain) >= MIN_ENDING_WORD:
            owners = frozenset(code for code, endings in lexicon.endings.items()
                               if code in romanised and plain.endswith(endings))
        if len(owners) == 1:
            votes[next(iter(owners))] += 1
        for code, others in lexicon.against.items():
            if plain in others:
                against[code] += 1
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < 2 or ranked[0][1] * ROMANISED_SHARE < len(words):
        return None
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    code, count = ranked[0]
    if against[code] >= count:
        return None
    return code


def detect(text: str, languages: Iterable[Language] | None = None) -> Optional[Detection]:
    """The language of `text` when the text carries enough evidence, else None."""
    if not text or text.lstrip().startswith("/"):
        return None  # empty, or a button payload / command
    offered = tuple(languages or load_languages())
    script, letters = dominant_script(text)
    candidates = [lang.code for lang in offered if lang.script == script]
    if not candidates:
        return None
    told = telling_language(text, [lang.code for lang in offered])
    if told:  # "hi", "privet", "salam khubi": a few words that belong to one language
        return Detection(told, 1.0)
    if script == "Latn":
        romanised = romanised_language(text, offered)
        if romanised:
            return Detection(romanised, 1.0)
    if len(candidates) == 1:
        return Detection(candidates[0], 1.0)
    text = "".join(c if script_of(c) in (script, None) else " " for c in text)  # only that script's words
    marked = [lang.code for lang in offered if lang.code in candidates and lang.letters
              and any(c in lang.letters for c in text.lower())]
    if len(marked) == 1:  # letters only one candidate language uses
        return Detection(marked[0], 1.0)
    words = [w for w in _WORD.findall(text) if any(c.isalpha() for c in w)]
    if letters < MIN_LETTERS or not any(len(w) >= MIN_LETTERS for w in words):
        # "Да", "Не": too short to weigh; the one language of the script that needs no letters of its own
        plain = [lang.code for lang in offered if lang.code in candidates and not lang.unmarked_confidence]
        return Detection(plain[0], 1.0) if len(plain) == 1 else None
    values = _lingua(frozenset(candidates)).compute_language_confidence_values(text)
    kept = _without_unmarked(
        [(value.language.iso_code_639_1.name.lower(), float(value.value)) for value in values],
        {lang.code: lang.unmarked_confidence for lang in offered}, set(marked))
    total = sum(value for _, value in kept)
    if not kept or total <= 0:
        return None
    code, value = kept[0]
    if value / total < MIN_CONFIDENCE:
        return None
    return Detection(code, value / total)


def detection_output(detection: Optional[Detection], text: str = "") -> Dict[str, object]:
    """A detection as Rasa's parse result carries it (DETECTION_KEY): no language when there is no evidence,
    and then `guess`, script_guess(text), what a new conversation starts with (resolve)."""
    if detection is None:
        return {"language": None, "confidence": 0.0, "guess": script_guess(text) if text else None}
    return {"language": detection.language, "confidence": detection.confidence}


def guess_in(parse: Mapping[str, object], text: str) -> Optional[str]:
    """script_guess(text) as Rasa's parse result carries it (detection_output), else worked out here."""
    found = parse.get(DETECTION_KEY)
    if isinstance(found, Mapping) and "guess" in found:
        guess = found.get("guess")
        return str(guess) if guess else None
    return script_guess(text)


def detection_in(parse: Mapping[str, object], codes: Iterable[str]) -> Tuple[bool, Optional[Detection]]:
    """(whether Rasa's parse result carries a detection, that detection or None for "no evidence")."""
    found = parse.get(DETECTION_KEY)
    if not isinstance(found, Mapping) or "language" not in found:
        return False, None
    code = found.get("language")
    if not code or code not in set(codes):
        return True, None
    return True, Detection(str(code), float(found.get("confidence") or 0.0))


def _without_unmarked(values: List[Tuple[str, float]], needed: Mapping[str, float],
                      marked: Set[str]) -> List[Tuple[str, float]]:
    """lingua's (language, confidence) list without the languages that lack their own letters in the text
    and fall short of the confidence they need then (languages.yml `unmarked_confidence`): "здравствуй"
    is Russian rather than Macedonian without ѓ ќ ѕ ј љ њ џ, unaccented romanised Persian is not
    Albanian. The others keep their shares, so among the languages offered before the new ones the
    decision is the one taken before (a share of the remaining confidence)."""
    return [(code, value) for code, value in values
            if code in marked or not needed.get(code) or value >= needed[code]]


def requested_language(text: str, languages: Iterable[Language] | None = None) -> Optional[str]:
    """The language a person asks for by name ("English please", "بالعربية"), if exactly one is named."""
    lowered = text.lower().replace("\u0307", "")  # Turkish "İ" lowers to "i" + a combining dot
    words = set(_WORD.findall(lowered))
    found = set()
    for language in languages or load_languages():
        for name in language.names:
            if (" " in name or "-" in name) and name in lowered:
                found.add(language.code)
            elif name in words:
                found.add(language.code)
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class LanguageState:
    language: str
    locked: bool


def resolve(
    current: Optional[str],
    locked: bool,
    *,
    explicit: Optional[str] = None,
    detected: Optional[Detection] = None,
    hint: Optional[str] = None,
    text: str = "",
    guess: Optional[Callable[[str], Optional[str]]] = None,
) -> LanguageState:
    """Decides the answer language for this turn.

    An explicit choice wins and sticks. Otherwise the detected language is used; switching away from
    the current language within the same writing system needs at least two words, so a stray "hallo"
    in an English conversation does not flip it. Without evidence the current language stays; a new
    conversation starts with Telegram's hint, then the configured default.
    """
    if explicit:
        return LanguageState(explicit, True)
    if locked and current:
        return LanguageState(current, True)
    if detected and detected.language != current:
        if current is None or _switch_is_clear(current, detected.language, text):
            return LanguageState(detected.language, False)
    if current:
        return LanguageState(current, False)
    return LanguageState(hint or (guess or script_guess)(text) or default_language(), False)


def script_guess(text: str) -> Optional[str]:
    """For a new conversation with nothing else to go by: a script shared by several offered languages
    (Arabic and Farsi) gets the likelier of them rather than the default language of another script; the
    first answer offers every language anyway."""
    script, _ = dominant_script(text)
    if script is None or script == "Latn":
        return None  # Latin letters that tell nothing: the default language
    candidates = frozenset(lang.code for lang in load_languages() if lang.script == script)
    if len(candidates) == 1:
        return next(iter(candidates))
    guess = _lingua(candidates).detect_language_of(text) if candidates else None
    return guess.iso_code_639_1.name.lower() if guess else None


def _switch_is_clear(current: str, new: str, text: str) -> bool:
    scripts: Dict[str, str] = {lang.code: lang.script for lang in load_languages()}
    if scripts.get(current) != scripts.get(new):
        return True
    return len([w for w in _WORD.findall(text) if len(w) >= 2 and not w.isdigit()]) >= 2


def best_guess(text: str) -> Optional[str]:
    """The cautious detection, else lingua's best guess among all offered languages (for labelling data)."""
    detection = detect(text)
    if detection:
        return detection.language
    offered = load_languages()
    values = _lingua(frozenset(lang.code for lang in offered)).compute_language_confidence_values(text)
    marked = {lang.code for lang in offered if lang.letters and any(c in lang.letters for c in text.lower())}
    kept = _without_unmarked([(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values],
                             {lang.code: lang.unmarked_confidence for lang in offered}, marked)
    return kept[0][0] if kept else None
