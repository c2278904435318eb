"""Every language says the same numbers as German (issue 21, item 5): for each response and each
per-language text in content/, every language's text has the same {placeholders} and the same numbers
written in digits as the German one. A translation that drops "{reag_travel_allowance_adult}", or types
"200" where German has a placeholder, or "12" where German says "24", is reported.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Tuple

from wegweiser.content import default_language, language_codes, read_yaml
from wegweiser.render import numbers_in, placeholders

_PLACEHOLDER = re.compile(r"\{[a-z0-9_]+\}")
Signature = Tuple[FrozenSet[str], FrozenSet[int]]


#: texts whose numbers are examples of what a person may type ("2 Erwachsene und 3 Kinder"), which some
#: languages write in words: there a language may leave German's digits out, but add none of its own
INPUT_EXAMPLES = {("lookup.yml", ("form", "ask_family")), ("lookup.yml", ("form", "family_not_understood"))}


def _is_text(value: Any) -> bool:
    """A string, or the forms of a plural entry ({one: "{count} Kind", other: "{count} Kinder"})."""
    return isinstance(value, str) or (isinstance(value, Mapping) and bool(value)
                                      and all(isinstance(v, str) for v in value.values()))


def _strings(value: Any) -> List[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value.values()] if isinstance(value, Mapping) else []


def signature(value: Any) -> Signature:
    """The placeholders and the numbers in digits (placeholders left out) of one language's text."""
    texts = _strings(value)
    names = frozenset().union(*(placeholders(text) for text in texts)) if texts else frozenset()
    numbers = frozenset(n for text in texts for n in numbers_in(_PLACEHOLDER.sub(" ", text)))
    return names, numbers


def per_language_texts(node: Any, path: Tuple[str, ...] = ()) -> Iterator[Tuple[Tuple[str, ...], Dict[str, Any]]]:
    """Every mapping in a YAML tree whose keys are language codes, German among them, with texts as
    values (word lists are not translations of each other and are left out)."""
    codes = set(language_codes())
    if isinstance(node, Mapping):
        keys = {str(k) for k in node}
        if default_language() in keys and len(keys & codes) >= 2 and \
                all(_is_text(node[k]) for k in node if str(k) in codes):
            yield path, {str(k): v for k, v in node.items() if str(k) in codes}
            return
        for key, value in node.items():
            yield from per_language_texts(value, path + (str(key),))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from per_language_texts(value, path + (str(index),))


def differences(texts: Mapping[str, Any], input_example: bool = False) -> List[str]:
    """What each language's text lacks or adds compared with German, one line per language
    (`input_example`: numbers German has may be missing, see INPUT_EXAMPLES)."""
    reference = texts.get(default_language())
    if reference is None:
        return []
    names, numbers = signature(reference)
    found = []
    for language, text in texts.items():
        if language == default_language():
            continue
        other_names, other_numbers = signature(text)
        parts = []
        if other_names != names:
            parts.append(_diff("placeholders", names, other_names))
        if other_numbers != numbers and not (input_example and other_numbers <= numbers):
            parts.append(_diff("numbers", numbers, other_numbers))
        if parts:
            found.append(f"[{language}] " + "; ".join(parts))
    return found


def _diff(what: str, german: FrozenSet, other: FrozenSet) -> str:
    missing = ", ".join(sorted(map(str, german - other))) or "-"
    extra = ", ".join(sorted(map(str, other - german))) or "-"
    return f"{what}: missing {missing}, not in German {extra}"


def content_texts(folder: Path) -> Iterator[Tuple[Path, Tuple[str, ...], Dict[str, Any]]]:
    """(file, path in the file, {language: text}) for every per-language text under `folder`."""
    for path in sorted(folder.rglob("*.yml")):
        for where, texts in per_language_texts(read_yaml(path)):
            yield path, where, texts


def content_differences(folder: Path) -> Iterator[Tuple[Path, Tuple[str, ...], str]]:
    """(file, path in the file, what differs) for the per-language texts under `folder`."""
    for path, where, texts in content_texts(folder):
        for difference in differences(texts, (path.name, where) in INPUT_EXAMPLES):
            yield path, where, difference
