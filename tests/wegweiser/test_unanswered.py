"""The unanswered-question store: what is removed before anything is kept, retention, grouping."""
from __future__ import annotations

import datetime as dt

import pytest

from wegweiser.unanswered import Question, Settings, all_questions, grouped, opted_out, purge, scrub, store


@pytest.mark.parametrize("text, kept", [
    ("Meine Nummer ist 0176 12345678, bitte anrufen", "Meine Nummer ist [phone], bitte anrufen"),
    ("ruf mich an: +49 (0)40 1234-567", "ruf mich an: [phone]"),
    ("Tel. 040/123 45 67 oder 0151-23456789", "Tel. [phone] oder [phone]"),
    ("0049 176 1234 5678", "[phone]"),
    ("call +1 415 555 2671 or +963 11 222 3333", "call [phone] or [phone]"),
    ("mail an max.mustermann@web.de!", "mail an [email]!"),
    ("my email: A.Name+x@mail.example.co.uk", "my email: [email]"),
    ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN [iban] bitte"),
    ("iban de89370400440532013000", "iban [iban]"),
    ("GB29 NWBK 6016 1331 9268 19 is my account", "[iban] is my account"),
    ("Aktenzeichen 7654321-423", "Aktenzeichen [number]"),
    ("geboren am 12.03.1990", "geboren am [number]"),
    ("رقمي ٠١٧٦١٢٣٤٥٦٧٨", "رقمي [number]"),
])
def test_scrub_removes_contact_details_and_long_digit_strings(text, kept):
    assert scrub(text) == kept


def test_scrub_keeps_amounts_ages_and_years():
    text = "Ich bin 18, habe 3 Kinder, seit 2024 hier; gibt es 200 € oder 1.000 €?"
    assert scrub(text) == text


def settings(tmp_path, days=30):
    return Settings(database=tmp_path / "unanswered.db", retention_days=days)


def test_questions_older_than_the_retention_are_deleted(tmp_path):
    today = dt.date(2026, 11, 25)
    store(settings(tmp_path), "old question", "en", None, today=today - dt.timedelta(days=31))
    store(settings(tmp_path), "recent question", "en", None, today=today - dt.timedelta(days=30))
    # storing today purges everything older than 30 days
    store(settings(tmp_path), "new question", "en", "faq/travel_costs", today=today)
    assert [q.text for q in all_questions(tmp_path / "unanswered.db")] == ["recent question", "new question"]
    assert purge(tmp_path / "unanswered.db", 0, today=today) == 1
    assert [q.text for q in all_questions(tmp_path / "unanswered.db")] == ["new question"]


def test_retention_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WEGWEISER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", "7")
    assert Settings.from_env() == Settings(tmp_path / "unanswered.db", 7)
    monkeypatch.setenv("UNANSWERED_RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        Settings.from_env()


def test_only_day_is_kept_and_nothing_without_words(tmp_path):
    assert store(settings(tmp_path), "0176 12345678", "de", None) is None
    store(settings(tmp_path), "Wo ist der Bus?", "de", None, today=dt.date(2026, 11, 2))
    (question,) = all_questions(tmp_path / "unanswered.db")
    assert question.day == "2026-11-02"


def test_opt_out_from_metadata_or_slot():
    assert opted_out({"learn_opt_out": True})
    assert opted_out({}, slot_value=True)
    assert not opted_out(None) and not opted_out({"learn_opt_out": False})


def test_similar_questions_are_grouped():
    texts = ["bus ticket to kyiv", "bus tickets to kyiv?", "Bus ticket to Kyiv please",
             "wie melde ich mein auto ab", "Auto abmelden wie", "какая погода"]
    groups = grouped([Question("2026-11-25", None, None, t) for t in texts])
    as_text = [sorted(q.text for q in g) for g in groups]
    assert as_text[0] == sorted(texts[:3])
    assert sorted(texts[3:5]) in as_text
    assert ["какая погода"] in as_text
