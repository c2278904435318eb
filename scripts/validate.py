"""`make validate`: Rasa's data validation, then the content checks (wegweiser/maintenance/checks.py).

Rasa reports problems without file names; each of its warnings that names an intent, response, action or
slot is printed at the line where that name is defined (domain/) or first used (data/), as
`file:line: what is wrong — what to do`, like the content checks. Exit 1 if either part finds an error.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent

ANSI = re.compile(r"\x1b\[[0-9;]*m")
WARNING = re.compile(r"UserWarning: (.*)")
QUOTED = re.compile(r"'([A-Za-z0-9_/.-]+)'")
HINTS = (
    ("not used in any story or rule", "use it in a rule or story (data/rules, data/stories), or remove it"),
    ("not listed in your domain", "add it to the domain (domain/*.yml), or fix the spelling"),
    ("is not found in the NLU training data", "add examples for it (data/nlu), or remove it from the domain"),
    ("labeled with multiple different intents", "keep the example under one intent only"),
    ("is not a valid utterance or action", "add it to the domain's actions or responses, or fix the spelling"),
)


def rasa_messages(root: Path = ROOT) -> Tuple[int, List[str]]:
    """Runs `rasa data validate --fail-on-warnings`; its exit code and its warnings' texts."""
    result = subprocess.run(
        [str(root / ".venv/rasa/bin/rasa"), "data", "validate", "--domain", "domain", "--data", "data",
         "--config", "config.yml", "--fail-on-warnings"],
        cwd=root, capture_output=True, text=True)
    output = ANSI.sub("", result.stdout + "\n" + result.stderr)
    messages = [m.group(1).strip() for m in map(WARNING.search, output.splitlines()) if m]
    relevant = [m for m in messages if "ResponseSelector" not in m and "auto-fill" not in m]
    if result.returncode and not relevant:  # an error that is not a warning: show Rasa's own last lines
        relevant = [line for line in output.strip().splitlines()[-5:] if line.strip()]
    return result.returncode, relevant


def _files(root: Path) -> Iterable[Path]:
    yield from sorted((root / "domain").glob("*.yml"))
    yield from sorted((root / "data").rglob("*.yml"))


def locate(name: str, root: Path = ROOT) -> Optional[str]:
    """`file:line` where `name` is defined in domain/ or first appears in data/."""
    word = re.compile(rf"(?<![\w/]){re.escape(name)}(?![\w/])")
    for path in _files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if word.search(line.split("#", 1)[0]):
                return f"{path.relative_to(root)}:{number}"
    return None


def annotate(message: str, root: Path = ROOT) -> str:
    hint = next((h for pattern, h in HINTS if pattern in message), "see Rasa's message; docs/maintaining.md")
    for name in QUOTED.findall(message):
        where = locate(name, root)
        if where:
            return f"{where}: {message} — {hint}"
    return f"rasa data validate: {message} — {hint}"


def main() -> int:
    from wegweiser.maintenance import checks

    print("== Rasa's data validation", flush=True)
    code, messages = rasa_messages()
    for message in messages if code else []:  # warnings Rasa itself lets pass are not actionable here
        print(annotate(message))
    print(f"rasa data validate: {'passed' if code == 0 else 'failed'}")
    print("== content checks", flush=True)
    content = checks.main()
    return 1 if code or content else 0


if __name__ == "__main__":
    sys.exit(main())
