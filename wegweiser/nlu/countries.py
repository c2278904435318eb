"""Which country a person comes from, in any of the six languages, as ISO 3166-1 alpha-2 codes.

Country names come from libraries, not from hand-typed lists: Babel's CLDR territory names in every
language, pycountry's English names and its gettext translations. Demonyms, colloquial names, the words
for statelessness and the few linguistic facts the matcher needs (inflectional endings) are data in
content/demonyms.yml.

How a message is read:
1. Each word is folded (lower case, no diacritics, Arabic/Persian letter variants unified, Turkish ı -> i)
   and expanded into the forms it may stand for: itself, without Arabic prefixes (و ب ل ف ك ال), and without
   an inflectional ending of its script ("Грузии" -> stem of "Грузия", "Irak'tan", "Suriyeliyim",
   "türkischen", "عراقي", "افغانستانی").
2. Known names (also several words long) are found in a word trie; the longest match wins, so "Guinea-Bissau"
   is not "Guinea" and "South Sudan" is not "Sudan".
3. A word of five letters or more that matched nothing and is no ordinary word (spaCy's lemma tables,
   wegweiser/nlu/vocabulary.py) is compared with the names and demonyms of the countries in content/demonyms.yml
   (the ones people most often return to): one letter wrong in words up to six letters, two in longer ones,
   adjacent swaps counted once ("Sirien", "Marocco", "Azerbeijan", "Грузиии", "افقانستان"). Edit distance
   was chosen over difflib's ratio after measuring: the ratio read "misin", "yemek", "jeden", "almaya" as
   Egypt, Yemen and Germany.

`country_of_origin` then decides what the mentions mean: Germany is where people live and is ignored unless
it is all there is and said as a nationality; a word naming several countries ("Kongo", "Kurdish") gives
"ambiguous" with its candidates unless another mention settles it; two countries give "several".
"""
from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

import babel
import pycountry
import yaml

from wegweiser.content import language_codes
from wegweiser.nlu.vocabulary import is_known_word
from wegweiser.nlu.words import ARABIC_PREFIXES as _ARABIC_PREFIXES
from wegweiser.nlu.words import fold
from wegweiser.nlu.words import script as _script
from wegweiser.nlu.words import tokens as _tokens
from wegweiser.paths import content_dir

#: where people live: not a country of origin unless said as a nationality and alone
RESIDENCE_COUNTRY = "DE"
FUZZY_MIN_LENGTH = 5
#: a stem without its replaced ending must keep this many letters ("Грузия" -> "груз")
MIN_STEM = 4

STATELESS = "stateless"


@dataclass(frozen=True)
class CountryMention:
    codes: Tuple[str, ...]  # ISO 3166 alpha-2; several when the words name several countries ("Kongo")
    text: str  # the matched words as written
    start: int
    end: int
    how: str  # "name" | "demonym" | "misspelling" (and "stateless" internally)


@dataclass(frozen=True)
class CountryAnswer:
    status: str  # "one" | "several" | "ambiguous" | "stateless" | "none"
    codes: Tuple[str, ...]  # the code(s) found; for "ambiguous" the candidates
    mentions: Tuple[CountryMention, ...]


def _key_tokens(phrase: str) -> Tuple[str, ...]:
    """A name as the tuple of folded words the trie holds."""
    return tuple(fold(word) for word, _, _ in _tokens(phrase))


def _without_article(word: str) -> Optional[str]:
    """An Arabic word without its article ("العراق" -> "عراق"), so that "عراقي" can be found from it."""
    if _script(word) == "Arab" and word.startswith("ال") and len(word) >= 6:
        return word[2:]
    return None


@dataclass
class _Entry:
    codes: Set[str] = field(default_factory=set)
    how: str = "name"
    #: set by the ambiguous list, which overrides what the name lists say about a word
    locked: bool = False


@dataclass
class _Index:
    trie: dict
    max_words: int
    endings: Dict[str, FrozenSet[str]]  # per script
    fuzzy: Dict[Tuple[str, int], Tuple[str, ...]]  # (first letter, length) -> one-word keys
    ordinary: Dict[Optional[str], FrozenSet[str]]
    #: language -> word -> the next words that make it not a country / the only ones that make it one
    not_before: Dict[str, Dict[str, FrozenSet[str]]]
    only_before: Dict[str, Dict[str, FrozenSet[str]]]
    stateless_last: FrozenSet[str]
    not_misspellings: FrozenSet[str]


def _names_from_libraries(languages: Sequence[str]) -> Iterator[Tuple[str, str]]:
    """(code, name) from Babel's CLDR territory names, then pycountry's names and their translations.

    pycountry's translations are second: a name they give to two countries, or to another country than
    CLDR does, is a translation slip (its Persian catalogue calls Eritrea "فلسطین") and is left out.
    """
    # ISO 3166-1 countries and Kosovo; CLDR also names regions and islands no one says they come from
    # ("Sark", CQ, would turn Turkish "şarkı" into a country)
    iso_codes = {country.alpha_2 for country in pycountry.countries} | {"XK"}
    cldr: Dict[Tuple[str, ...], Set[str]] = {}
    for language in languages:
        for code, name in babel.Locale.parse(language).territories.items():
            if code not in iso_codes:
                continue
            names = [name]
            # "Myanmar (Burma)", "Congo - Kinshasa": each part is a name people use
            for part in re.split(r"\s[-–]\s|[()]", name):
                part = part.strip()
                if part and part != name and not _is_shared_base(part, language):
                    names.append(part)
            for each in names:
                cldr.setdefault(_key_tokens(each), set()).add(code)
                yield code, each
    translated: Dict[Tuple[str, ...], Set[str]] = {}
    originals: Dict[Tuple[str, ...], str] = {}
    for language in languages:
        translation = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
        for country in pycountry.countries:
            for attribute in ("name", "common_name", "official_name"):
                name = getattr(country, attribute, None)
                if not name:
                    continue
                local = translation.gettext(name)
                if "," in local:  # "Iran, Islamic Republic of" is a catalogue form, not how people write
                    continue
                key = _key_tokens(local)
                translated.setdefault(key, set()).add(country.alpha_2)
                originals[key] = local
    for key, codes in translated.items():
        if len(codes) == 1 and cldr.get(key, codes) == codes:
            yield next(iter(codes)), originals[key]


def _is_shared_base(part: str, language: str) -> bool:
    """"Kongo" in "Kongo-Kinshasa" names two countries: it comes from the ambiguous list, not from here."""
    folded = fold(part)
    owners = {code for code, name in _folded_territories(language) if name.startswith(folded)}
    return len(owners) > 1


@lru_cache(maxsize=None)
def _folded_territories(language: str) -> Tuple[Tuple[str, str], ...]:
    territories = babel.Locale.parse(language).territories.items()
    return tuple((code, fold(name)) for code, name in territories if len(code) == 2)


def _add(trie: dict, words: Tuple[str, ...], codes: Iterable[str], how: str) -> None:
    """Adds a phrase. A library name keeps "name" when a demonym list repeats it; a word from the
    ambiguous list replaces what the name lists say about it ("Kongo" is not "Kongo-Kinshasa")."""
    if not words:
        return
    node = trie
    for word in words:
        node = node.setdefault(word, {})
    entry = node.get("")
    if entry is None:
        entry = node[""] = _Entry(how="demonym" if how == "ambiguous" else how)
    if how == "ambiguous":
        entry.codes, entry.how, entry.locked = set(codes), "demonym", True
    elif not entry.locked:
        entry.codes.update(codes)


def _russian_stem(word: str, replaced: Sequence[str]) -> Optional[str]:
    for ending in sorted(replaced, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return None


@lru_cache(maxsize=1)
def _demonyms() -> dict:
    """content/demonyms.yml, parsed by libyaml when PyYAML has it: the pure-Python parser takes most of
    the index's build time."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(content_dir() / "demonyms.yml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def country_words() -> Iterator[Tuple[str, Tuple[str, ...], str]]:
    """Every (phrase, codes, how) the matcher knows, as written: library names first ("name"), then
    demonyms and colloquial names ("demonym"), words naming several countries ("ambiguous") and words for
    statelessness ("stateless", no codes). Also what a Rasa lookup table would be built from."""
    data = _demonyms()
    for code, name in _names_from_libraries(language_codes()):
        yield name, (code,), "name"
    for code, by_language in data["countries"].items():
        for words in by_language.values():
            for word in words:
                yield str(word), (code,), "demonym"
    for group in data.get("ambiguous", []):
        for words in group["words"].values():
            for word in words:
                yield str(word), tuple(group["codes"]), "ambiguous"
    for words in data.get("stateless", {}).values():
        for word in words:
            yield str(word), (), STATELESS


@lru_cache(maxsize=1)
def _index() -> _Index:
    data = _demonyms()
    trie: dict = {}
    # per script: Russian (and Macedonian) cases replace a name's last vowel ("Грузия" -> "Грузии"), Georgian
    # drops the final -ა of a name before -იდან/-ის ("მაკედონია" -> "მაკედონიიდან")
    replaced: Dict[str, List[str]] = {}
    for language, endings in (data.get("replaced_endings") or {}).items():
        for ending in endings:
            folded = fold(str(ending))
            replaced.setdefault(_script(folded), []).append(folded)

    def add(phrase: str, codes: Iterable[str], how: str) -> None:
        words = _key_tokens(str(phrase))
        _add(trie, words, codes, how)
        bare = _without_article(words[0]) if words else None
        if bare:
            _add(trie, (bare,) + words[1:], codes, how)
        if words and _script(words[-1]) in replaced:
            stem = _russian_stem(words[-1], replaced[_script(words[-1])])
            if stem:
                _add(trie, words[:-1] + ("~" + stem,), codes, how)

    common_codes: Set[str] = set()
    for phrase, codes, how in country_words():
        if how == STATELESS:
            _add(trie, _key_tokens(phrase), [], STATELESS)
            continue
        add(phrase, codes, how)
        if how != "name":
            common_codes.update(codes)

    endings: Dict[str, Set[str]] = {}
    for language, words in data.get("endings", {}).items():
        for ending in words:
            folded = fold(str(ending))
            endings.setdefault(_script(folded), set()).add(folded)

    # misspellings are looked for among the one-word names and demonyms of the common countries
    fuzzy: Dict[Tuple[str, int], List[str]] = {}
    for key, node in trie.items():
        entry = node.get("")
        if entry is None or entry.locked or not entry.codes or not entry.codes <= common_codes:
            continue
        plain = key.lstrip("~")
        if len(plain) >= FUZZY_MIN_LENGTH - 1 and (_script(plain) != "Arab" or _allowed_edits(plain)):
            fuzzy.setdefault((plain[0], len(plain)), []).append(key)

    ordinary: Dict[Optional[str], Set[str]] = {None: set()}
    for language, words in (data.get("ordinary_words") or {}).items():
        folded = {fold(str(word)) for word in words or []}
        ordinary[language] = folded
        ordinary[None] |= folded

    return _Index(
        trie=trie,
        max_words=_depth(trie),
        endings={script: frozenset(words) for script, words in endings.items()},
        fuzzy={bucket: tuple(keys) for bucket, keys in fuzzy.items()},
        ordinary={language: frozenset(words) for language, words in ordinary.items()},
        not_before=_followers(data.get("not_before") or {}),
        not_misspellings=frozenset(
            fold(str(word)) for words in (data.get("not_misspellings") or {}).values() for word in words
        ),
        only_before=_followers(data.get("only_before") or {}),
        stateless_last=frozenset(
            fold(str(word)) for words in (data.get("stateless_last_word") or {}).values() for word in words
        ),
    )


def _followers(data: dict) -> Dict[str, Dict[str, FrozenSet[str]]]:
    return {
        language: {
            fold(word): frozenset(fold(str(after)) for after in after_words) for word, after_words in rules.items()
        }
        for language, rules in data.items()
    }


def _rules_for(
    rules: Dict[str, Dict[str, FrozenSet[str]]], language: Optional[str]
) -> Dict[str, FrozenSet[str]]:
    """The rules of `language`, or of every language when it is not known."""
    if language:
        return rules.get(language, {})
    merged: Dict[str, FrozenSet[str]] = {}
    for by_word in rules.values():
        for word, followers in by_word.items():
            merged[word] = merged.get(word, frozenset()) | followers
    return merged


def _depth(trie: dict) -> int:
    return max((1 + _depth(child) for key, child in trie.items() if key), default=0)


@lru_cache(maxsize=50_000)
def _forms(word: str) -> Tuple[Tuple[str, bool], ...]:
    """The keys a folded word may stand for, each with whether an ending was removed to get it."""
    index = _index()
    bases = [word]
    if _script(word) == "Arab":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                bases.append(word[len(prefix):])
        bases.extend(bare for bare in map(_without_article, list(bases)) if bare)
    endings = index.endings.get(_script(word), frozenset())
    forms: List[Tuple[str, bool]] = []
    for base in bases:
        forms.append((base, False))
        for cut in range(len(base) - 1, max(2, len(base) - 7) - 1, -1):
            if base[cut:] in endings:
                forms.append((base[:cut], True))
                forms.append(("~" + base[:cut], True))
    return tuple(dict.fromkeys(forms))


def _edits(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or limit + 1 once it is exceeded."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(word: str) -> int:
    """One slip in a short name, two in a long one. Arabic script is denser (short vowels unwritten, one
    letter apart: "مصاري" money, "مصري" Egyptian; "الاوراق" papers, "العراق" Iraq): one slip, in a word
    of six letters or more without its article."""
    if len(word) < FUZZY_MIN_LENGTH:
        return 0
    if _script(word) == "Arab":
        return 1 if len(word) >= 6 and not word.startswith("ال") else 0
    return 1 if len(word) < 7 else 2


@lru_cache(maxsize=50_000)
def _fuzzy(word: str) -> Optional[str]:
    """The trie key of the country name a misspelt word most likely means, or None."""
    index = _index()
    best, best_distance = None, None
    for form, stripped in _forms(word):
        plain = form.lstrip("~")
        limit = _allowed_edits(plain)
        if not limit:
            continue
        candidates = (
            key
            for length in range(len(plain) - limit, len(plain) + limit + 1)
            for key in index.fuzzy.get((plain[0], length), ())
        )
        for key in candidates:
            target = key.lstrip("~")
            if key.startswith("~") != stripped or target == plain:
                continue
            distance = _edits(plain, target, limit)
            if distance <= limit and (best_distance is None or distance < best_distance):
                best, best_distance = key, distance
    return best


def _scan(text: str, language: Optional[str]) -> List[CountryMention]:
    index = _index()
    tokens = _tokens(text)
    folded = [fold(word) for word, _, _ in tokens]
    ordinary = index.ordinary.get(language, frozenset()) if language else index.ordinary[None]
    not_before = _rules_for(index.not_before, language)
    only_before = _rules_for(index.only_before, language)
    mentions: List[CountryMention] = []
    position = 0
    while position < len(tokens):
        found = _longest(index, folded, position)
        how_override = None
        if found is None:
            known = is_known_word(tokens[position][0]) or folded[position] in index.not_misspellings
            key = None if known else _fuzzy(folded[position])
            if key is not None:
                entry = index.trie[key][""]
                found = (position + 1, entry, key.lstrip("~"))
                how_override = "misspelling"
        if found is None:
            position += 1
            continue
        end, entry, first_key = found
        first = folded[position]
        next_word = folded[end] if end < len(folded) else ""
        after = text[tokens[end - 1][2]: tokens[end - 1][2] + 1]
        skip = (
            (end - position == 1 and first in ordinary and after != "'")
            or (next_word and next_word in not_before.get(first_key, ()))
            or (first_key in only_before and next_word not in only_before[first_key])
        )
        if not skip:
            start_char, end_char = tokens[position][1], tokens[end - 1][2]
            mentions.append(
                CountryMention(
                    codes=tuple(sorted(entry.codes)),
                    text=text[start_char:end_char],
                    start=start_char,
                    end=end_char,
                    how=how_override or entry.how,
                )
            )
        position = end
    if folded and folded[-1] in index.stateless_last:
        word, start_char, end_char = tokens[-1]
        mentions.append(CountryMention((), word, start_char, end_char, STATELESS))
    return mentions


def _longest(index: _Index, folded: Sequence[str], position: int) -> Optional[Tuple[int, _Entry, str]]:
    """The longest name starting at `position`: (end position, entry, key of its first word), or None."""
    best: Optional[Tuple[int, _Entry, str]] = None
    frontier: List[Tuple[dict, int, str]] = [(index.trie, position, "")]
    while frontier:
        node, at, first_key = frontier.pop()
        if at >= len(folded) or at - position >= index.max_words:
            continue
        for form, _ in _forms(folded[at]):
            child = node.get(form)
            if child is None:
                continue
            key = first_key or form.lstrip("~")
            entry = child.get("")
            if entry is not None and (best is None or at + 1 > best[0]):
                best = (at + 1, entry, key)
            frontier.append((child, at + 1, key))
    return best


def find_countries(text: str, language: Optional[str] = None) -> List[CountryMention]:
    """Every country named in `text`, as names, demonyms or misspellings, in the order written."""
    return [mention for mention in _scan(text, language) if mention.codes]


def country_of_origin(text: str, language: Optional[str] = None) -> CountryAnswer:
    """What the message says about where the person comes from; never a guess between candidates."""
    return decide(_scan(text, language))


def decide(mentions: Sequence[CountryMention]) -> CountryAnswer:
    """The answer the mentions of one message give (shared with the lookup-table baseline it is measured
    against, so that only the matching differs)."""
    countries = [mention for mention in mentions if mention.codes]
    stateless = any(mention.how == STATELESS for mention in mentions)
    origin = [mention for mention in countries if mention.codes != (RESIDENCE_COUNTRY,)]
    if not origin and not stateless:
        german = [mention for mention in countries if mention.how == "demonym"]
        origin = german  # "I am German": Germany counts only when said as a nationality
    certain: List[str] = []
    for mention in origin:
        if len(mention.codes) == 1 and mention.codes[0] not in certain:
            certain.append(mention.codes[0])
    unsettled = [
        mention for mention in origin if len(mention.codes) > 1 and not set(mention.codes) & set(certain)
    ]
    if stateless:
        return CountryAnswer(STATELESS, tuple(certain), tuple(mentions))
    if certain:
        return CountryAnswer("one" if len(certain) == 1 else "several", tuple(certain), tuple(origin))
    if unsettled:
        candidates: List[str] = []
        for mention in unsettled:
            candidates.extend(code for code in mention.codes if code not in candidates)
        return CountryAnswer("ambiguous", tuple(candidates), tuple(origin))
    return CountryAnswer("none", (), ())
