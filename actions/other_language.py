"""The answer to a message in a language the assistant does not speak (wegweiser/other_language.py)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from wegweiser.nlu.other_language import reply


class ActionOtherLanguage(Action):
    """Which languages the assistant speaks, a counsellor with an interpreter, and the emergency number,
    in the message's language where content/other_languages.yml has it, else in English; with a button
    for the counsellor and one per language on offer."""

    def name(self) -> Text:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text, buttons = reply((tracker.latest_message or {}).get("other_language"))
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
