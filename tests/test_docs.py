"""The README stays short enough to read in five minutes, and no relative link in it or in docs/ is broken."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
README_MAX_CHARACTERS = 10_000
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def documents() -> list:
    return [ROOT / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}


def relative_links(path: Path) -> Iterator[Tuple[str, Path, str]]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        file_part, _, anchor = target.partition("#")
        yield target, (path.parent / file_part).resolve(), anchor


def test_readme_is_at_most_ten_thousand_characters():
    length = len((ROOT / "README.md").read_text(encoding="utf-8"))
    assert length <= README_MAX_CHARACTERS, f"README.md has {length:,} characters; move detail into docs/"


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(document):
    broken = []
    for target, resolved, anchor in relative_links(document):
        if not resolved.exists():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)}: broken links {broken}"


def test_the_link_check_sees_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# A heading, here\n", encoding="utf-8")
    page.write_text("[ok](there.md#a-heading-here) [gone](missing.md) [web](https://example.org) "
                    "[bad anchor](there.md#nowhere)\n```\n[in code](nowhere.md)\n```\n", encoding="utf-8")
    found = {target: (resolved.exists(), not anchor or anchor in anchors(resolved) if resolved.exists() else None)
             for target, resolved, anchor in relative_links(page)}
    assert found == {"there.md#a-heading-here": (True, True), "missing.md": (False, None),
                     "there.md#nowhere": (True, False)}
