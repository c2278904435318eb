"""Actions of the programme lookup form: thin adapters over wegweiser.dialogue.lookup_form, .eligibility and
.lookup_answer (all plain functions with their own tests)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from babel.lists import format_list
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from wegweiser.content import default_language
from wegweiser.dialogue.eligibility import assess
from wegweiser.dialogue.forms import answers_now
from wegweiser.dialogue.lookup_answer import render, text
from wegweiser.dialogue.lookup_form import SLOTS, next_question, person, required_slots, summary, understand
from wegweiser.render import country_name


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or default_language()


def _reset() -> List[Dict[Text, Any]]:
    return [SlotSet(name, None) for name in SLOTS]


class ValidateSupportForm(FormValidationAction):
    """Takes whatever the message says about country, family, status and car; decides what to ask next."""

    def name(self) -> Text:
        return "validate_support_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        requested = tracker.get_slot("requested_slot")
        fresh = answers_now(tracker.events, "support_form")  # not a return after an interruption
        updates = {}
        if fresh or not requested:
            updates = understand(message.get("text") or "", tracker.get_slot("language"), intent, tracker.slots)
        if fresh and requested and not updates:
            return []  # not an answer to the question: Rasa's rules handle it, then the form asks again
        slots = {**tracker.slots, **updates}
        missing = [name for name in required_slots(slots) if slots.get(name) is None]
        events = [SlotSet(name, value) for name, value in updates.items()]
        return events + [SlotSet("requested_slot", missing[0] if missing else None)]


class ActionAskLookup(Action, ABC):
    """Asks for the requested slot: the plain question, or the clarification that is pending."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        slots = {**tracker.slots, "requested_slot": self.slot}
        key, values = next_question(slots)
        buttons = []
        if "codes" in values:
            names = [country_name(code, language) for code in values["codes"]]
            buttons = [{"title": name, "payload": name} for name in names]

            style = "or" if key == "ambiguous_country" else "standard"
            values = {"countries": format_list(names, style=style, locale=language)}
        elif self.slot == "lookup_family":
            alone = text("form", "alone_button", language)
            buttons = [{"title": alone, "payload": alone}]
        buttons += [
            {"title": text("form", "skip_button", language), "payload": "/dont_know"},
            {"title": text("form", "stop_button", language), "payload": "/stop"},
        ]
        question = text("form", key, language, values)
        if first_question(tracker.events) and key in ("ask_country", "ask_family"):
            # answer first: what is known already (general amounts, or per person for the country),
            # then the question that makes it personal
            dispatcher.utter_message(text=render(assess(person(slots)), language))
            question = text("form", "intro", language) + "\n\n" + question
        dispatcher.utter_message(text=question, buttons=buttons)
        return []


class ActionAskLookupCountry(ActionAskLookup):
    slot = "lookup_country"  # type: ignore[assignment]


class ActionAskLookupFamily(ActionAskLookup):
    slot = "lookup_family"  # type: ignore[assignment]


def first_question(events: List[Dict[Text, Any]]) -> bool:
    """Whether the lookup has asked nothing yet since it started (action_support_intro)."""
    for event in reversed(events):
        name = event.get("name") if event.get("event") == "action" else None
        if name in ("action_ask_lookup_country", "action_ask_lookup_family"):
            return False
        if name == "action_support_intro":
            return True
    return False


class ActionSupportIntro(Action):
    """Starts a lookup with empty slots; what is known is answered before the first question."""

    def name(self) -> Text:
        return "action_support_intro"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return _reset()


class ActionSupportAnswer(Action):
    """The answer: programmes, calculation, date and the counsellor note; offers a counsellor."""

    def name(self) -> Text:
        return "action_support_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        assessment = assess(person(tracker.slots))
        counsellor = {"title": text("answer", "counsellor_button", language), "payload": "/request_human"}
        dispatcher.utter_message(text=render(assessment, language), buttons=[counsellor])
        outcomes = " ".join(f"{r.programme}={r.outcome}" for r in assessment.results)
        record = " ".join(filter(None, [summary(tracker.slots), outcomes, *assessment.counsellor_checks]))
        return _reset() + [SlotSet("lookup_summary", record)]


class ActionSupportStopped(Action):
    def name(self) -> Text:
        return "action_support_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=text("form", "stopped", _language(tracker)))
        return _reset()
