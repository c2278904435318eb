"""Rasa replies as Telegram messages: splitting, buttons, callback data limits."""
from __future__ import annotations

from bot.rasa_client import Button, Reply
from bot.render import MAX_CALLBACK, MAX_TEXT, RASA, callback_for, render, split_text, units


def test_short_text_is_one_message_with_its_buttons_as_a_keyboard():
    [message] = render([Reply("Welche Sprache?", [Button("English", '/choose_language{"language":"en"}')])])
    assert message.text == "Welche Sprache?"
    markup = message.markup()
    assert markup.inline_keyboard[0][0].text == "English"
    assert markup.inline_keyboard[0][0].callback_data == RASA + '/choose_language{"language":"en"}'


def test_long_text_is_split_at_paragraphs_and_buttons_go_last():
    paragraphs = [f"Absatz {i}: " + "Wort " * 300 for i in range(6)]  # about 1,800 characters each
    messages = render([Reply("\n\n".join(paragraphs), [Button("OK", "/affirm")])])
    assert len(messages) == 3
    assert all(units(m.text) <= MAX_TEXT for m in messages)
    assert [p.strip() for m in messages for p in m.text.split("\n\n")] == [p.strip() for p in paragraphs]
    assert [bool(m.buttons) for m in messages] == [False, False, True]


def test_a_single_huge_paragraph_is_split_at_sentences_then_words_then_characters():
    sentence = "Das ist ein Satz mit einigen Wörtern. "
    pieces = split_text(sentence * 400)
    assert len(pieces) > 1 and all(units(p) <= MAX_TEXT for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    no_spaces = "ж" * (MAX_TEXT * 2 + 5)
    assert [len(p) for p in split_text(no_spaces)] == [MAX_TEXT, MAX_TEXT, 5]


def test_length_counts_utf16_units_like_telegram():
    emoji = "🙂" * MAX_TEXT  # two UTF-16 units each
    pieces = split_text(emoji)
    assert all(units(p) <= MAX_TEXT for p in pieces) and "".join(pieces) == emoji


def test_markup_characters_are_sent_as_they_are():
    [message] = render([Reply("<b>*_[x](y)_*</b> & co")])
    assert message.text == "<b>*_[x](y)_*</b> & co"  # sent without parse_mode: shown literally


def test_callback_data_stays_within_telegrams_64_bytes():
    assert callback_for("/faq/return_costs", "Kosten") == RASA + "/faq/return_costs"
    long = callback_for("/" + "x" * 100, "Ein sehr langer Knopftitel mit Umlauten äöü und noch mehr Wörtern")
    assert len(long.encode("utf-8")) <= MAX_CALLBACK and long.startswith(RASA + "Ein sehr langer")


def test_empty_replies_send_nothing():
    assert render([]) == [] and render([Reply("   ")]) == []
