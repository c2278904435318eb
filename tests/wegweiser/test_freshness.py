"""An edited programme fact reaches the answers of the running action server without a restart."""
from __future__ import annotations

import os
import shutil

import pytest

from wegweiser import freshness
from wegweiser.paths import content_dir
from wegweiser.dialogue.turn import rendered_values


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    copy = tmp_path / "content"
    shutil.copytree(content_dir(), copy)
    freshness.clear_caches()
    monkeypatch.setenv("WEGWEISER_CONTENT_DIR", str(copy))
    monkeypatch.setattr(freshness, "_state", {"signature": None, "checked": 0.0})
    yield copy
    monkeypatch.undo()
    freshness.clear_caches()


def test_changed_amount_is_used_from_the_next_message_on(content_copy):
    assert freshness.refresh_if_changed(now=100.0) is False  # first look: nothing to compare with
    assert rendered_values("de")["reag_travel_allowance_adult"] == "200\xa0€"
    reag = content_copy / "programmes" / "reag_garp.yml"
    reag.write_text(reag.read_text(encoding="utf-8").replace(
        "travel_allowance_adult: {value: 200,", "travel_allowance_adult: {value: 250,"), encoding="utf-8")
    stat = reag.stat()
    os.utime(reag, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert freshness.refresh_if_changed(now=100.5) is False  # checked at most once a second
    assert freshness.refresh_if_changed(now=102.0) is True
    assert rendered_values("de")["reag_travel_allowance_adult"] == "250\xa0€"
    assert rendered_values("en")["reag_travel_allowance_adult"] == "€250"
    assert freshness.refresh_if_changed(now=104.0) is False  # unchanged since
