"""Content checks a maintainer runs with `make validate` (and the tests run too).

Each problem is reported as `file:line: what is wrong — what to do` (the messages are listed in
docs/maintaining.md). Errors make the command exit 1; warnings (stale or unverified facts, centre
details not configured, an example repeated within one intent) are printed but do not fail.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple

from babel import Locale

from wegweiser.content import language_codes, read_yaml
from wegweiser.dialogue.lookup_answer import TEXT_PLACEHOLDERS
from wegweiser.facts import (
    Centre,
    Programme,
    ProgrammeDataError,
    Source,
    ValidationError,
    load_programmes,
    load_sources_from,
    source_date,
)
from wegweiser.faq import FAQ_DIR, variations_by_language
from wegweiser.maintenance.yamllines import block_scalar_lines, line_of
from wegweiser.paths import PROJECT_ROOT, centre_file, content_dir
from wegweiser.render import PER_MESSAGE_GENERAL, PER_MESSAGE_PLACEHOLDERS, placeholder_names, placeholders

PLACEHOLDER = re.compile(r"\{[a-z0-9_]+\}")
#: placeholders filled by the actions themselves rather than from content
ACTION_PLACEHOLDERS = {"as_of", "publishers", "date", "checked", *PER_MESSAGE_PLACEHOLDERS, *PER_MESSAGE_GENERAL}
DEFAULT_MAX_AGE_DAYS = 180
#: a source whose own date is older than this is reported (SOURCE_MAX_AGE_DAYS), about two years
DEFAULT_SOURCE_MAX_AGE_DAYS = 730
#: pairs of country lists no country may be on both of: a contradiction the rules could not resolve
#: (StarthilfePlus presupposes start-up aid, which the reduced programme for visa-free countries and EU
#: citizens never get; EURP is for third-country nationals)
CONTRADICTORY_LISTS = (
    ("reag_visa_free_countries", "shp_regular_countries"),
    ("reag_visa_free_countries", "shp_reduced_countries"),
    ("reag_visa_free_countries", "shp_housing_countries"),
    ("reag_visa_free_countries", "reag_startup_aid_confirmed_countries"),
    ("reag_excluded_countries", "reag_startup_aid_confirmed_countries"),
    ("reag_excluded_countries", "shp_regular_countries"),
    ("reag_excluded_countries", "shp_reduced_countries"),
    ("reag_excluded_countries", "shp_housing_countries"),
    ("reag_excluded_countries", "eurp_countries"),
    ("reag_excluded_countries", "reag_visa_free_countries"),
    ("shp_regular_countries", "shp_reduced_countries"),
)
#: what `make new-faq` writes where a maintainer still has to write something
SCAFFOLD_MARKER = "FILL IN"


@dataclass(frozen=True)
class Problem:
    where: str
    what: str
    severity: str = "error"
    line: int = 1

    def __str__(self) -> str:
        warning = "warning: " if self.severity == "warning" else ""
        return f"{self.where}:{self.line}: {warning}{self.what}"


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


def check_responses(paths: Optional[List[Path]] = None) -> List[Problem]:
    problems: List[Problem] = []
    languages = set(language_codes())
    known = set(placeholder_names()) | ACTION_PLACEHOLDERS
    for path in paths if paths is not None else response_files():
        for name, variations in (read_yaml(path).get("responses") or {}).items():
            where, line = _rel(path), line_of(path, ("responses", name))
            texts = variations_by_language(variations)
            missing = sorted(languages - set(texts))
            if missing:
                problems.append(Problem(where, f"{name}: no variation for {', '.join(missing)} — add one per language "
                                        "(a condition on slot language, see docs/writing-content.md)", line=line))
            if len(variations) != len(texts):
                problems.append(Problem(where, f"{name}: a variation has no condition on slot language — add one "
                                        "(see docs/writing-content.md)", line=line))
            for index, variation in enumerate(variations):
                language = next((c.get("value") for c in variation.get("condition") or []
                                 if c.get("name") == "language"), "?")
                text = str(variation.get("text", ""))
                vline = line_of(path, ("responses", name, index, "text"))
                unknown = placeholders(text) - known
                if unknown:
                    problems.append(Problem(where, f"{name} [{language}]: unknown placeholder(s) "
                                            f"{', '.join(sorted(unknown))} — see docs/writing-content.md", line=vline))
                if any(ch.isdigit() for ch in PLACEHOLDER.sub("", text)):
                    problems.append(Problem(where, f"{name} [{language}]: digits in the text — use a "
                                            "placeholder so the number comes from content/", line=vline))
    return problems


def check_keyed_texts(path: Path, section: str, extra: frozenset = frozenset()) -> List[Problem]:
    """content/messages.yml and content/topics.yml: every key in every language, known placeholders."""
    problems = []
    languages = set(language_codes())
    known = set(placeholder_names()) | ACTION_PLACEHOLDERS | set(extra)
    for key, texts in (read_yaml(path).get(section) or {}).items():
        line = line_of(path, (section, key))
        missing = sorted(languages - set(texts or {}))
        if missing:
            problems.append(Problem(_rel(path), f"{key}: missing {', '.join(missing)} — add a line per "
                                    "missing language", line=line))
        for language, text in (texts or {}).items():
            unknown = placeholders(str(text)) - known
            if unknown:
                problems.append(Problem(_rel(path), f"{key} [{language}]: unknown placeholder(s) "
                                        f"{', '.join(sorted(unknown))} — see docs/writing-content.md",
                                        line=line_of(path, (section, key, language))))
    return problems


def _schema_problems(model: type, path: Path) -> List[Problem]:
    try:
        model.parse_obj(read_yaml(path))
    except ValidationError as error:
        return [Problem(_rel(path), f"{'.'.join(str(x) for x in e['loc'] if x != '__root__')}: {e['msg']} — fix the value "
                        "(format: docs/writing-content.md)", line=line_of(path, e["loc"])) for e in error.errors()]
    return []


def check_sources(path: Optional[Path] = None) -> List[Problem]:
    """content/sources.yml: each source with a URL, a publisher and its own date (or `undated`)."""
    path = path or content_dir() / "sources.yml"
    problems: List[Problem] = []
    for key, data in (read_yaml(path).get("sources") or {}).items():
        line = line_of(path, ("sources", key))
        if not isinstance(data, dict):
            problems.append(Problem(_rel(path), f"{key}: write {{url: ..., publisher: ..., date: ...}}", line=line))
            continue
        try:
            Source.parse_obj(data)
        except ValidationError as error:
            what = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            problems.append(Problem(_rel(path), f"{key}: {what} — every source needs url, publisher and its own "
                                    "date as printed on it (YYYY-MM-DD, YYYY-MM, YYYY) or `undated`", line=line))
    return problems


def check_programme_files(folder: Optional[Path] = None, sources_file: Optional[Path] = None,
                          max_age_days: int = DEFAULT_MAX_AGE_DAYS, today: Optional[dt.date] = None,
                          source_max_age_days: int = DEFAULT_SOURCE_MAX_AGE_DAYS) -> List[Problem]:
    """Schema, unknown sources, duplicate ids, stale facts, old or undated sources, unverified facts and
    contradictory country lists, each at its line in its file."""
    folder = folder or content_dir() / "programmes"
    source_table = load_sources_from(sources_file or content_dir() / "sources.yml")
    sources = set(source_table)
    limit = (today or dt.date.today()) - dt.timedelta(days=max_age_days)
    source_limit = (today or dt.date.today()) - dt.timedelta(days=source_max_age_days)
    problems: List[Problem] = []
    lists: Dict[str, Tuple[Path, str, set]] = {}
    seen: Dict[str, Path] = {}
    for path in sorted(folder.glob("*.yml")):
        schema = _schema_problems(Programme, path)
        if schema:
            problems += schema
            continue
        programme = Programme.parse_obj(read_yaml(path))
        if programme.id in seen:
            problems.append(Problem(_rel(path), f"programme id {programme.id!r} is also used in "
                                    f"{_rel(seen[programme.id])} — choose another id", line=line_of(path, ("id",))))
        seen[programme.id] = path
        for key, fact in programme.facts.items():
            unknown = [s for s in fact.sources if s not in sources]
            if unknown:
                problems.append(Problem(_rel(path), f"facts.{key}: unknown source(s) {', '.join(unknown)} — add "
                                        "them to content/sources.yml", line=line_of(path, ("facts", key, "sources"))))
            if fact.checked < limit:
                problems.append(Problem(_rel(path), f"facts.{key} was last checked {fact.checked} (more than "
                                        f"{max_age_days} days ago) — check its sources, then update its checked date",
                                        "warning", line=line_of(path, ("facts", key, "checked"))))
            if unknown:
                continue
            fact_line = line_of(path, ("facts", key))
            own = source_date(fact, source_table)
            if own is None:
                problems.append(Problem(_rel(path), f"facts.{key}: every source is undated — answers say "
                                        "\"page without a date\"; find a dated source if there is one", "warning",
                                        fact_line))
            elif own.latest < source_limit:
                problems.append(Problem(_rel(path), f"facts.{key}: its newest source dates from "
                                        f"{own.earliest:%Y-%m} (more than {source_max_age_days} days ago) — look for a "
                                        "current source", "warning", fact_line))
            if fact.status != "verified":
                problems.append(Problem(_rel(path), f"facts.{key} is {fact.status} ({fact.note or 'no note'}) — "
                                        "answers hedge it; confirm it with an official source", "warning", fact_line))
            if fact.kind == "countries":
                lists[f"{programme.id}_{key}"] = (path, key, set(fact.value))
    for first, second in CONTRADICTORY_LISTS:
        if first in lists and second in lists:
            both = sorted(lists[first][2] & lists[second][2])
            if both:
                path, key, _ = lists[second]
                problems.append(Problem(_rel(path), f"facts.{key}: {', '.join(both)} also in {first} — a country "
                                        "cannot be on both lists; check the sources", line=line_of(path, ("facts", key))))
    return problems


def check_centre(path: Optional[Path] = None) -> List[Problem]:
    path = path or centre_file()
    problems = _schema_problems(Centre, path)
    if problems:
        return problems
    centre = Centre.parse_obj(read_yaml(path))
    where = _rel(path)
    for field in ("address", "phone", "email"):
        value = getattr(centre, field)
        line = line_of(path, (field,))
        if not value.value:
            problems.append(Problem(where, f"{field} is not configured — set it", "warning", line))
        elif not value.verified:
            problems.append(Problem(where, f"{field} is not verified as current — confirm it", "warning", line))
    if not centre.hours:
        problems.append(Problem(where, "opening hours are not configured — set hours", "warning",
                                line_of(path, ("hours",))))
    return problems


def normalised(text: str) -> str:
    """What makes two training examples 'the same' to the classifier: case, punctuation, spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join(text.split())


def nlu_files() -> List[Path]:
    return sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml"))


def training_examples(paths: Iterable[Path]) -> Iterator[Tuple[Path, int, str, str]]:
    """(file, line, intent, example) for every training example."""
    for path in paths:
        for index, block in enumerate(read_yaml(path).get("nlu") or []):
            if "intent" not in block or not block.get("examples"):
                continue
            first = block_scalar_lines(path, ("nlu", index, "examples"))
            for offset, raw in enumerate(str(block["examples"]).splitlines()):
                if raw.strip().startswith("- "):
                    yield path, first + offset, block["intent"], raw.strip()[2:].strip()


def check_training_examples(paths: Optional[List[Path]] = None) -> List[Problem]:
    """The same (normalised) example under two intents or FAQ topics is an error: the classifier cannot
    learn both; the same example twice in one intent is a warning (it only weighs more)."""
    by_text: Dict[str, List[Tuple[Path, int, str, str]]] = defaultdict(list)
    for path, line, intent, text in training_examples(paths if paths is not None else nlu_files()):
        if normalised(text):
            by_text[normalised(text)].append((path, line, intent, text))
    problems = []
    for occurrences in by_text.values():
        first = occurrences[0]
        for path, line, intent, text in occurrences[1:]:
            if intent != first[2]:
                problems.append(Problem(_rel(path), f"example {text!r} of {intent} is also an example of {first[2]} "
                                        f"({_rel(first[0])}:{first[1]}) — keep it under one intent only", line=line))
            else:
                problems.append(Problem(_rel(path), f"example {text!r} of {intent} repeats line {first[1]} — "
                                        "delete one of them", "warning", line))
    return problems


def check_scaffold(paths: Optional[List[Path]] = None) -> List[Problem]:
    """Text that `make new-faq` left for the maintainer to write."""
    problems = []
    for path in paths if paths is not None else nlu_files() + [content_dir() / "topics.yml"]:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if SCAFFOLD_MARKER in text:
                problems.append(Problem(_rel(path), f"scaffold not filled in: {text.strip()[:80]} — replace it "
                                        "with real text (see docs/maintaining.md)", line=number))
    return problems


def run_all(max_age_days: int = DEFAULT_MAX_AGE_DAYS,
            source_max_age_days: int = DEFAULT_SOURCE_MAX_AGE_DAYS) -> List[Problem]:
    problems = check_sources()
    if problems:
        return problems
    problems = check_programme_files(max_age_days=max_age_days, source_max_age_days=source_max_age_days)
    problems += check_centre()
    if any(p.severity == "error" for p in problems):
        return problems
    load_programmes()  # the loader's own cross-file checks
    problems += check_scaffold()
    problems += check_responses()
    problems += check_keyed_texts(content_dir() / "messages.yml", "messages")
    problems += check_keyed_texts(content_dir() / "topics.yml", "topics")
    problems += check_lookup_texts()
    problems += check_handoff_texts()
    problems += check_training_examples()
    problems += check_text_parity()
    return problems


def check_text_parity(paths: Optional[List[Path]] = None, folder: Optional[Path] = None) -> List[Problem]:
    """Every language's text has German's {placeholders} and numbers (wegweiser/maintenance/text_parity.py): each
    response's variations, and every per-language text in content/."""
    from wegweiser.maintenance.text_parity import content_differences, differences

    problems: List[Problem] = []
    for path in paths if paths is not None else response_files():
        for name, variations in (read_yaml(path).get("responses") or {}).items():
            for difference in differences(variations_by_language(variations)):
                problems.append(Problem(_rel(path), f"{name} {difference} — say what the German variation says",
                                        line=line_of(path, ("responses", name))))
    for path, where, difference in content_differences(folder or content_dir()):
        problems.append(Problem(_rel(path), f"{'.'.join(where)} {difference} — say what the German text says",
                                line=line_of(path, where)))
    return problems


def check_lookup_texts(path: Optional[Path] = None) -> List[Problem]:
    """content/lookup.yml: every sentence in every language, only known placeholders, every plural form."""


    path = path or content_dir() / "lookup.yml"
    problems: List[Problem] = []
    for section, table in (read_yaml(path) or {}).items():
        if section != "counts":
            problems += check_keyed_texts(path, section, TEXT_PLACEHOLDERS)
            continue
        for noun, forms in table.items():
            for language in language_codes():
                needed = set(Locale.parse(language).plural_form.tags) | {"other"}
                missing = sorted(needed - set((forms or {}).get(language) or {}))
                if missing:
                    problems.append(Problem(_rel(path), f"counts.{noun} [{language}]: missing plural form(s) "
                                            f"{', '.join(missing)} — add them (CLDR plural categories)",
                                            line=line_of(path, ("counts", noun))))
    return problems


def check_handoff_texts(path: Optional[Path] = None) -> List[Problem]:
    """content/handoff.yml: every sentence and button in every language, only known placeholders."""
    path = path or content_dir() / "handoff.yml"
    problems: List[Problem] = []
    for section in read_yaml(path) or {}:
        if section != "contact_words":  # word lists, any language
            problems += check_keyed_texts(path, section, frozenset({"example", "value"}))
    return problems


def main() -> int:
    max_age = int(os.environ.get("FACT_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
    source_max_age = int(os.environ.get("SOURCE_MAX_AGE_DAYS", DEFAULT_SOURCE_MAX_AGE_DAYS))
    try:
        problems = run_all(max_age, source_max_age)
    except ProgrammeDataError as error:
        problems = [Problem("content/programmes", f"{line} — fix it") for line in str(error).splitlines()]
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error"]
    print(f"content checks: {len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
