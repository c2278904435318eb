"""The handoff request's conversation logic, as plain functions the Rasa actions call.

The form (`handoff_form`, domain/handoff.yml) asks one question at a time: consent first, then topic,
language of counselling, contact way, the phone number only when phone was chosen, preferred times, an
optional name, and finally the summary to send, change or cancel. Every answer is a button (a payload
`/inform{"handoff_choice": "<key>"}`, `/affirm`, `/deny`, `/dont_know`, `/stop`) or free text.

Slots hold language-neutral keys ("money", "phone", "weekday_mornings"); the person's words are kept
only where free text was the answer (`handoff_topic_text`, `handoff_times_text`, a language's name).
`handoff_question` holds what the next question must say first ("not_understood", "phone_invalid").

The gateway (bot/) receives the confirmed request as `payload()`, whose fields and allowed values are the
contract in wegweiser/handoff.py; see docs/handoff.md.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import phonenumbers
from babel import Locale
from babel.lists import format_list

from wegweiser.content import language_codes, load_languages
from wegweiser.handoff import CONTACTS, REASONS, TOPICS, VERSION, load_handoff_texts
from wegweiser.handoff import TIMES as TIMES_KEYS
from wegweiser.nlu.language import requested_language
from wegweiser.render import country_name
from wegweiser.texts import localised

CONSENT, TOPIC, TOPIC_TEXT = "handoff_consent", "handoff_topic", "handoff_topic_text"
LANGUAGE, CONTACT, PHONE = "handoff_counselling_language", "handoff_contact", "handoff_phone"
TIMES, TIMES_TEXT, NAME = "handoff_times", "handoff_times_text", "handoff_name"
CONFIRM, QUESTION, REASON = "handoff_confirm", "handoff_question", "handoff_reason"
#: how the form ended ("send" or "declined"); the one slot the rules look at to choose what follows
OUTCOME = "handoff_outcome"
#: the form's questions in the order they are asked (PHONE only after CONTACT == "phone")
QUESTIONS = (CONSENT, TOPIC, LANGUAGE, CONTACT, PHONE, TIMES, NAME, CONFIRM)
#: cleared by "change" (everything but the consent)
ANSWERS = (TOPIC, TOPIC_TEXT, LANGUAGE, CONTACT, PHONE, TIMES, TIMES_TEXT, NAME, CONFIRM, QUESTION)
SLOTS = (CONSENT, *ANSWERS, REASON, OUTCOME)

YES, NO, SEND, SKIPPED = "yes", "no", "send", "skipped"
CHOICE_ENTITY = "handoff_choice"
CHANGE = "change"

#: intents that always leave or interrupt the form; Rasa's rules handle them (stop, crisis, goodbye)
LEAVING = {"stop", "crisis", "goodbye"}
#: intents answered in between by a rule, after which the form asks again
IN_BETWEEN = {"choose_language", "change_language", "legal_own_case", "faq"}
#: free text longer than this is not a name
NAME_MAX_WORDS = 4
#: a name or a language written out longer than this (characters) is asked again; the case store's
#: columns (bot/cases.py: name VARCHAR(128), counselling_language VARCHAR(64)) hold these with room
NAME_MAX_CHARS = 64
LANGUAGE_MAX_CHARS = 40
QUESTION_MARKS = ("?", "؟")


def text(section: str, key: str, language: str, values: Optional[Mapping[str, Any]] = None) -> str:
    """One sentence of content/handoff.yml in `language`, with {placeholders} filled."""
    return localised(load_handoff_texts()[section][key], language, values)


def choice(message: Mapping[str, Any]) -> Optional[str]:
    """The key a button sent (`/inform{"handoff_choice": "money"}`), if any."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == CHOICE_ENTITY and entity.get("value"):
            return str(entity["value"])
    return None


def reason(events: Sequence[Mapping[str, Any]]) -> str:
    """Why the handoff started, from what the assistant did just before the person asked for it."""
    user_turns = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not user_turns:
        return "asked"
    end = user_turns[-1]
    start = user_turns[-2] if len(user_turns) > 1 else -1
    actions = {event.get("name") for event in events[start + 1:end] if event.get("event") == "action"}
    for action, why in (("utter_crisis", "crisis"), ("utter_legal_own_case", "legal"),
                        ("action_support_answer", "lookup"), ("action_clarify", "not_understood")):
        if action in actions:
            return why
    return "asked"


def next_slot(slots: Mapping[str, Any]) -> Optional[str]:
    """The next question to ask, or None when the form is done (consent declined, or summary answered)."""
    if slots.get(CONSENT) == NO:
        return None
    for name in QUESTIONS:
        if name == PHONE and slots.get(CONTACT) != "phone":
            continue
        if slots.get(name) is None:
            return name
    return None


def outcome(slots: Mapping[str, Any]) -> Optional[str]:
    """How a finished form ended: "send" only after the final yes, "declined" after a no; None while it runs."""
    if next_slot(slots) is not None:
        return None
    return "send" if slots.get(CONSENT) == YES and slots.get(CONFIRM) == SEND else "declined"


def _is_question(message_text: str, intent: Optional[str]) -> bool:
    return intent == "faq" and message_text.strip().endswith(QUESTION_MARKS)


def understand(message: Mapping[str, Any], slots: Mapping[str, Any], language: str) -> Optional[Dict[str, Any]]:
    """Slot updates from one message while the form asks `requested_slot`.

    None means the message is not an answer (stop, crisis, an FAQ, another language): Rasa's rules
    handle it and the form asks again. An update with `handoff_question: "not_understood"` (or
    "phone_invalid") asks the same question again with that note.
    """
    requested = slots.get("requested_slot")
    intent = (message.get("intent") or {}).get("name")
    words = (message.get("text") or "").strip()
    picked = choice(message)
    if intent in LEAVING:
        return None
    if intent in IN_BETWEEN and not picked and not _answers_anyway(requested, intent, words):
        return None
    if requested == CONSENT:
        return _consent(intent)
    if requested == TOPIC:
        return _topic(picked, intent, words)
    if requested == LANGUAGE:
        return _counselling_language(picked, intent, words, language)
    if requested == CONTACT:
        return _contact(picked, words)
    if requested == PHONE:
        return _phone(intent, words)
    if requested == TIMES:
        return _times(picked, intent, words)
    if requested == NAME:
        return _name(intent, words)
    if requested == CONFIRM:
        return _confirm(picked, intent)
    return {}


def _answers_anyway(requested: Optional[str], intent: Optional[str], words: str) -> bool:
    """A message the classifier took for something else that still answers the question asked."""
    if intent == "legal_own_case":
        return requested == TOPIC
    if intent in ("choose_language", "change_language"):
        return requested == LANGUAGE
    if intent == "faq":  # free text that is not a question: a description of the topic or the times
        return requested in (TOPIC, TIMES, NAME, LANGUAGE, PHONE) and not _is_question(words, intent)
    return False


def _not_understood(note: str = "not_understood") -> Dict[str, Any]:
    return {QUESTION: note}


def _consent(intent: Optional[str]) -> Dict[str, Any]:
    if intent == "affirm":
        return {CONSENT: YES, QUESTION: None}
    if intent == "deny":
        return {CONSENT: NO, QUESTION: None}
    return _not_understood()


def _topic(picked: Optional[str], intent: Optional[str], words: str) -> Dict[str, Any]:
    if picked in TOPICS:
        return {TOPIC: picked, TOPIC_TEXT: None, QUESTION: None}
    if intent == "dont_know":
        return {TOPIC: "other", TOPIC_TEXT: None, QUESTION: None}
    if picked or not _has_words(words) or intent in ("affirm", "deny"):
        return _not_understood()
    # "I need an appointment" is classified as wanting a person: here it says what the request is about
    guessed = {"legal_own_case": "legal_case", "ask_support": "money", "request_human": "appointment"}.get(
        intent or "", "other")
    return {TOPIC: guessed, TOPIC_TEXT: words, QUESTION: None}


def language_names() -> Dict[str, str]:
    """Every language name CLDR knows, in every interface language, lower case -> code."""
    return dict(_language_names())


@lru_cache(maxsize=None)
def _language_names() -> Tuple[Tuple[str, str], ...]:
    names: Dict[str, str] = {}
    for ui in language_codes():
        for code, name in Locale.parse(ui).languages.items():
            if "_" not in code:
                names.setdefault(name.lower(), code)
    for language in load_languages():  # the interface languages' own names win ("farsi", "dari", ...)
        for name in (*language.names, language.native.lower()):
            names[name] = language.code
    return tuple(names.items())


def _counselling_language(picked: Optional[str], intent: Optional[str], words: str, language: str) -> Dict[str, Any]:
    if picked:
        return {LANGUAGE: picked, QUESTION: None}
    if intent == "dont_know":
        return {LANGUAGE: language, QUESTION: None}
    if not _has_words(words) or intent in ("affirm", "deny", "request_human"):
        return _not_understood()

    named = requested_language(words)
    if named:
        return {LANGUAGE: named, QUESTION: None}
    lowered = re.sub(r"(?<!\w)بال", "ال", words.lower())  # Arabic "in Persian": بالفارسية -> الفارسية
    names = language_names()
    for name in sorted(names, key=len, reverse=True):
        if len(name) > 2 and re.search(rf"(?<!\w){re.escape(name)}", lowered):
            return {LANGUAGE: names[name], QUESTION: None}
    if len(words.strip()) > LANGUAGE_MAX_CHARS:
        return _not_understood()
    return {LANGUAGE: words.strip(), QUESTION: None}


def _contact(picked: Optional[str], words: str) -> Dict[str, Any]:
    if picked in CONTACTS:
        return {CONTACT: picked, PHONE: None, QUESTION: None}
    lowered = f" {words.lower()} "
    table = load_handoff_texts()["contact_words"]
    for key in ("video", "in_person", "phone", "chat"):  # "video call" is video, not phone
        if any(re.search(rf"(?<!\w){re.escape(str(word).lower())}", lowered) for word in table[key]):
            return {CONTACT: key, PHONE: None, QUESTION: None}
    return _not_understood("contact_not_understood")


def normalise_phone(words: str, region: str = "DE") -> Optional[str]:
    """A German or international phone number in E.164 ("+4915123456789"), or None if there is none.

    Numbers without a country code are read as German ones.
    """
    for match in phonenumbers.PhoneNumberMatcher(words, region, leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    try:
        number = phonenumbers.parse(words, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def example_phone(region: str = "DE") -> str:
    """An example mobile number for the question, as people write it in Germany."""
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _phone(intent: Optional[str], words: str) -> Dict[str, Any]:
    if intent == "dont_know":  # no number after all: choose another way
        return {CONTACT: None, PHONE: None, QUESTION: None}
    number = normalise_phone(words)
    if number:
        return {PHONE: number, QUESTION: None}
    return _not_understood("phone_invalid")


def _times(picked: Optional[str], intent: Optional[str], words: str) -> Dict[str, Any]:
    if picked in TIMES_KEYS:
        return {TIMES: [picked], TIMES_TEXT: None, QUESTION: None}
    if intent == "dont_know":
        return {TIMES: ["any_time"], TIMES_TEXT: None, QUESTION: None}
    if picked or not _has_words(words) or intent in ("affirm", "deny", "request_human"):
        return _not_understood()
    return {TIMES: [], TIMES_TEXT: words, QUESTION: None}


def _name(intent: Optional[str], words: str) -> Dict[str, Any]:
    if intent in ("dont_know", "deny"):
        return {NAME: SKIPPED, QUESTION: None}
    if (not _has_words(words) or len(words.split()) > NAME_MAX_WORDS or len(words.strip()) > NAME_MAX_CHARS
            or words.startswith("/")
            or intent in ("affirm", "request_human")):
        return _not_understood()
    return {NAME: words, QUESTION: None}


def _confirm(picked: Optional[str], intent: Optional[str]) -> Dict[str, Any]:
    if intent == "affirm":
        return {CONFIRM: SEND, QUESTION: None}
    if intent == "deny":  # "no" to the summary: nothing is sent; the form ends
        return {CONFIRM: NO, QUESTION: None}
    if picked == CHANGE:  # every answer again, not the consent
        return {**{name: None for name in ANSWERS}, QUESTION: CHANGE}
    return _not_understood()


def _has_words(words: str) -> bool:
    return any(ch.isalnum() for ch in words) and not words.startswith("/")


# --- questions, summary, payload ---------------------------------------------------------------------

def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}


def choice_payload(key: str) -> str:
    return '/inform{"%s":"%s"}' % (CHOICE_ENTITY, key)


def native_name(code: str) -> str:
    for language in load_languages():
        if language.code == code:
            return language.native

    return Locale.parse(code).get_display_name(code) or code


def question(slot: str, slots: Mapping[str, Any], language: str,
             centre: Mapping[str, str]) -> Tuple[str, List[Dict[str, str]]]:
    """The text and buttons that ask for `slot`, with the pending note first."""
    pending = slots.get(QUESTION)
    buttons: List[Dict[str, str]] = []
    stop = button(text("buttons", "stop", language), "/stop")
    skip = button(text("buttons", "skip", language), "/dont_know")
    values = {**centre, "example": example_phone()}
    parts: List[str] = []
    if pending == "not_understood" and slot != CONSENT:
        parts.append(text("form", "not_understood", language))
    elif pending == CHANGE:
        parts.append(text("form", "change", language))
    if slot == CONSENT:
        parts.append(text("form", "consent_not_understood" if pending else "consent", language, values))
        buttons = [button(text("buttons", "yes", language), "/affirm"),
                   button(text("buttons", "no", language), "/deny")]
        return "\n\n".join(parts), buttons
    if slot == TOPIC:
        parts.append(text("form", "ask_topic", language))
        buttons = [button(text("topics", key, language), choice_payload(key)) for key in TOPICS] + [stop]
    elif slot == LANGUAGE:
        parts.append(text("form", "ask_language", language))
        codes = list(dict.fromkeys([language, "de", "en"]))
        buttons = [button(native_name(code), choice_payload(code)) for code in codes] + [stop]
    elif slot == CONTACT:
        parts = [text("form", "contact_not_understood" if pending else "ask_contact", language)]
        buttons = [button(text("contact", key, language), choice_payload(key)) for key in CONTACTS] + [stop]
    elif slot == PHONE:
        parts = [text("form", "phone_invalid" if pending else "ask_phone", language, values)]
        buttons = [skip, stop]
    elif slot == TIMES:
        parts.append(text("form", "ask_times", language))
        buttons = [button(text("times", key, language), choice_payload(key)) for key in TIMES_KEYS] + [stop]
    elif slot == NAME:
        parts.append(text("form", "ask_name", language))
        buttons = [skip, stop]
    elif slot == CONFIRM:
        parts.append(text("form", "summary_intro", language) + "\n" + summary(slots, language))
        parts.append(text("form", "confirm", language))
        buttons = [button(text("buttons", "send", language), "/affirm"),
                   button(text("buttons", "change", language), choice_payload(CHANGE)),
                   button(text("buttons", "cancel", language), "/stop")]
    return "\n\n".join(parts), buttons


def country_code(slots: Mapping[str, Any]) -> Optional[str]:
    """The ISO code of the country from the programme lookup (its summary, or its slot while it runs)."""
    found = re.search(r"(?:^|\s)country=([A-Z]{2})(?:\s|$)", slots.get("lookup_summary") or "")
    if found:
        return found.group(1)
    code = slots.get("lookup_country") or ""
    return code if re.fullmatch(r"[A-Z]{2}", code) else None


def _language_label(value: str, language: str) -> str:
    if value in language_codes() or re.fullmatch(r"[a-z]{2,3}", value):
        try:
            return Locale.parse(language).languages.get(value) or value
        except Exception:  # noqa: BLE001 - an unknown code: show it as given
            return value
    return value


def summary(slots: Mapping[str, Any], language: str) -> str:
    """The request as the person confirms it, in their language (also sent to the centre)."""


    lines: List[str] = []
    topic = text("topics", slots.get(TOPIC) or "other", language)
    if slots.get(TOPIC_TEXT):
        topic = f"{topic} – {slots[TOPIC_TEXT]}"
    lines.append("• " + text("summary", "topic", language, {"value": topic}))
    if slots.get(LANGUAGE):
        lines.append("• " + text("summary", "language", language,
                                 {"value": _language_label(str(slots[LANGUAGE]), language)}))
    if slots.get(CONTACT):
        contact = text("contact", slots[CONTACT], language)
        if slots.get(CONTACT) == "phone" and slots.get(PHONE):
            contact = f"{contact} ({slots[PHONE]})"
        lines.append("• " + text("summary", "contact", language, {"value": contact}))
    times = [text("times", key, language) for key in slots.get(TIMES) or [] if key in TIMES_KEYS]
    if slots.get(TIMES_TEXT):
        times.append(str(slots[TIMES_TEXT]))
    if times:
        lines.append("• " + text("summary", "times", language, {"value": format_list(times, locale=language)}))
    name = slots.get(NAME)
    lines.append("• " + (text("summary", "name", language, {"value": name}) if name and name != SKIPPED
                         else text("summary", "no_name", language)))
    code = country_code(slots)
    if code:
        lines.append("• " + text("summary", "country", language, {"value": country_name(code, language)}))
    if slots.get("lookup_summary"):
        lines.append("• " + text("summary", "lookup", language))
    return "\n".join(lines)


def payload(slots: Mapping[str, Any], language: str) -> Dict[str, Any]:
    """The confirmed request for the gateway (docs/handoff.md, version 1)."""
    name = slots.get(NAME)
    contact = slots.get(CONTACT) or "chat"
    return {
        "version": VERSION,
        "language": language,
        "counselling_language": slots.get(LANGUAGE) or language,
        "topic": slots.get(TOPIC) or "other",
        "topic_text": slots.get(TOPIC_TEXT),
        "contact": contact,
        "phone": slots.get(PHONE) if contact == "phone" else None,
        "times": [key for key in slots.get(TIMES) or [] if key in TIMES_KEYS],
        "times_text": slots.get(TIMES_TEXT),
        "name": name if name and name != SKIPPED else None,
        "country": country_code(slots),
        "lookup": slots.get("lookup_summary"),
        "reason": slots.get(REASON) if slots.get(REASON) in REASONS else "asked",
        "summary": summary(slots, language),
    }
