"""`make review`: the questions the assistant did not understand, grouped by similarity.

Deletes questions older than the retention first (UNANSWERED_RETENTION_DAYS). For each group: how many,
the likeliest topic when it was asked, what the current model predicts now (models/wegweiser.tar.gz;
NO_MODEL=1 skips loading it), and the questions as example lines ready to paste under the right intent
in data/nlu/ (read them first: the scrubbing removes numbers and addresses, not every personal detail).
"""
from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, List, Optional

from wegweiser.unanswered import Question, Settings, all_questions, grouped, purge

ROOT = Path(__file__).resolve().parent.parent


def model_predictor(model: Path) -> Optional[Callable[[str], str]]:
    if os.environ.get("NO_MODEL") == "1" or not model.exists():
        return None
    from rasa.core.agent import Agent

    from wegweiser.maintenance.evaluation import predicted_intent, quiet_rasa

    quiet_rasa()
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    return lambda text: str(predicted_intent(loop.run_until_complete(agent.parse_message(text))))


def render(groups: List[List[Question]], predict: Optional[Callable[[str], str]], retention_days: int) -> str:
    total = sum(len(g) for g in groups)
    lines = [f"{total} question(s) not understood in the last {retention_days} days, {len(groups)} group(s).", ""]
    for number, group in enumerate(groups, 1):
        guesses = Counter(q.guess or "-" for q in group).most_common(2)
        languages = Counter(q.language or "?" for q in group)
        lines.append(f"## group {number}: {len(group)} question(s), languages "
                     f"{', '.join(f'{l} {n}' for l, n in languages.most_common())}; likeliest topic then: "
                     f"{', '.join(g for g, _ in guesses)}")
        for question in group:
            now = f"   # model now: {predict(question.text)}" if predict else ""
            lines.append(f"    - {question.text}{now}")
        lines.append("")
    if not groups:
        lines.append("Nothing to review.")
    return "\n".join(lines)


def main() -> int:
    settings = Settings.from_env()
    deleted = purge(settings.database, settings.retention_days)
    questions = all_questions(settings.database)
    predict = model_predictor(Path(os.environ.get("MODEL", ROOT / "models" / "wegweiser.tar.gz"))) if questions else None
    print(render(grouped(questions), predict, settings.retention_days))
    if deleted:
        print(f"({deleted} question(s) older than {settings.retention_days} days deleted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
