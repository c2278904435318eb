"""Actions around answers: the dated note after programme facts, and the clarifying question."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from wegweiser import unanswered
from wegweiser.content import default_language, load_topics, read_yaml
from wegweiser.dialogue.turn import clarify_topics, fact_note, faq_topic, previous_turn_failed, rendered_values
from wegweiser.paths import content_dir
from wegweiser.texts import message


@lru_cache(maxsize=None)
def topic_programmes() -> Mapping[str, Sequence[str]]:
    """Topics that state programme rules without a number in them, and which programme they describe."""
    return read_yaml(content_dir() / "fact_topics.yml")["topics"]


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or default_language()


class ActionFactNote(Action):
    """After an FAQ answer with programme facts: 'as of <date>', and that a counsellor confirms."""

    def name(self) -> Text:
        return "action_fact_note"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        latest = tracker.latest_message or {}
        topic = faq_topic(latest) or (latest.get("intent") or {}).get("name")  # FAQs, and the own-case answer
        note = fact_note(topic, _language(tracker), topic_programmes())
        if note:
            dispatcher.utter_message(text=note)
        return []


def remember_unanswered(tracker: Tracker, language: str) -> None:
    """Keeps the scrubbed question for `make review`, unless the person opted out (wegweiser/unanswered.py)."""
    latest = tracker.latest_message or {}
    if unanswered.opted_out(latest.get("metadata"), tracker.get_slot(unanswered.OPT_OUT_KEY)):
        return
    guesses = clarify_topics(latest, limit=1)
    unanswered.store(unanswered.Settings.from_env(), latest.get("text") or "", language,
                     f"faq/{guesses[0]}" if guesses else None, sender=tracker.sender_id)


class ActionClarify(Action):
    """When the assistant did not understand: offer the likeliest topics, then a counsellor."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        values = rendered_values(language)
        text = (tracker.latest_message or {}).get("text") or ""
        if not any(c.isalnum() for c in text):  # empty, spaces, only emoji or punctuation
            dispatcher.utter_message(text=message("empty_message", language, values))
            return []
        remember_unanswered(tracker, language)
        counsellor = {"title": message("clarify_counsellor_button", language), "payload": "/request_human"}
        if previous_turn_failed(tracker.events):
            dispatcher.utter_message(text=message("not_understood_again", language, values), buttons=[counsellor])
            return []
        titles = load_topics()
        buttons = [
            {"title": titles[topic].get(language) or titles[topic]["en"], "payload": f"/faq/{topic}"}
            for topic in clarify_topics(tracker.latest_message or {})
        ]
        dispatcher.utter_message(text=message("clarify", language, values), buttons=buttons + [counsellor])
        return []


class ActionUncovered(Action):
    """A question about return that no FAQ answers: say so honestly, offer a counsellor, and keep the
    scrubbed question for `make review` so maintainers see what to add."""

    def name(self) -> Text:
        return "action_uncovered"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        remember_unanswered(tracker, language)
        counsellor = {"title": message("clarify_counsellor_button", language), "payload": "/request_human"}
        dispatcher.utter_message(text=message("uncovered", language, rendered_values(language)), buttons=[counsellor])
        return []
