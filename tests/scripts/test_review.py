"""`make review` lists the kept questions grouped, with the likeliest topic."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from wegweiser.paths import PROJECT_ROOT
from wegweiser.unanswered import Settings, store


def test_review_lists_groups_and_purges_old_questions(tmp_path):
    settings = Settings(tmp_path / "unanswered.db", 30)
    today = dt.date.today()
    for text in ("bus ticket to kyiv", "Bus tickets to Kyiv?", "can I bring my cat"):
        store(settings, text, "en", "faq/travel_costs", today=today)
    store(settings, "an old question about taxes", "en", None, today=today - dt.timedelta(days=40))
    env = dict(os.environ, WEGWEISER_DATA_DIR=str(tmp_path), NO_MODEL="1")
    result = subprocess.run([sys.executable, "scripts/review.py"], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, check=True)
    out = result.stdout
    assert "3 question(s) not understood in the last 30 days, 2 group(s)." in out
    assert "## group 1: 2 question(s), languages en 2; likeliest topic then: faq/travel_costs" in out
    assert "    - Bus tickets to Kyiv?" in out and "    - can I bring my cat" in out
    assert "taxes" not in out
    assert "(1 question(s) older than 30 days deleted)" in out
