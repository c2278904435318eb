"""Messages in languages the assistant does not speak: recognised, never taken for an offered language,
and answered with the languages on offer and a counsellor (wegweiser/other_language.py)."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from scripts.compare_pipelines import load_examples
from wegweiser.content import language_codes, load_languages, read_yaml
from wegweiser.nlu.other_language import UNKNOWN, answer, foreign_language, load_other_languages, reply
from wegweiser.paths import PROJECT_ROOT
from wegweiser.render import numbers_in, placeholders

SAMPLES = read_yaml(PROJECT_ROOT / "tests" / "data" / "other_language_messages.yml")["messages"]


def test_messages_in_other_languages_are_recognised(capsys):
    found = {(code, text): foreign_language(text) for code, texts in SAMPLES.items() for text in texts}
    right = sum(1 for (code, _), got in found.items() if got == code)
    missed = [text for (_, text), got in found.items() if got is None]
    with capsys.disabled():
        print(f"\nother languages: {right}/{len(found)} named right, {len(missed)} not recognised: {missed}")
    assert right / len(found) >= 0.85
    assert all(got in (None, code) for (code, _), got in found.items())  # never the wrong language


@pytest.mark.parametrize("code", ["ps", "ckb", "ku", "und"])
def test_languages_lingua_does_not_know_are_recognised_by_letters_words_or_script(code):
    assert all(foreign_language(text) == code for text in SAMPLES[code])


def test_offered_languages_are_never_foreign():
    """No training example and no short message of an offered language counts as another language
    (measured: 0 of 14,524 training examples on 2026-12-06)."""
    examples, _ = load_examples()
    texts = [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text) for _, text in examples]  # entity markup out
    short = read_yaml(PROJECT_ROOT / "tests" / "data" / "short_messages.yml")["messages"]
    texts += [text for messages in short.values() for text in messages]
    foreign = Counter(code for code in map(foreign_language, texts) if code)
    assert sum(foreign.values()) <= len(texts) / 2000, foreign


@pytest.mark.parametrize("text", ["ok", "5", "👍", "/faq/travel_costs", "", "Hallo مرحبا привет merhaba",
                                  "Что такое Grenzübertrittsbescheinigung?", "how do I get a laissez-passer",
                                  "Я стою на мосту и хочу прыгнуть"])
def test_no_evidence_or_an_offered_language_is_not_foreign(text):
    assert foreign_language(text) is None


def test_the_answer_is_in_the_language_where_a_text_exists_else_english():
    assert answer("uk") == tuple(load_other_languages()["texts"]["uk"].values())
    assert answer("ps") == answer(None) == answer(UNKNOWN) == tuple(load_other_languages()["texts"]["en"].values())


def test_reply_names_every_language_and_offers_a_counsellor_and_each_language():
    text, buttons = reply("fr")
    assert text.startswith("Désolé")
    for language in load_languages():
        assert language.native in text
    assert "112" in text and "{" not in text
    assert buttons[0]["payload"] == "/request_human"
    assert [b["payload"] for b in buttons[1:]] == [f'/choose_language{{"language":"{c}"}}' for c in language_codes()]


def test_every_text_carries_what_the_english_one_does():
    texts = load_other_languages()["texts"]
    english = texts["en"]["text"]
    for code, entry in texts.items():
        assert placeholders(entry["text"]) == placeholders(english), code
        assert numbers_in(entry["text"]) == numbers_in(english), code
        assert entry["button"].strip(), code
        assert "Wegweiser" in entry["text"], code


def test_texts_are_for_languages_the_assistant_does_not_speak():
    data = load_other_languages()
    offered = set(language_codes())
    assert not offered & (set(data["texts"]) - {data["fallback"]})
    assert not offered & set(data.get("letters") or {}) and not offered & set(data.get("words") or {})


def test_letters_used_to_recognise_languages_are_not_letters_of_offered_ones():
    offered_letters = "".join(language.letters for language in load_languages())
    for code, letters in (load_other_languages().get("letters") or {}).items():
        assert not set(letters) & set(offered_letters), code
        assert re.fullmatch(r"\w+", letters), code


def test_one_letter_of_another_language_in_a_longer_message_is_not_enough():
    assert foreign_language("Хочу вернуться домой в Київ") is None  # Russian with a Ukrainian place name
    assert foreign_language("Дякую, їду") == "uk"  # a word or two: one letter is enough


def test_an_independent_set_of_other_languages_is_not_answered_as_an_offered_language(capsys):
    """tests/nlu/other_languages.yml: 31 first messages in 20 languages, written before tuning by someone who
    never saw the detector's word lists. Measured 2026-12-06: 26 recognised as another language (named, or
    `und` for scripts nobody names: the English answer); 5 missed (Serbian in Latin letters, Croatian and
    Bulgarian without their own letters go to an offered language; Urdu in Latin letters named Swahili,
    Vietnamese named Portuguese)."""
    messages = read_yaml(PROJECT_ROOT / "tests" / "nlu" / "other_languages.yml")["messages"]
    found = [(m["lang"], foreign_language(m["text"])) for m in messages]
    recognised = [got for _, got in found if got is not None]
    with capsys.disabled():
        print(f"\nindependent other-language set: {len(recognised)}/{len(found)} recognised as not offered")
    assert len(recognised) / len(found) >= 0.8
    offered = set(language_codes())
    assert not [got for got in recognised if got in offered]
