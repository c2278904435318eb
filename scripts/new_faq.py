"""`make new-faq NAME=topic_name [GROUP=money]`: scaffolds a new FAQ with every language present.

Writes the training-example block and the answer `utter_faq/<name>` (one variation per language) into
data/nlu/faq/<GROUP>.yml (or a new data/nlu/faq/<name>.yml), and the button titles into
content/topics.yml. Every line a person has to write contains "FILL IN", and `make validate` fails,
naming each such file:line, until all of them are replaced — so nobody ships the scaffold.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import List, Sequence

from wegweiser.maintenance.checks import SCAFFOLD_MARKER
from wegweiser.content import language_codes, load_languages, read_yaml

ROOT = Path(__file__).resolve().parent.parent

NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")
EXAMPLES_PER_LANGUAGE = 3


class ScaffoldError(ValueError):
    """The name is not usable (wrong form, or the topic exists already)."""


def existing_topics(faq_dir: Path, topics_file: Path) -> set:
    names = set((read_yaml(topics_file) or {}).get("topics") or {})
    for path in faq_dir.glob("*.yml"):
        data = read_yaml(path) or {}
        names |= {str(block.get("intent", "")).split("/", 1)[-1] for block in data.get("nlu") or []}
        names |= {name.split("/", 1)[-1] for name in data.get("responses") or {}}
    return names


def intent_block(name: str, languages: Sequence[str], native: dict) -> str:
    lines = [f"- intent: faq/{name}", "  examples: |"]
    for code in languages:
        for i in range(1, EXAMPLES_PER_LANGUAGE + 1):
            lines.append(f"    - {SCAFFOLD_MARKER} ({code}) question {i} in {native[code]}, as a person would write it")
    return "\n".join(lines) + "\n"


def response_block(name: str, languages: Sequence[str], native: dict) -> str:
    lines = [f"  utter_faq/{name}:"]
    for code in languages:
        lines += ["  - condition:", "    - type: slot", "      name: language", f"      value: {code}",
                  f'    text: "{SCAFFOLD_MARKER} ({code}) the answer in {native[code]}; numbers only as '
                  f'placeholders, see docs/writing-content.md"']
    return "\n".join(lines) + "\n"


def topic_block(name: str, languages: Sequence[str], native: dict) -> str:
    lines = [f"  {name}:"] + [f'    {code}: "{SCAFFOLD_MARKER} ({code}) button title, at most 30 characters"'
                              for code in languages]
    return "\n".join(lines) + "\n"


def scaffold(name: str, faq_dir: Path, topics_file: Path, group: str | None = None) -> List[Path]:
    """Writes the scaffold and returns the files it changed."""
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: use 3-41 lower-case letters, digits and _ (e.g. bus_tickets)")
    if name in existing_topics(faq_dir, topics_file):
        raise ScaffoldError(f"FAQ topic {name!r} exists already — edit its block, or choose another name")
    languages = language_codes()
    native = {language.code: language.native for language in load_languages()}
    intent, response = intent_block(name, languages, native), response_block(name, languages, native)
    target = faq_dir / f"{group or name}.yml"
    if group and not target.exists():
        raise ScaffoldError(f"{target} does not exist — groups: {', '.join(p.stem for p in sorted(faq_dir.glob('*.yml')))}")
    if target.exists():
        text = target.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        match = re.search(r"^responses:\s*$", text, flags=re.M)
        if match:
            text = text[:match.start()] + intent + text[match.start():] + response
        else:
            text += intent + "responses:\n" + response
    else:
        text = (f"# FAQ topic {name}: examples (all languages in one list, at least 10 per language) and the answer\n"
                f"# (one variation per language) side by side.\nversion: \"3.1\"\nnlu:\n{intent}responses:\n{response}")
    target.write_text(text, encoding="utf-8")
    topics = topics_file.read_text(encoding="utf-8")
    topics_file.write_text(topics + ("" if topics.endswith("\n") else "\n") + topic_block(name, languages, native),
                           encoding="utf-8")
    return [target, topics_file]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", help="topic name, e.g. bus_tickets (the intent becomes faq/<name>)")
    parser.add_argument("--group", help="an existing file in data/nlu/faq (without .yml); default: a new file")
    args = parser.parse_args(argv)
    from wegweiser.faq import FAQ_DIR
    from wegweiser.paths import content_dir

    try:
        changed = scaffold(args.name, FAQ_DIR, content_dir() / "topics.yml", args.group)
    except ScaffoldError as error:
        print(f"make new-faq: {error}", file=sys.stderr)
        return 1
    for path in changed:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"Now replace every line with {SCAFFOLD_MARKER!r} (make validate lists them), add held-out examples in "
          "tests/nlu/heldout/ and a test story line in scripts/make_test_stories.py, then make validate, "
          "make train, make evaluate. Guide: docs/maintaining.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
