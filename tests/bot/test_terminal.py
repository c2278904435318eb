"""The terminal chat's helpers."""
from __future__ import annotations

from bot.terminal import language_hint, unavailable_text


def test_language_hint_from_the_locale(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert language_hint() == "ru"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert language_hint() is None


def test_unavailable_text_names_the_centre():
    assert "Flüchtlingszentrum" in unavailable_text()
