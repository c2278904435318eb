"""What the assistant decides on each turn, as plain functions of the slots and the latest message."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Sequence

from wegweiser.content import language_codes, load_topics, normalise_hint
from wegweiser.dialogue.personal import general_part, lead_for_message
from wegweiser.facts import all_facts, load_programmes
from wegweiser.faq import load_faq_answers
from wegweiser.nlu.language import (DETECT_CHARS, Detection, detect, detection_in, guess_in, requested_language,
                                    resolve)
from wegweiser.nlu.safety import mentions_violence
from wegweiser.render import currency_statement, placeholders, template_values
from wegweiser.texts import message

FALLBACK_INTENT = "nlu_fallback"


@lru_cache(maxsize=None)
def rendered_values(language: str) -> Mapping[str, str]:
    return template_values(language)


def explicit_language(latest_message: Mapping[str, Any]) -> Optional[str]:
    """A language the person chose: a language button, or naming a language when asking to switch."""
    codes = set(language_codes())
    for entity in latest_message.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in codes:
            return str(entity["value"])
    intent = (latest_message.get("intent") or {}).get("name")
    if intent in ("choose_language", "change_language"):
        return requested_language(latest_message.get("text") or "")
    return None


#: questions whose answer may name a language without switching the conversation to it
NOT_A_SWITCH = {"handoff_counselling_language"}


def slot_updates(slots: Mapping[str, Any], latest_message: Mapping[str, Any]) -> Dict[str, Any]:
    """The slots to change this turn: the answer language and whether the person chose it.

    Answers' {placeholders} are not slots: Rasa's response generator fills them in the answer language
    (components/nlg.py)."""
    text = (latest_message.get("text") or "")[:DETECT_CHARS]
    metadata = latest_message.get("metadata") or {}
    state = resolve(
        slots.get("language"),
        bool(slots.get("language_locked")),
        explicit=None if slots.get("requested_slot") in NOT_A_SWITCH else explicit_language(latest_message),
        detected=None if in_other_language(latest_message) else detected_language(latest_message, text),
        hint=normalise_hint(metadata.get("language_code") or metadata.get("language")),
        text=text,
        guess=lambda text: guess_in(latest_message, text),
    )
    wanted: Dict[str, Any] = {"language": state.language, "language_locked": state.locked}
    wanted["violence_line"] = violence_line(text, state.language)
    topic = faq_topic(latest_message)
    wanted["personal_lead"] = lead_for_message(topic, text, state.language, slots)
    wanted["eligibility_groups"] = general_part(topic, text, state.language)
    return {name: value for name, value in wanted.items() if _changed(slots.get(name), value)}


def detected_language(latest_message: Mapping[str, Any], text: str) -> Optional[Detection]:
    """The message's language as Rasa's tokenizer detected it (the parse result's `language_detection`), so
    the action server holds no lingua models; detected here only when the parse result has none (a button's
    payload, a model trained before Rasa passed it on)."""
    carried, detection = detection_in(latest_message, language_codes())
    return detection if carried else detect(text)


def in_other_language(latest_message: Mapping[str, Any]) -> bool:
    """Whether the message is in a language the assistant does not speak (components.overrides
    .OtherLanguageGuard): its words then say nothing about the answer language (Ukrainian is not Russian)."""
    return bool(latest_message.get("other_language"))


def _changed(old: Any, new: Any) -> bool:
    """An empty per-message text is the same as a slot never set: no event for it."""
    if new == "" and old in (None, ""):
        return False
    return old != new


def violence_line(text: str, language: str) -> str:
    """The violence helpline for the crisis answer, when the message mentions violence; else nothing."""
    if not mentions_violence(text):
        return ""
    return message("violence_line", language, rendered_values(language))


def faq_topic(latest_message: Mapping[str, Any]) -> Optional[str]:
    """The FAQ topic the response selector chose for the latest message."""
    selected = ((latest_message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    key = selected.get("intent_response_key") or ""
    return key.split("/", 1)[1] if key.startswith("faq/") else None


def fact_note(topic: Optional[str], language: str, topic_programmes: Mapping[str, Sequence[str]]) -> Optional[str]:
    """'Source: <publisher>, as of <the source's date> … a counsellor confirms your case' for answers that
    state programme facts."""
    if not topic:
        return None

    texts = load_faq_answers().get(topic, {})
    names = set().union(*(placeholders(t) for t in texts.values())) if texts else set()
    facts = {name for name in names if name in all_facts()}
    if not facts:  # an answer that states a programme's rules in words: all of that programme's facts
        for programme_id in topic_programmes.get(topic, ()):
            programme = load_programmes()[programme_id]
            facts |= {f"{programme_id}_{key}" for key in programme.facts}
    statement = currency_statement(facts, language)
    if statement is None:
        return None
    return message("fact_note", language, {"as_of": statement})


def clarify_topics(latest_message: Mapping[str, Any], limit: int = 3) -> List[str]:
    """The most likely FAQ topics for a message the assistant did not understand."""
    ranking = ((latest_message.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    topics = load_topics()
    found: List[str] = []
    for entry in ranking:
        key = entry.get("intent_response_key") or ""
        topic = key.split("/", 1)[1] if "/" in key else key
        if topic in topics and topic not in found:
            found.append(topic)
        if len(found) == limit:
            break
    return found


def previous_turn_failed(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the user message before the latest one was not understood either."""
    user_events = [e for e in events if e.get("event") == "user"]
    if len(user_events) < 2:
        return False
    intent = ((user_events[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return intent == FALLBACK_INTENT
