"""The per-turn slot updates: naming a language as an answer is not a switch."""
from __future__ import annotations

import pytest

from wegweiser.dialogue.turn import slot_updates


def test_naming_a_language_switches_but_not_as_the_counselling_language_answer():
    message = {"text": "Arabisch bitte", "intent": {"name": "choose_language"}, "entities": []}
    assert slot_updates({"language": "de"}, message)["language"] == "ar"
    asked = {"language": "de", "requested_slot": "handoff_counselling_language"}
    assert slot_updates(asked, message).get("language", "de") == "de"


@pytest.mark.parametrize("text, language", [
    ("Mein Mann schlägt mich und ich habe Angst", "de"), ("my husband beats me", "en"), ("زوجي يضربني كل يوم", "ar"),
    ("شوهرم کتکم میزند", "fa"), ("муж бьёт меня", "ru"), ("kocam beni dövüyor", "tr")])
def test_the_crisis_answer_gets_the_violence_helpline_where_violence_is_mentioned(text, language):
    from wegweiser.dialogue.turn import violence_line

    line = violence_line(text, language)
    assert "116 016" in line and line.startswith("\n• ")


@pytest.mark.parametrize("text", ["Ich will nicht mehr leben", "hallo", "Wer zahlt das Ticket?", ""])
def test_no_violence_helpline_without_violence(text):
    from wegweiser.dialogue.turn import violence_line

    assert violence_line(text, "de") == ""


def test_violence_line_is_a_slot_set_each_turn():
    updates = slot_updates({"language": "en", "language_locked": True}, {"text": "he hits me", "metadata": {}})
    assert "116 016" in updates["violence_line"]
    later = slot_updates({**updates, "language": "en", "language_locked": True}, {"text": "thanks", "metadata": {}})
    assert later.get("violence_line") == ""


def test_a_message_in_another_language_does_not_switch_the_conversation():
    """Ukrainian is not taken for Russian: the conversation keeps its language (or Telegram's hint)."""
    text = "Скільки грошей я отримаю на дорогу додому?"
    message = {"text": text, "intent": {"name": "other_language"}, "other_language": "uk", "metadata": {}}
    assert slot_updates({"language": "de"}, message).get("language", "de") == "de"
    assert slot_updates({}, {**message, "metadata": {"language_code": "en"}})["language"] == "en"
    assert slot_updates({"language": "de"}, {"text": text, "intent": {"name": "faq"}, "metadata": {}})["language"] == "ru"


def test_the_language_rasa_detected_is_used_without_a_detector_of_its_own(monkeypatch):
    """Rasa's parse result carries the message's language (components/tokenizer.py): the action server takes
    it and runs no lingua detector (issue 21, item 6: lingua's models stay out of the action server)."""
    from wegweiser.dialogue import turn
    from wegweiser.nlu import language

    def no_detector(*args, **kwargs):
        raise AssertionError("the action server ran the language detector")

    monkeypatch.setattr(turn, "detect", no_detector)
    monkeypatch.setattr(language, "_lingua", no_detector)
    parsed = {"text": "¿Cuánto dinero recibo para el viaje?", "metadata": {},
              "language_detection": {"language": "es", "confidence": 1.0}}
    assert slot_updates({"language": "de"}, parsed)["language"] == "es"
    nothing = {"text": "ok", "metadata": {}, "language_detection": {"language": None, "confidence": 0.0}}
    assert slot_updates({"language": "tr"}, nothing).get("language", "tr") == "tr"
    # a new conversation without evidence starts with Rasa's guess from the script (resolve's script_guess)
    unclear = {"text": "ممنون", "metadata": {}, "language_detection": {"language": None, "confidence": 0.0,
                                                                        "guess": "fa"}}
    assert slot_updates({}, unclear)["language"] == "fa"
    # a language the assistant does not offer is no evidence
    other = {**parsed, "language_detection": {"language": "xx", "confidence": 1.0}}
    assert slot_updates({"language": "de"}, other).get("language", "de") == "de"


def test_without_rasas_detection_the_language_is_detected_here(monkeypatch):
    """A button's payload or a model trained before Rasa passed the language on: detected as before."""
    from wegweiser.dialogue import turn

    calls = []
    real = turn.detect
    monkeypatch.setattr(turn, "detect", lambda text: calls.append(text) or real(text))
    assert slot_updates({"language": "de"}, {"text": "¿Cuánto dinero recibo para el viaje?", "metadata": {}})[
        "language"] == "es"
    assert calls == ["¿Cuánto dinero recibo para el viaje?"]
