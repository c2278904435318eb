"""Who may import whom (docs/architecture.md): the shared core imports none of wegweiser's subpackages,
the parsers only the core, the dialogue no maintenance tooling, and the gateway (bot/, and its tests, which
run in the gateway's virtualenv) only the core.
Function-level imports count too: they are still imports."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBPACKAGES = ("nlu", "dialogue", "maintenance")


def imported_modules(path: Path) -> Iterator[Tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:  # `from wegweiser import nlu`
                yield node.lineno, f"{node.module}.{alias.name}"


def layer(module: str) -> str:
    """'core', a subpackage's name, or 'other' (not wegweiser)."""
    parts = module.split(".")
    if parts[0] != "wegweiser":
        return "other"
    return parts[1] if len(parts) > 1 and parts[1] in SUBPACKAGES else "core"


ALLOWED = {
    "core": {"core"},
    "nlu": {"core", "nlu"},
    "dialogue": {"core", "nlu", "dialogue"},
    "maintenance": {"core", "nlu", "dialogue", "maintenance"},
    "gateway": {"core"},
}


def modules_of(kind: str):
    if kind == "gateway":
        return sorted(path for folder in ("bot", "tests/bot", "tests/fakes") for path in (ROOT / folder).rglob("*.py"))
    if kind == "core":
        return sorted((ROOT / "wegweiser").glob("*.py"))
    return sorted((ROOT / "wegweiser" / kind).glob("*.py"))


def violations(path: Path, kind: str) -> list:
    return [f"{path.relative_to(ROOT)}:{line} imports {module}" for line, module in imported_modules(path)
            if layer(module) != "other" and layer(module) not in ALLOWED[kind]]


@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_each_part_imports_only_what_it_may(kind):
    paths = modules_of(kind)
    assert paths
    found = [v for path in paths for v in violations(path, kind)]
    assert not found, "\n".join(found)


def test_the_check_sees_a_function_level_import(tmp_path):
    module = tmp_path / "core_module.py"
    module.write_text("def f():\n    from wegweiser.dialogue.turn import decide\n    return decide\n", encoding="utf-8")
    assert [m for _, m in imported_modules(module)] == ["wegweiser.dialogue.turn", "wegweiser.dialogue.turn.decide"]
    assert layer("wegweiser.dialogue.turn") == "dialogue" and layer("wegweiser.texts") == "core"
    assert "dialogue" not in ALLOWED["core"]
