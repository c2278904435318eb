"""The evaluation sets besides the held-out NLU set, and how each is scored (`make evaluate`, tests).

All of them were written before tuning and are never trained on:

- `tests/nlu/uncovered.yml`: return questions no FAQ covers. The right reply is an honest "I can't answer
  that one, a counsellor can" (the clarifying question, the out-of-scope answer or a counsellor), never
  another topic's answer given with confidence. Floor: at most UNCOVERED_MAX_SHARE per language.
- `tests/nlu/first_messages.yml`: 1–3-word first messages of a new conversation without a client hint;
  scored by the answer language the assistant picks (Arabic-script words both languages use may get
  Arabic or Farsi; Latin words German and English share may get either).
- `tests/first_answers.yml`: realistic first questions with what a correct first answer must and must not
  contain (regexes over the normalised reply). Floor: FIRST_ANSWER_FLOOR per language, and no answer
  that states a rule for the wrong country or status.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from wegweiser.content import read_yaml
from wegweiser.nlu.language import detect, resolve
from wegweiser.paths import PROJECT_ROOT
from wegweiser.texts import message

UNCOVERED_FILE = PROJECT_ROOT / "tests" / "nlu" / "uncovered.yml"
FIRST_MESSAGES_FILE = PROJECT_ROOT / "tests" / "nlu" / "first_messages.yml"
FIRST_ANSWERS_FILE = PROJECT_ROOT / "tests" / "first_answers.yml"

#: predictions that answer an uncovered question honestly: "I have no reliable answer, a counsellor can"
#: (`uncovered`), the clarifying question (with a counsellor button), "that is outside what I can answer",
#: the way to a counsellor, or "for your own legal case, a counsellor or lawyer"
HONEST = frozenset({"uncovered", "nlu_fallback", "out_of_scope", "request_human", "legal_own_case"})
UNCOVERED_MAX_SHARE = 0.05
#: what `make test` enforces: the target (2026-12-07: 0-1 of 27-28 per language, 0-4 %; 0-11 % on 2026-12-06,
#: 56-79 % before the `uncovered` class)
UNCOVERED_TEST_MAX_SHARE = UNCOVERED_MAX_SHARE
SHORT_MESSAGE_FLOOR = 0.90
#: below the floor where a language was measured lower when it was added (2026-12-06, issue 21: Spanish
#: 8/10 — "ola q tal" and "eres un bot?" stay with the six, since a new language needs its own letters or a
#: confident detector); raise when it improves
SHORT_MESSAGE_FLOORS = {"es": 0.80}
#: the target, enforced by `make evaluate` and by tests/test_first_answers.py in `make test` (2026-12-07: 94-100 %
#: per language; 67-88 % on 2026-12-06, 6-17 % before the review)
FIRST_ANSWER_FLOOR = 0.90
FIRST_ANSWER_MIN = FIRST_ANSWER_FLOOR
#: first answers per language that may state something the review set forbids for the person's country or
#: status: none (2026-12-07; the last one was the list of groups after "Is Iraq covered?")
WRONG_RULE_MAX = 0


# --- uncovered questions -------------------------------------------------------------------------------

def uncovered_messages() -> List[Tuple[str, str]]:
    """(language, text) of every uncovered question."""
    data = read_yaml(UNCOVERED_FILE).get("uncovered") or {}
    return [(language, str(text)) for language, texts in data.items() for text in texts or []]


@dataclass
class UncoveredScore:
    language: str
    total: int
    confident_wrong: List[Tuple[str, str]] = field(default_factory=list)  # (text, the topic it got)

    @property
    def share(self) -> float:
        return len(self.confident_wrong) / self.total if self.total else 0.0


def score_uncovered(predictions: Iterable[Tuple[str, str, str]]) -> Dict[str, UncoveredScore]:
    """From (language, text, predicted answer): per language, how many got another topic's answer."""
    scores: Dict[str, UncoveredScore] = {}
    for language, text, got in predictions:
        entry = scores.setdefault(language, UncoveredScore(language, 0))
        entry.total += 1
        if got not in HONEST:
            entry.confident_wrong.append((text, got))
    return dict(sorted(scores.items()))


# --- short first messages ------------------------------------------------------------------------------

@dataclass(frozen=True)
class FirstMessages:
    by_language: Mapping[str, Sequence[str]]
    #: messages for which either of two languages is a right answer
    either: Mapping[str, frozenset]


def first_messages() -> FirstMessages:
    data = read_yaml(FIRST_MESSAGES_FILE)
    either: Dict[str, frozenset] = {}
    for key, pair in (("ambiguous_ar_fa", frozenset({"ar", "fa"})), ("ambiguous_de_en", frozenset({"de", "en"})),
                      ("ambiguous_mk_sr", frozenset({"mk"}))):
        for text in data.get(key) or []:
            either[str(text)] = pair
    return FirstMessages({lang: [str(t) for t in texts] for lang, texts in (data.get("first_messages") or {}).items()},
                         either)


def first_message_language(text: str) -> str:
    """The answer language a new conversation gets for `text` with no client hint."""
    return resolve(None, False, detected=detect(text), hint=None, text=text).language


@dataclass
class ShortScore:
    language: str
    total: int = 0
    right: int = 0
    wrong: List[Tuple[str, str]] = field(default_factory=list)  # (text, language it got)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score_first_messages(sets: Optional[FirstMessages] = None) -> Dict[str, ShortScore]:
    sets = sets or first_messages()
    scores: Dict[str, ShortScore] = {}
    for language, texts in sets.by_language.items():
        entry = scores.setdefault(language, ShortScore(language))
        for text in texts:
            got = first_message_language(text)
            entry.total += 1
            if got == language or got in sets.either.get(text, frozenset()):
                entry.right += 1
            else:
                entry.wrong.append((text, got))
    return dict(sorted(scores.items()))


# --- first answers -------------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATOR = re.compile(r"(?<=\d)[.,\u00a0\u202f\u066c ](?=\d{3}(?!\d))")


_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200f\u200e\u061c]")


def normalise_answer(text: str) -> str:
    """NFKC, lower case, Arabic-Indic and Persian digits as ASCII, no Arabic diacritics, tatweel or direction
    marks, no thousands separators ("1.000" → "1000")."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text).lower().translate(_DIGITS))
    previous = None
    while previous != text:
        previous, text = text, _SEPARATOR.sub("", text)
    return text


@dataclass(frozen=True)
class FirstAnswerCase:
    id: str
    language: str
    text: str
    must: Tuple[str, ...]
    must_not: Tuple[str, ...]
    country: Optional[str] = None
    status: Optional[str] = None
    rule: Optional[str] = None

    @property
    def depends_on_person(self) -> bool:
        return bool(self.country or self.status)


def first_answer_cases() -> List[FirstAnswerCase]:
    cases = read_yaml(FIRST_ANSWERS_FILE) or []
    return [FirstAnswerCase(str(c["id"]), str(c["lang"]), str(c["text"]), tuple(c.get("must") or ()),
                            tuple(c.get("must_not") or ()), c.get("country"), c.get("status"), c.get("rule"))
            for c in cases]


@dataclass(frozen=True)
class Verdict:
    case: FirstAnswerCase
    answer: str
    missing: Tuple[str, ...]
    forbidden: Tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.forbidden

    @property
    def wrong_rule(self) -> bool:
        """A forbidden statement in an answer that depends on the person's country or status ("not
        understood" is a miss, not a rule stated for the wrong person)."""
        return self.case.depends_on_person and any(not _matches_not_understood(p, self.case.language)
                                                   for p in self.forbidden)


def _matches_not_understood(pattern: str, language: str) -> bool:
    """Whether a must-not pattern is the one for the assistant's own "I did not understand" replies."""
    texts = [message(key, language) for key in ("clarify", "not_understood_again")]
    return any(re.search(pattern, normalise_answer(t), flags=re.S | re.M) for t in texts)


def judge(case: FirstAnswerCase, answer: str) -> Verdict:
    normalised = normalise_answer(answer)
    missing = tuple(p for p in case.must if not re.search(p, normalised, flags=re.S))
    forbidden = tuple(p for p in case.must_not if re.search(p, normalised, flags=re.S | re.M))
    return Verdict(case, answer, missing, forbidden)


@dataclass
class FirstAnswerScore:
    language: str
    verdicts: List[Verdict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.verdicts)

    @property
    def right(self) -> int:
        return sum(v.ok for v in self.verdicts)

    @property
    def wrong_rule(self) -> int:
        return sum(v.wrong_rule for v in self.verdicts)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def score_first_answers(verdicts: Iterable[Verdict]) -> Dict[str, FirstAnswerScore]:
    scores: Dict[str, FirstAnswerScore] = defaultdict(lambda: FirstAnswerScore(""))
    for verdict in verdicts:
        entry = scores[verdict.case.language]
        entry.language = verdict.case.language
        entry.verdicts.append(verdict)
    return dict(sorted(scores.items()))


def set_failures(uncovered: Mapping[str, UncoveredScore], short: Mapping[str, ShortScore],
                 answers: Optional[Mapping[str, FirstAnswerScore]]) -> List[str]:
    """Why these scores miss their floors (what the model reached on 2026-12-06, so nothing gets worse
    unnoticed; the issue's targets are reported beside them); empty when they do not."""
    problems = []
    for language, s in uncovered.items():
        if s.share > UNCOVERED_TEST_MAX_SHARE:
            problems.append(f"{language}: {len(s.confident_wrong)} of {s.total} uncovered questions got another "
                            f"topic's answer ({s.share:.0%}, allowed {UNCOVERED_TEST_MAX_SHARE:.0%})")
    for language, s in short.items():
        floor = SHORT_MESSAGE_FLOORS.get(language, SHORT_MESSAGE_FLOOR)
        if s.accuracy < floor:
            problems.append(f"{language}: short first messages {s.accuracy:.0%} in the right language "
                            f"(floor {floor:.0%})")
    for language, s in (answers or {}).items():
        if s.accuracy < FIRST_ANSWER_MIN:
            problems.append(f"{language}: first answers {s.accuracy:.0%} right (floor {FIRST_ANSWER_MIN:.0%})")
        if s.wrong_rule > WRONG_RULE_MAX:
            problems.append(f"{language}: {s.wrong_rule} first answer(s) state a rule for the wrong country or status")
    return problems


def languages_of(*tables: Mapping[str, object]) -> Set[str]:
    return set().union(*(set(t) for t in tables))
