"""Answers' {placeholders} are filled by Rasa's response generator in the answer language, from content/."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from components.nlg import PlaceholderNaturalLanguageGenerator
from wegweiser.render import placeholders
from wegweiser.dialogue.turn import rendered_values
from wegweiser.texts import message

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.importers.importer import TrainingDataImporter

    return TrainingDataImporter.load_from_config(str(ROOT / "config.yml"), str(ROOT / "domain"),
                                                 [str(ROOT / "data")]).get_domain()


def answer(domain, action: str, slots: dict) -> str:
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker("nlg-test", domain.slots)
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    generator = PlaceholderNaturalLanguageGenerator(domain=domain)
    return asyncio.run(generator.generate(action, tracker, "rest"))["text"]


@pytest.mark.parametrize("language", ["de", "en", "ar", "fa", "ru", "tr"])
def test_the_answer_language_fills_the_facts(domain, language):
    text = answer(domain, "utter_faq/travel_allowance", {"language": language})
    assert rendered_values(language)["reag_travel_allowance_adult"] in text
    assert not placeholders(text)


def test_every_response_is_filled_in_every_language(domain):
    slot_names = {slot.name for slot in domain.slots}
    for action in domain.responses:
        for language in ("de", "en", "ar", "fa", "ru", "tr"):
            text = answer(domain, action, {"language": language}) or ""
            assert not placeholders(text) - slot_names, (action, language)


def test_placeholders_are_no_slots(domain):
    """Only the per-message texts (violence helpline, personal lead, a general part's short form) are slots; the
    rendered default is "" or, for a general part, its full text."""
    from wegweiser.render import PER_MESSAGE_GENERAL, PER_MESSAGE_PLACEHOLDERS

    per_message = set(PER_MESSAGE_PLACEHOLDERS) | set(PER_MESSAGE_GENERAL)
    assert {slot.name for slot in domain.slots} & set(rendered_values("de")) == per_message
    assert all(rendered_values("de")[name] == "" for name in PER_MESSAGE_PLACEHOLDERS)
    assert all(rendered_values("de")[name] == message(name, "de", rendered_values("de")) != ""
               for name in PER_MESSAGE_GENERAL)


def test_a_slot_not_set_yet_leaves_the_empty_default():
    from components.nlg import response_values

    values = response_values({"language": "de", "personal_lead": None, "violence_line": "\n• 116 016"})
    assert values["personal_lead"] == "" and values["violence_line"] == "\n• 116 016"


def test_georgian_answers_join_the_case_ending_to_the_date(domain):
    """"{reag_syria_since}-დან" reads "2025 წლის 13 იანვრიდან", not "13 იანვარი, 2025-დან" (from 2025)."""
    import re

    text = answer(domain, "utter_faq/startup_aid", {"language": "ka"})
    assert "წლის" in text
    assert not re.search(r"\d[^.;\n]{0,20}-დან", text), text
