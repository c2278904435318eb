"""The evaluation sets written before tuning (issues 15 and 16) stay usable: big enough in every language,
kept out of training, and with patterns that can match the normalised (lower-case) answer at all.

tests/nlu/uncovered.yml      questions about return that no FAQ covers
tests/nlu/first_messages.yml very first messages of 1-3 words, labelled with their language
tests/first_answers.yml      first questions with what a right first answer must and must not contain
tests/nlu/crisis_round2.yml  crisis wordings and everyday look-alikes, all ten languages (round 2)
tests/nlu/uncovered_round2.yml  a second set of uncovered return questions, all ten languages
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Set

import pytest

from wegweiser.content import read_yaml
from wegweiser.paths import PROJECT_ROOT

LANGUAGES = ("de", "en", "ar", "fa", "ru", "tr")
MIN_UNCOVERED = 24
MIN_FIRST_MESSAGES = 55
#: the four languages of issue 21 got a smaller independent set (10 each), written before tuning
NEW_LANGUAGES = ("es", "ka", "sq", "mk")
MIN_FIRST_MESSAGES_NEW = 10
MIN_FIRST_ANSWERS = 16
STATUSES = {"recognised_refugee", "subsidiary_protection", "residence_permit", "asylum_seeker", "rejected"}

UNCOVERED = PROJECT_ROOT / "tests" / "nlu" / "uncovered.yml"
FIRST_MESSAGES = PROJECT_ROOT / "tests" / "nlu" / "first_messages.yml"
FIRST_ANSWERS = PROJECT_ROOT / "tests" / "first_answers.yml"


def _key(text: str) -> str:
    """What counts as the same message: NFKC, case and surrounding punctuation ignored."""
    return unicodedata.normalize("NFKC", text).casefold().strip(" ?!.؟،,")


def _training_messages() -> Set[str]:
    messages: Set[str] = set()
    for path in sorted((PROJECT_ROOT / "data").rglob("*.yml")):
        for block in (read_yaml(path) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    messages.add(_key(line[2:]))
    return messages


def _heldout_messages() -> Set[str]:
    messages: Set[str] = set()
    for path in sorted((PROJECT_ROOT / "tests" / "nlu" / "heldout").glob("*.yml")):
        for block in read_yaml(path).get("nlu") or []:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    messages.add(_key(line.strip()[2:]))
    return messages


@pytest.fixture(scope="module")
def uncovered() -> Dict[str, List[str]]:
    return read_yaml(UNCOVERED)["uncovered"]


@pytest.fixture(scope="module")
def first_messages() -> dict:
    return read_yaml(FIRST_MESSAGES)


@pytest.fixture(scope="module")
def first_answers() -> List[dict]:
    return read_yaml(FIRST_ANSWERS)


def test_uncovered_set_is_big_enough_in_every_language(uncovered):
    for lang in LANGUAGES:
        messages = uncovered.get(lang) or []
        assert len(set(map(_key, messages))) >= MIN_UNCOVERED, f"{lang}: {len(messages)} uncovered questions"


def test_first_messages_are_short_and_cover_every_language(first_messages):
    by_language = first_messages["first_messages"]
    for lang in LANGUAGES:
        messages = by_language.get(lang) or []
        assert len(set(map(_key, messages))) >= MIN_FIRST_MESSAGES, f"{lang}: {len(messages)} first messages"
        too_long = [m for m in messages if len(m.split()) > 4]
        assert not too_long, f"{lang}: not a short first message: {too_long}"
    for lang in NEW_LANGUAGES:
        messages = by_language.get(lang) or []
        assert len(set(map(_key, messages))) >= MIN_FIRST_MESSAGES_NEW, f"{lang}: {len(messages)} first messages"


def test_first_messages_have_one_language_each(first_messages):
    seen: Dict[str, str] = {}
    for lang, messages in first_messages["first_messages"].items():
        for message in messages:
            other = seen.setdefault(_key(message), lang)
            assert other == lang, f"{message!r} is listed under {other} and {lang}"


@pytest.mark.parametrize("name,languages", [("ambiguous_ar_fa", {"ar", "fa"}), ("ambiguous_de_en", {"de", "en"})])
def test_ambiguous_messages_are_listed_under_the_language_meant(first_messages, name, languages):
    listed = {message: lang for lang, messages in first_messages["first_messages"].items() for message in messages}
    for message in first_messages[name]:
        assert listed.get(message) in languages, f"{name}: {message!r} is not under {sorted(languages)}"


def test_evaluation_questions_are_kept_out_of_training_and_heldout(uncovered, first_answers):
    training, heldout = _training_messages(), _heldout_messages()
    questions = [m for messages in uncovered.values() for m in messages] + [e["text"] for e in first_answers]
    in_training = [q for q in questions if _key(q) in training]
    in_heldout = [q for q in questions if _key(q) in heldout]
    assert not in_training, f"evaluation questions used as training examples: {in_training}"
    assert not in_heldout, f"evaluation questions repeated in the held-out set: {in_heldout}"


def test_uncovered_and_first_answer_questions_do_not_overlap(uncovered, first_answers):
    uncovered_keys = {_key(m) for messages in uncovered.values() for m in messages}
    both = [e["id"] for e in first_answers if _key(e["text"]) in uncovered_keys]
    assert not both, f"a first-answer question is also an uncovered question: {both}"


def test_first_answer_entries_are_well_formed(first_answers):
    ids = [entry["id"] for entry in first_answers]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for entry in first_answers:
        where = entry["id"]
        assert entry["lang"] in LANGUAGES, where
        assert where.startswith(entry["lang"] + "-"), f"{where}: id does not start with its language"
        assert entry["text"].strip(), where
        assert 1 <= len(entry["must"]) <= 3, f"{where}: keep `must` to the 1-3 essential facts"
        assert entry.get("status") in STATUSES | {None}, f"{where}: unknown status {entry.get('status')}"
        country = entry.get("country")
        assert country is None or re.fullmatch(r"[A-Z]{2}", country), f"{where}: country {country!r}"
        assert entry.get("rule"), f"{where}: name the rule the answer depends on"


def test_first_answer_set_is_big_enough_in_every_language(first_answers):
    for lang in LANGUAGES:
        count = sum(1 for entry in first_answers if entry["lang"] == lang)
        assert count >= MIN_FIRST_ANSWERS, f"{lang}: {count} first questions"


def test_first_answer_patterns_compile_and_can_match_lower_case_text(first_answers):
    """The answer is lower-cased before matching, so a capital letter outside an escape (\\d, \\S, …) could
    never match and the check would silently pass or fail for the wrong reason."""
    for entry in first_answers:
        for pattern in entry["must"] + entry["must_not"]:
            re.compile(pattern)
            literal = re.sub(r"\\[A-Za-z]", "", pattern)
            assert literal == literal.lower(), f"{entry['id']}: upper-case letter in {pattern!r}"


def test_first_answer_amounts_are_written_plainly(first_answers):
    """The evaluator removes thousands separators from the answer; a pattern with one would never match."""
    for entry in first_answers:
        for pattern in entry["must"] + entry["must_not"]:
            assert not re.search(r"\d[.,\u00a0\u202f ]\d{3}(?!\d)", pattern), f"{entry['id']}: {pattern!r}"


#: round 2 (written 2026-12-06 before tuning): all ten languages, crisis wordings with everyday look-alikes,
#: and a second set of uncovered return questions
ALL_LANGUAGES = LANGUAGES + NEW_LANGUAGES
CRISIS_ROUND2 = PROJECT_ROOT / "tests" / "nlu" / "crisis_round2.yml"
UNCOVERED_ROUND2 = PROJECT_ROOT / "tests" / "nlu" / "uncovered_round2.yml"
CRISIS_ROUND1 = PROJECT_ROOT / "tests" / "nlu" / "crisis.yml"


def _round2_messages() -> Dict[str, List[str]]:
    crisis, uncovered = read_yaml(CRISIS_ROUND2), read_yaml(UNCOVERED_ROUND2)["uncovered"]
    sets = {f"crisis/{lang}": crisis[lang] for lang in ALL_LANGUAGES}
    sets.update({f"not_crisis/{lang}": crisis["not_crisis"][lang] for lang in ALL_LANGUAGES})
    sets.update({f"uncovered/{lang}": uncovered[lang] for lang in ALL_LANGUAGES})
    return sets


def test_round2_sets_have_every_language_in_full():
    sizes = {"crisis": 10, "not_crisis": 5, "uncovered": 15}
    for name, messages in _round2_messages().items():
        assert len(set(map(_key, messages))) == sizes[name.split("/")[0]], f"{name}: {len(messages)} messages"
        assert all(isinstance(m, str) and m.strip() for m in messages), name


def test_round2_messages_are_not_repeated_anywhere():
    round1 = read_yaml(CRISIS_ROUND1)
    earlier = {_key(m) for lang, ms in round1.items() if lang != "not_crisis" for m in ms}
    earlier |= {_key(m) for ms in round1["not_crisis"].values() for m in ms}
    earlier |= {_key(m) for ms in read_yaml(UNCOVERED)["uncovered"].values() for m in ms}
    earlier |= _training_messages() | _heldout_messages()
    seen: Dict[str, str] = {}
    for name, messages in _round2_messages().items():
        for message in messages:
            other = seen.setdefault(_key(message), name)
            assert other == name, f"{message!r} is in {other} and {name}"
            assert _key(message) not in earlier, f"{name}: {message!r} is in training, held-out or round 1"
