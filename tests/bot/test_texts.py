"""The gateway's own sentences exist in every language and the language is picked in the agreed order."""
from __future__ import annotations

import string

from bot.handlers import command_names
from bot.texts import language_choices, load_gateway_messages, pick_language, text, unavailable
from wegweiser.content import default_language, language_codes, load_safety
from wegweiser.facts import load_centre


def test_every_sentence_in_every_language_with_the_same_placeholders():
    codes = set(language_codes())
    for key, texts in load_gateway_messages().items():
        assert set(texts) == codes, key
        fields = {tuple(sorted(f for _, f, _, _ in string.Formatter().parse(t) if f)) for t in texts.values()}
        assert len(fields) == 1, key
        assert not any(c.isdigit() for t in texts.values() for c in t), key


def test_command_descriptions_fit_telegram():
    for name in command_names():
        for code in language_codes():
            assert 1 <= len(text(f"command_{name}", code)) <= 256


def test_privacy_notice_states_the_retention_period_in_the_language():
    assert "30" in text("privacy", "de", retention_days=30)
    assert "/delete" in text("privacy", "ar", retention_days=30)


def test_unavailable_names_the_centre_in_each_language():
    centre, emergency = load_centre().name, str(load_safety()["numbers"]["emergency_number"])
    for code in language_codes():
        assert centre in unavailable(code) and emergency in unavailable(code)
    assert unavailable("ru") != unavailable("tr")


def test_language_order_choice_then_rasa_then_telegram_then_default():
    assert pick_language("fa", "ru", "tr") == "fa"
    assert pick_language(None, "ru", "tr") == "ru"
    assert pick_language(None, None, "tr-TR") == "tr"
    assert pick_language(None, None, "prs") == "fa"
    assert pick_language(None, None, "pt-br") == default_language()
    assert pick_language("xx", None, None) == default_language()


def test_language_buttons_cover_every_language():
    assert [code for code, _ in language_choices()] == language_codes()
