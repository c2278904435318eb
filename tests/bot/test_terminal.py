"""The terminal chat's helpers."""
from __future__ import annotations

from bot.terminal import handoff_text, language_hint, unavailable_text


def test_language_hint_from_the_locale(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    assert language_hint() == "ru"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert language_hint() is None


def test_unavailable_text_names_the_centre():
    assert "Flüchtlingszentrum" in unavailable_text()


def test_a_confirmed_handoff_says_it_cannot_be_sent_here_and_names_the_centre():
    from wegweiser.handoff import load_handoff_texts

    said = handoff_text({"version": 1, "language": "ar", "topic": "money"})
    assert said.startswith(load_handoff_texts()["form"]["terminal_no_send"]["ar"].split("{", 1)[0])
    assert "Flüchtlingszentrum" in said and "{" not in said


def test_the_handoff_reply_is_kept_by_the_client():
    from bot.rasa_client import parse_replies

    replies = parse_replies([{"recipient_id": "x", "custom": {"handoff": {"version": 1, "language": "de"}}}])
    assert replies[0].custom == {"handoff": {"version": 1, "language": "de"}}
    assert "Terminal" in handoff_text(replies[0].custom["handoff"])
