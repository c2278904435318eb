"""End to end with the real Rasa and action servers: what people ask through the REST channel (as the
gateway sends it, with a multiplier's deep-link code as metadata) is counted in the needs report, and the
handbook holds the very text the assistant sent."""
from __future__ import annotations

from scripts.launch import tracker_db_path
from tests.conftest import new_sender
from wegweiser.faq import load_faq_answers
from wegweiser.maintenance.handbook import spoken_answer
from wegweiser.maintenance.needs_report import build_report, load_multipliers, period_for

QUESTIONS = {"de": ("Wie viel Reisebeihilfe bekommt ein Erwachsener?", "travel_allowance"),
             "ar": ("من يدفع ثمن تذكرة الطيران؟", "travel_costs")}


def test_questions_with_a_deep_link_code_are_counted_per_organisation(rasa_services, rasa_chat):
    code, entry = next(iter(load_multipliers().items()))
    for _ in range(5):
        rasa_chat.send(QUESTIONS["de"][0], sender=new_sender(), metadata={"start": code, "language_code": "de"})
    rasa_chat.send(QUESTIONS["de"][0], sender=new_sender(), metadata={"start": "no-such-code"})
    url = f"sqlite:///{tracker_db_path(rasa_services.data_dir)}"
    report = build_report(url, None, period_for(), k=5)
    rows = {row[0]: row[1:] for t in report.tables if t.key == "sources" for row in t.cells(5)}
    assert rows == {entry["name"]: ["5"], "unbekannter Code": ["< 5"]}
    topics = {row[0]: row[1:] for t in report.tables if t.key == "topics" for row in t.cells(5)}
    assert int(topics["Reisegeld"][0]) >= 6
    languages = {row[0]: row[1:] for t in report.tables if t.key == "languages" for row in t.cells(5)}
    assert int(languages["Deutsch"][0]) >= 6


def test_the_handbook_answer_is_the_text_the_assistant_sent(rasa_chat):
    for language, (question, topic) in QUESTIONS.items():
        texts = [reply.get("text") or "" for reply in rasa_chat.send(question, metadata={"language_code": language})]
        answer, note = spoken_answer(topic, load_faq_answers()[topic][language], language)
        assert texts[0] == answer, language
        assert note and texts[1] == note, language
