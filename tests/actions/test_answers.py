"""The dated note after programme facts and the clarifying question."""
from __future__ import annotations

import asyncio

from actions.answers import ActionClarify, ActionFactNote
from tests.actions.conftest import make_tracker
from wegweiser.facts import all_facts
from wegweiser.render import format_day


def test_fact_note_names_the_sources_and_their_own_date_in_the_language(dispatcher):
    tracker = make_tracker("Reisegeld?", topic="travel_allowance", slots={"language": "de"})
    asyncio.run(ActionFactNote().run(dispatcher, tracker, {}))
    checked = all_facts()["reag_travel_allowance_adult"].checked
    assert len(dispatcher.messages) == 1
    note = dispatcher.messages[0]["text"]
    assert note.startswith("Quelle: ") and "Stand der Quelle: " in note
    assert format_day(checked, "de") not in note  # not the day the fact was typed in


def test_no_fact_note_for_answers_without_programme_facts(dispatcher):
    tracker = make_tracker("Bist du ein Mensch?", topic="bot_identity", slots={"language": "de"})
    asyncio.run(ActionFactNote().run(dispatcher, tracker, {}))
    assert dispatcher.messages == []


def test_clarify_offers_likely_topics_and_a_counsellor(dispatcher):
    tracker = make_tracker("hmm geld reise", intent="nlu_fallback",
                           ranking=["travel_allowance", "travel_costs", "startup_aid", "payout"],
                           slots={"language": "en"})
    asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/faq/travel_allowance", "/faq/travel_costs", "/faq/startup_aid", "/request_human"]


def test_second_miss_offers_a_counsellor_only(dispatcher):
    miss = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    tracker = make_tracker("hmm ??", intent="nlu_fallback", ranking=["payout"], slots={"language": "en"},
                           events=[miss, miss])
    asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/request_human"]


def test_empty_message_gets_asked_for_words(dispatcher):
    tracker = make_tracker("   ", intent="nlu_fallback", slots={"language": "de"})
    asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    from wegweiser.texts import message

    assert dispatcher.messages[0]["text"] == message("empty_message", "de", {})


def test_not_understood_question_is_kept_scrubbed_and_without_sender(dispatcher, data_dir):
    from wegweiser.unanswered import all_questions

    tracker = make_tracker("Bus nach Kyjiw, ruf mich an 0176 1234 5678", intent="nlu_fallback",
                           ranking=["travel_costs"], slots={"language": "de"})
    asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    questions = all_questions(data_dir / "unanswered.db")
    assert [(q.text, q.language, q.guess) for q in questions] == [
        ("Bus nach Kyjiw, ruf mich an [phone]", "de", "faq/travel_costs")]
    raw = (data_dir / "unanswered.db").read_bytes()
    assert b"tester" not in raw and b"1234" not in raw  # no sender id, no number


def test_nothing_is_kept_when_the_person_opted_out(dispatcher, data_dir):
    from wegweiser.unanswered import all_questions

    tracker = make_tracker("Bus nach Kyjiw?", intent="nlu_fallback", ranking=["travel_costs"],
                           slots={"language": "de"}, metadata={"learn_opt_out": True})
    asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
    assert dispatcher.messages  # still answered
    assert all_questions(data_dir / "unanswered.db") == []


def test_every_not_understood_reply_names_the_emergency_number(dispatcher):
    """A crisis in words the classifier and the term list miss still meets the emergency number."""
    from wegweiser.content import load_safety

    number = load_safety()["numbers"]["emergency_number"]
    miss = {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}}
    for language in ("de", "en", "ar", "fa", "ru", "tr"):
        for events in ([], [miss, miss]):
            dispatcher.messages.clear()
            tracker = make_tracker("hmm ??", intent="nlu_fallback", ranking=["payout"],
                                   slots={"language": language}, events=events)
            asyncio.run(ActionClarify().run(dispatcher, tracker, {}))
            assert number in dispatcher.messages[0]["text"], (language, events)


def test_other_language_gets_the_languages_on_offer_and_a_counsellor(dispatcher):
    from actions.other_language import ActionOtherLanguage

    tracker = make_tracker("Ile pieniędzy dostanę na podróż do domu?", intent="other_language",
                           slots={"language": "de"})
    tracker.latest_message["other_language"] = "pl"
    asyncio.run(ActionOtherLanguage().run(dispatcher, tracker, {}))
    (sent,) = dispatcher.messages
    assert sent["text"].startswith("Przepraszam") and "Македонски" in sent["text"]
    assert sent["buttons"][0]["payload"] == "/request_human"


def test_other_language_without_a_text_gets_english(dispatcher):
    from actions.other_language import ActionOtherLanguage

    tracker = make_tracker("ናብ ሃገረይ ክምለስ እደሊ", intent="other_language", slots={"language": "de"})
    tracker.latest_message["other_language"] = "und"
    asyncio.run(ActionOtherLanguage().run(dispatcher, tracker, {}))
    assert dispatcher.messages[0]["text"].startswith("Sorry, I cannot answer in your language yet.")
