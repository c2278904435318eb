"""Actions of the handoff request (`handoff_form`): thin adapters over wegweiser.dialogue.handoff_form.

Rasa only collects the request and hands the confirmed one to the Telegram gateway as one custom
message; the gateway stores the case and then tells the person it was sent (docs/handoff.md).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from wegweiser.content import default_language
from wegweiser.dialogue.forms import answers_now
from wegweiser.dialogue.handoff_form import (CONFIRM, CONSENT, CONTACT, LANGUAGE, NAME, NO, OUTCOME, PHONE, REASON, SLOTS, TIMES,
                                    TOPIC, next_slot, outcome, payload, question, reason, text, understand)
from wegweiser.dialogue.turn import rendered_values


def _language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or default_language()


def _reset(keep_reason: bool = False) -> List[Dict[Text, Any]]:
    return [SlotSet(name, None) for name in SLOTS if not (keep_reason and name == REASON)]


class ValidateHandoffForm(FormValidationAction):
    """Takes the answer to the question asked and decides what to ask next (None: the form is done)."""

    def name(self) -> Text:
        return "validate_handoff_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        requested = tracker.get_slot("requested_slot")
        updates: Dict[str, Any] = {}
        if requested and answers_now(tracker.events, "handoff_form"):
            understood = understand(tracker.latest_message or {}, tracker.slots, _language(tracker))
            if understood is None:
                return []  # not an answer: Rasa's rules handle it, then the form asks again
            updates = understood
        slots = {**tracker.slots, **updates}
        events = [SlotSet(name, value) for name, value in updates.items()]
        ended = outcome(slots)
        if ended:
            events.append(SlotSet(OUTCOME, ended))
        return events + [SlotSet("requested_slot", next_slot(slots))]


class ActionAskHandoff(Action):
    """Asks one question of the form, with its buttons, in the person's language."""

    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        language = _language(tracker)
        words, buttons = question(self.slot, tracker.slots, language, rendered_values(language))
        dispatcher.utter_message(text=words, buttons=buttons)
        return []


class ActionAskHandoffConsent(ActionAskHandoff):
    slot = CONSENT


class ActionAskHandoffTopic(ActionAskHandoff):
    slot = TOPIC


class ActionAskHandoffLanguage(ActionAskHandoff):
    slot = LANGUAGE


class ActionAskHandoffContact(ActionAskHandoff):
    slot = CONTACT


class ActionAskHandoffPhone(ActionAskHandoff):
    slot = PHONE


class ActionAskHandoffTimes(ActionAskHandoff):
    slot = TIMES


class ActionAskHandoffName(ActionAskHandoff):
    slot = NAME


class ActionAskHandoffConfirm(ActionAskHandoff):
    slot = CONFIRM


class ActionHandoffStart(Action):
    """Before the form: forgets an earlier request's answers and notes why the handoff was offered."""

    def name(self) -> Text:
        return "action_handoff_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        return _reset() + [SlotSet(REASON, reason(tracker.events))]


class ActionHandoffSubmit(Action):
    """After the final "send": hands the confirmed request to the gateway, as ONE custom message.

    The REST channel returns it as `{"recipient_id": ..., "custom": {"handoff": {...}}}` (fields in
    docs/handoff.md). Rasa does not say "sent": the Telegram gateway commits the case and its outbox row
    first and then tells the person; the terminal chat, which cannot send, says so and gives the
    centre's contacts. The answers are cleared here so a phone number does not linger in the slots.
    """

    def name(self) -> Text:
        return "action_handoff_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(json_message={"handoff": payload(tracker.slots, _language(tracker))})
        return _reset()


class ActionHandoffDeclined(Action):
    """The form ended with "no" (to the consent, or to the summary): nothing is sent; the rule then
    gives the centre's contact details (utter_centre_contact)."""

    def name(self) -> Text:
        return "action_handoff_declined"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        key = "declined" if tracker.get_slot(CONSENT) == NO else "stopped"
        dispatcher.utter_message(text=text("form", key, _language(tracker)))
        return _reset()  # the rule follows with utter_centre_contact


class ActionHandoffStopped(Action):
    """"stop", "cancel", /cancel or the cancel button: the form is left, nothing is sent."""

    def name(self) -> Text:
        return "action_handoff_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=text("form", "stopped", _language(tracker)))
        return _reset()

