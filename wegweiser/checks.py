"""Content checks a maintainer runs with `make validate` (and the tests run too).

Each problem is reported as `file: what is wrong -> what to do`. Errors make the command exit 1;
warnings (stale or unverified facts, centre details not configured) are printed but do not fail.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Tuple

from wegweiser.content import language_codes, load_messages, load_topics, read_yaml
from wegweiser.faq import FAQ_DIR, variations_by_language
from wegweiser.facts import ProgrammeDataError, load_centre, load_programmes, stale_facts
from wegweiser.paths import PROJECT_ROOT, content_dir
from wegweiser.render import placeholder_names, placeholders

PLACEHOLDER = re.compile(r"\{[a-z0-9_]+\}")
#: placeholders filled by the actions themselves rather than from content
ACTION_PLACEHOLDERS = {"as_of"}
DEFAULT_MAX_AGE_DAYS = 180


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.what}"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def response_files() -> List[Path]:
    return sorted((PROJECT_ROOT / "domain").glob("*.yml")) + sorted(FAQ_DIR.glob("*.yml"))


def all_responses() -> Iterator[Tuple[Path, str, list]]:
    """(file, response name, variations) for every response in the domain and the FAQ files."""
    for path in response_files():
        for name, variations in (read_yaml(path).get("responses") or {}).items():
            yield path, name, variations


def check_responses() -> List[Problem]:
    problems: List[Problem] = []
    languages = set(language_codes())
    known = set(placeholder_names()) | ACTION_PLACEHOLDERS
    for path, name, variations in all_responses():
        texts = variations_by_language(variations)
        missing = sorted(languages - set(texts))
        if missing:
            problems.append(Problem(_rel(path), f"{name}: no variation for {', '.join(missing)} -> add one "
                                    f"with `condition: [{{type: slot, name: language, value: <code>}}]`"))
        if len(variations) != len(texts):
            problems.append(Problem(_rel(path), f"{name}: every variation needs a condition on slot `language`"))
        for language, text in texts.items():
            unknown = placeholders(text) - known
            if unknown:
                problems.append(Problem(_rel(path), f"{name} [{language}]: unknown placeholder(s) "
                                        f"{', '.join(sorted(unknown))} -> see docs/writing-content.md"))
            if any(ch.isdigit() for ch in PLACEHOLDER.sub("", text)):
                problems.append(Problem(_rel(path), f"{name} [{language}]: digits in the text -> use a "
                                        "placeholder so the number comes from content/"))
    return problems


def check_keyed_texts(file_name: str, table: Mapping[str, Mapping[str, str]], extra: frozenset = frozenset()) -> List[Problem]:
    problems = []
    languages = set(language_codes())
    known = set(placeholder_names()) | ACTION_PLACEHOLDERS | set(extra)
    for key, texts in table.items():
        missing = sorted(languages - set(texts or {}))
        if missing:
            problems.append(Problem(f"content/{file_name}", f"{key}: missing {', '.join(missing)}"))
        for language, text in (texts or {}).items():
            unknown = placeholders(str(text)) - known
            if unknown:
                problems.append(Problem(f"content/{file_name}", f"{key} [{language}]: unknown placeholder(s) "
                                        f"{', '.join(sorted(unknown))}"))
    return problems


def check_placeholder_slots() -> List[Problem]:
    from wegweiser.placeholder_slots import TARGET, render

    if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != render():
        return [Problem(_rel(TARGET), "out of date with content/ -> run `make placeholders`")]
    return []


def check_programme_data(max_age_days: int) -> List[Problem]:
    problems: List[Problem] = []
    try:
        load_programmes()
    except ProgrammeDataError as error:
        return [Problem("content/programmes", line) for line in str(error).splitlines()]
    try:
        centre = load_centre()
    except ProgrammeDataError as error:
        return [Problem("content/centre.yml", str(error))]
    for name, fact in stale_facts(max_age_days).items():
        problems.append(Problem("content/programmes", f"{name} was last checked {fact.checked} (older than "
                                f"{max_age_days} days) -> check the source, then update `checked`", "warning"))
    for field in ("address", "phone", "email"):
        value = getattr(centre, field)
        if not value.value:
            problems.append(Problem("content/centre.yml", f"{field} is not configured -> set it", "warning"))
        elif not value.verified:
            problems.append(Problem("content/centre.yml", f"{field} is not verified as current -> confirm it",
                                    "warning"))
    if not centre.hours:
        problems.append(Problem("content/centre.yml", "opening hours are not configured -> set `hours`", "warning"))
    return problems


def run_all(max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> List[Problem]:
    problems = check_programme_data(max_age_days)
    if any(p.severity == "error" for p in problems):
        return problems
    problems += check_responses()
    problems += check_keyed_texts("messages.yml", load_messages())
    problems += check_keyed_texts("topics.yml", load_topics())
    problems += check_lookup_texts()
    problems += check_handoff_texts()
    problems += check_placeholder_slots()
    return problems


def check_lookup_texts() -> List[Problem]:
    """content/lookup.yml: every sentence in every language, only known placeholders, every plural form."""
    from babel import Locale

    from wegweiser.lookup_answer import TEXT_PLACEHOLDERS, load_lookup_texts

    data = load_lookup_texts()
    problems: List[Problem] = []
    for section, table in data.items():
        if section == "counts":
            for noun, forms in table.items():
                for language in language_codes():
                    needed = set(Locale.parse(language).plural_form.tags) | {"other"}
                    missing = sorted(needed - set((forms or {}).get(language) or {}))
                    if missing:
                        problems.append(Problem("content/lookup.yml", f"counts.{noun} [{language}]: missing plural "
                                                f"form(s) {', '.join(missing)}"))
            continue
        problems += [Problem(p.where, f"{section}.{p.what}", p.severity)
                     for p in check_keyed_texts("lookup.yml", table, TEXT_PLACEHOLDERS)]
    return problems


def check_handoff_texts() -> List[Problem]:
    """content/handoff.yml: every sentence and button in every language, only known placeholders."""
    from wegweiser.handoff_form import load_handoff_texts

    problems: List[Problem] = []
    for section, table in load_handoff_texts().items():
        if section == "contact_words":
            continue  # word lists, any language
        problems += [Problem(p.where, f"{section}.{p.what}", p.severity)
                     for p in check_keyed_texts("handoff.yml", table, frozenset({"example", "value"}))]
    return problems


def main() -> int:
    max_age = int(os.environ.get("FACT_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
    problems = run_all(max_age)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    print(f"content checks: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
