"""Measures country-of-origin recognition against what a Rasa lookup table would give.

    .venv/rasa/bin/python scripts/compare_countries.py

Both read the test table tests/data/country_mentions.yml and decide with the same rules
(`wegweiser.nlu.countries.decide`); only the matching differs:
- this project's matcher (`wegweiser.nlu.countries.country_of_origin`): folding, inflection endings, Arabic
  prefixes, longest match, misspellings;
- a lookup table as Rasa's RegexEntityExtractor uses it: the same phrases (library names, demonyms,
  ambiguous and stateless words) escaped and joined into one `\\b...\\b|\\b...\\b` pattern (as
  rasa.nlu.utils.pattern_utils._generate_lookup_regex builds it), matched case-insensitively, each match
  mapped to its codes by its exact text (an EntitySynonymMapper).
Also counts false mentions on ordinary training sentences and times the matcher. Writes
docs/measurements/countries.md.
"""
from __future__ import annotations

import re
import statistics
import time
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import yaml

from wegweiser.nlu.countries import (
    STATELESS,
    CountryAnswer,
    CountryMention,
    country_of_origin,
    country_words,
    decide,
    find_countries,
)
from wegweiser.nlu.words import fold, tokens

ROOT = Path(__file__).resolve().parent.parent

CASES = ROOT / "tests" / "data" / "country_mentions.yml"
#: written after tuning on CASES and never tuned on: the estimate for new sentences
FRESH_CASES = ROOT / "tests" / "data" / "country_mentions_fresh.yml"
#: intents of data/nlu/core.yml whose examples are ordinary sentences (greetings, yes/no, asking for a
#: person, crisis); none names a country, except the sentences listed below
ORDINARY_INTENTS = ("greet", "goodbye", "thanks", "affirm", "deny", "request_human", "crisis")
#: read by hand: these name a people or its language, a mention is right there
NAMES_A_PEOPLE = {"ممكن احجز موعد مع مترجم كردي؟"}

Case = Tuple[str, str, str]  # language, sentence, expected


def load_cases(path: Path = CASES) -> List[Case]:
    cases = []
    for language, rows in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for row in rows:
            text, expected = (part.strip() for part in row.rsplit("|", 1))
            cases.append((language, text, expected))
    return cases


def is_right(expected: str, answer: CountryAnswer) -> bool:
    """Whether an answer is the labelled one: "IQ", "SY+TR", "?CD,CG", "stateless" or "none"."""
    if expected in ("none", STATELESS):
        return answer.status == expected
    if expected.startswith("?"):
        return answer.status == "ambiguous" and set(answer.codes) == set(expected[1:].split(","))
    codes = expected.split("+")
    status = "one" if len(codes) == 1 else "several"
    return answer.status == status and set(answer.codes) == set(codes)


def ordinary_sentences() -> List[str]:
    data = yaml.safe_load((ROOT / "data" / "nlu" / "core.yml").read_text(encoding="utf-8"))
    sentences = []
    for block in data["nlu"]:
        if block.get("intent") in ORDINARY_INTENTS:
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip()
                if text and text not in NAMES_A_PEOPLE:
                    sentences.append(text)
    return sentences


@lru_cache(maxsize=1)
def _lookup_table() -> Tuple["re.Pattern[str]", Dict[str, Tuple[Tuple[str, ...], str]]]:
    synonyms: Dict[str, Tuple[Tuple[str, ...], str]] = {}
    for phrase, codes, how in country_words():
        synonyms.setdefault(phrase.lower(), (codes, STATELESS if how == STATELESS else how))
    elements = [re.escape(phrase) for phrase in synonyms]
    pattern = re.compile("(\\b" + "\\b|\\b".join(elements) + "\\b)", re.IGNORECASE)
    return pattern, synonyms


def lookup_table_origin(text: str, language: str | None = None) -> CountryAnswer:
    """country_of_origin as a Rasa lookup table plus synonym mapping would find it."""
    pattern, synonyms = _lookup_table()
    mentions = []
    for match in pattern.finditer(text):
        codes, how = synonyms.get(match.group().lower(), ((), "none"))
        if how == "ambiguous":
            how = "demonym"
        mentions.append(CountryMention(tuple(sorted(codes)), match.group(), match.start(), match.end(), how))
    return decide(mentions)


SNOWBALL = {"de": "german", "en": "english", "ar": "arabic", "fa": "persian", "ru": "russian", "tr": "turkish"}


@lru_cache(maxsize=None)
def _stemmed_index(language: str) -> Tuple[Callable[[str], str], Dict[Tuple[str, ...], Tuple[Tuple[str, ...], str]]]:
    import snowballstemmer

    stemmer = snowballstemmer.stemmer(SNOWBALL[language])

    def stem(word: str) -> str:
        return fold(stemmer.stemWord(word.lower()))

    index: Dict[Tuple[str, ...], Tuple[Tuple[str, ...], str]] = {}
    for phrase, codes, how in country_words():
        key = tuple(stem(word) for word, _, _ in tokens(phrase))
        if key:
            index.setdefault(key, (codes, "demonym" if how == "ambiguous" else how))
    return stem, index


def snowball_origin(text: str, language: str) -> CountryAnswer:
    """country_of_origin with Snowball stems of the message's language and exact matching of stem
    sequences, longest first (no misspellings, no Arabic prefixes beyond what the stemmer removes)."""
    stem, index = _stemmed_index(language)
    words = tokens(text)
    stems = [stem(word) for word, _, _ in words]
    mentions, position = [], 0
    while position < len(words):
        for size in range(min(5, len(words) - position), 0, -1):
            found = index.get(tuple(stems[position : position + size]))
            if found:
                start, end = words[position][1], words[position + size - 1][2]
                codes, how = found
                mentions.append(CountryMention(tuple(sorted(codes)), text[start:end], start, end, how))
                position += size
                break
        else:
            position += 1
    return decide(mentions)


def accuracy(
    cases: Sequence[Case], matcher: Callable[[str, str], CountryAnswer]
) -> Dict[str, Tuple[int, int, List[Case]]]:
    """Per language: (right, total, the wrong cases)."""
    result: Dict[str, Tuple[int, int, List[Case]]] = {}
    for language, text, expected in cases:
        right, total, wrong = result.get(language, (0, 0, []))
        if is_right(expected, matcher(text, language)):
            right += 1
        else:
            wrong = wrong + [(language, text, expected)]
        result[language] = (right, total + 1, wrong)
    return result


def false_mentions(sentences: Sequence[str], finder: Callable[[str], list]) -> List[str]:
    return [text for text in sentences if finder(text)]


def timing(sentences: Sequence[str]) -> Tuple[float, float]:
    """(median, 99th percentile) of find_countries in ms per message, each message seen once after the
    index is built (the per-word caches fill as the messages come, as in the running assistant)."""
    country_of_origin("")
    times = []
    for text in sentences:
        start = time.perf_counter()
        find_countries(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def main() -> None:
    start, start_cpu = time.perf_counter(), time.process_time()
    country_of_origin("Sirien")  # builds the index and loads the vocabulary
    load, load_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    ordinary = ordinary_sentences()
    median, p99 = timing(ordinary)
    cases = load_cases()
    ours = accuracy(cases, country_of_origin)
    lookup = accuracy(cases, lookup_table_origin)
    fresh = load_cases(FRESH_CASES)
    fresh_ours = accuracy(fresh, country_of_origin)
    fresh_lookup = accuracy(fresh, lookup_table_origin)
    snowball = accuracy(cases, snowball_origin)
    fresh_snowball = accuracy(fresh, snowball_origin)
    ours_false = false_mentions(ordinary, find_countries)
    lookup_false = false_mentions(ordinary, lambda text: lookup_table_origin(text).status != "none")
    from wegweiser.nlu.language import detect

    languages = [(detect(text).language if detect(text) else "de") for text in ordinary]
    detected_false = {
        name: sum(origin(text, language).status != "none" for text, language in zip(ordinary, languages))
        for name, origin in (
            ("matcher", country_of_origin),
            ("lookup table", lookup_table_origin),
            ("Snowball stems", snowball_origin),
        )
    }
    lines = [
        f"# Country of origin: this project's matcher vs a Rasa lookup table (measured {date.today()})",
        "",
        "Produced by `.venv/rasa/bin/python scripts/compare_countries.py`. Test table:",
        f"`tests/data/country_mentions.yml` ({len(cases)} sentences: names, demonyms, inflected forms,",
        "misspellings, ambiguous, stateless, two nationalities; written before the matcher was tuned).",
        "Both decide with the same rules (`wegweiser.nlu.countries.decide`); the lookup table holds the same",
        "phrases (CLDR/pycountry names, content/demonyms.yml) matched as RegexEntityExtractor does.",
        "",
        "The matcher's first run on this table, before any tuning, was de 91.9 %, en 88.6 %, ar 94.3 %,",
        "fa 96.9 %, ru 91.2 %, tr 100 %. Then: \"Turkey\" and \"Кыргызстан\" added as colloquial names",
        "(CLDR says \"Türkiye\", \"Киргизия\"), a slip in pycountry's Persian catalogue (Eritrea =",
        "\"فلسطین\") left out, the misspelling search fixed and made stricter. The figures below are on the same table, so",
        "they flatter; new sentences will find new gaps.",
        "",
        f"`tests/data/country_mentions_fresh.yml` ({len(fresh)} sentences, other countries and phrasings)",
        "was written after the tuning and never tuned on: its columns are the honest estimate.",
        "",
        "Third: Snowball stems of the message's language (snowballstemmer, as components/tokenizer.py uses",
        "it), stem sequences matched exactly against the same phrases stemmed the same way.",
        "",
        "| language | matcher, tuning table | lookup table, tuning table | Snowball stems, tuning table "
        "| matcher, fresh table | lookup table, fresh table | Snowball stems, fresh table |",
        "|---|---|---|---|---|---|---|",
    ]
    for language in ours:
        cells = []
        for result in (ours, lookup, snowball, fresh_ours, fresh_lookup, fresh_snowball):
            right, total, _ = result[language]
            cells.append(f"{right}/{total} ({100 * right / total:.1f} %)")
        lines.append(f"| {language} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"False mentions on {len(ordinary)} ordinary sentences "
        f"(data/nlu/core.yml: {', '.join(ORDINARY_INTENTS)}):",
        f"matcher {len(ours_false)} ({100 * len(ours_false) / len(ordinary):.2f} %), "
        f"lookup table {len(lookup_false)} ({100 * len(lookup_false) / len(ordinary):.2f} %). With each",
        "sentence's language detected (wegweiser/nlu/language.py), sentences given a country or statelessness: "
        + ", ".join(f"{name} {count}" for name, count in detected_false.items())
        + " (Snowball conflates ordinary words with names: Persian \"کرد\" did, Turkish \"beni\" me -> Benin).",
        "",
        f"Speed: index built in {load:.2f} s wall, {load_cpu:.2f} s CPU (first call, with the vocabulary); "
        f"find_countries median {median:.3f} ms, "
        f"99th percentile {p99:.3f} ms per message (each of the {len(ordinary)} sentences once, on a"
        " shared 2-core machine).",
        "",
        "Wrong answers of the matcher (tuning table):",
    ]
    for language, (_, _, wrong) in ours.items():
        lines += [f"- {lang}: {text} (expected {expected})" for lang, text, expected in wrong]
    lines += ["", "Wrong answers of the matcher on the fresh table:"]
    for language, (_, _, wrong) in fresh_ours.items():
        lines += [f"- {lang}: {text} (expected {expected})" for lang, text, expected in wrong]
    lines += ["", "Wrong answers of the lookup table (tuning table):"]
    for language, (_, _, wrong) in lookup.items():
        lines += [f"- {lang}: {text} (expected {expected})" for lang, text, expected in wrong]
    if ours_false:
        lines += ["", "False mentions of the matcher:"] + [f"- {text}" for text in ours_false]
    output = ROOT / "docs" / "measurements" / "countries.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
