"""Who travels: how many adults and children a message names, in any of the six languages.

Words come from content/family_words.yml and content/number_words.yml. The message is read as a list of
known items (numbers, nouns for adults and children, partners and parents, "me", "alone", totals); then:
- a number counts the adult or child noun right after it (one word may sit between: "3 kleine Kinder"), or
  right before it (Arabic: "أطفالي الثلاثة");
- a child named without a number ("our son", "ابني") is one child; children without a number ("Kinder")
  say nothing about how many;
- a partner or a parent adds an adult to the person writing ("me, my wife" = 2, "with my mother" = 2);
  "me" alone counts only when joined to a list ("ich und 2 Kinder"), not in "I have one child";
- a total ("we are five") fills in the one part that is missing.
What the message does not say stays None: never a guess. Meant for answers to "who travels with you?":
any message naming a family member ("my husband beats me") says something about the family.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Optional, Sequence, Tuple

from wegweiser.content import read_yaml
from wegweiser.paths import content_dir
from wegweiser.nlu.words import PhraseIndex, PhraseMatch, fold, phrases_by_category, tokens

#: a number counts a noun at most this many words after it
NUMBER_REACH = 2
_DIGITS_AND_LETTERS = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")

CATEGORIES = (
    "adults", "children", "child", "counted_children", "partner", "other_adults", "parents", "self", "joins",
    "alone", "single_parent", "total_before", "total_after", "total_words",
)


@dataclass(frozen=True)
class Family:
    adults: Optional[int]
    children: Optional[int]
    alone: bool = False


@lru_cache(maxsize=None)
def _phrases(language: Optional[str]) -> PhraseIndex:
    """The phrases of one language (of all when None), longest first."""
    words = phrases_by_category(read_yaml(content_dir() / "family_words.yml"), CATEGORIES, language)
    number_words = {"number": read_yaml(content_dir() / "number_words.yml")}
    numbers = phrases_by_category(number_words, ["number"], language)
    return PhraseIndex(words + numbers)


def parse_family(text: str, language: Optional[str] = None) -> Family:
    """Adults and children the message names; None where it does not say."""
    text = _DIGITS_AND_LETTERS.sub(" ", text)
    words = tokens(text)
    items = _phrases(language).find(words)
    used: set = set()  # indices of numbers already counting something
    counted: Dict[int, int] = {}  # item index -> the number it was given

    nouns = ("adults", "children", "child", "total_after")
    for i, item in enumerate(items):
        if item.category != "number":
            continue
        for j in range(i + 1, len(items)):
            other = items[j]
            if other.first - item.end >= NUMBER_REACH:
                break
            if other.category in nouns and j not in counted:
                counted[j] = item.value
                used.add(i)
                break
            if other.category != "number":
                break
    for j, item in enumerate(items):  # "أطفالي الثلاثة": the number after the noun
        if item.category in nouns and j not in counted and j + 1 < len(items):
            after = items[j + 1]
            if after.category == "number" and j + 1 not in used and after.first == item.end:
                counted[j] = after.value
                used.add(j + 1)

    def total_of(category: str) -> Optional[int]:
        values = [counted[j] for j, item in enumerate(items) if item.category == category and j in counted]
        return sum(values) if values else None

    adults = total_of("adults")
    generic_children = total_of("children")
    specific = [
        counted.get(j, 1) for j, item in enumerate(items) if item.category == "child"
    ] + [item.value for item in items if item.category == "counted_children"]
    children = generic_children if generic_children is not None else (sum(specific) if specific else None)
    some_children = children is not None or any(item.category == "children" for item in items)

    total = total_of("total_after")
    for i, item in enumerate(items):
        if total is not None:
            break
        if item.category == "total_words":
            total = item.value
        elif item.category == "total_before" and i + 1 < len(items):
            after = items[i + 1]
            # a total of one is the article of "we are a family of five", not a total
            if after.category == "number" and i + 1 not in used and after.first - item.end < NUMBER_REACH:
                total = after.value if after.value > 1 else None

    companions = sum(
        {"partner": 1, "other_adults": 1, "parents": 2}.get(item.category, 0) for item in items
    )
    categories = {item.category for item in items}
    if adults is None:
        if "single_parent" in categories:
            adults = 1
        elif companions:
            adults = 1 + companions
        elif some_children and _self_in_list(items, words, text):
            adults = 1

    if "alone" in categories and not companions and adults in (None, 1):
        if children in (None, 0) and not some_children:
            return Family(adults=1, children=0, alone=True)
        adults = 1

    if total is not None:
        if adults is None and children is not None and total > children:
            adults = total - children
        elif children is None and adults is not None and total >= adults:
            children = total - adults
    return Family(adults=adults, children=children, alone=False)


def _self_in_list(items: Sequence[PhraseMatch], words: Sequence[Tuple[str, int, int]], text: str) -> bool:
    """Whether "I/me" is one of a list ("me and my 2 daughters", "أنا وأطفالي", "я, муж"), not the subject
    of a sentence ("I have one child")."""
    by_position = {item.first: item for item in items}
    for item in items:
        if item.category != "self":
            continue
        before = by_position.get(item.first - 1)
        after = by_position.get(item.end)
        if (before and before.category == "joins") or (after and after.category == "joins"):
            return True
        if item.end < len(words):
            gap = text[words[item.end - 1][2] : words[item.end][1]]
            following = fold(words[item.end][0])
            if "," in gap or "،" in gap or (following.startswith("و") and after is not None):
                return True
    return False
