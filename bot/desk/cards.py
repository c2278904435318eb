"""The case card in the counsellors' group (German, the person's language shown) and the /cases overview.

A card holds only what the person agreed to share: never the Telegram name, username or id.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from sqlalchemy.orm import Session

from bot.desk import cases
from bot.desk.models import CLOSED, NEW, Case
from bot.desk.texts import country_name, desk, format_when, language_name, load_desk_content
from bot.render import MAX_TEXT, fit

CASE_BUTTON = "case:"
CASE_ACTIONS = ("take", "propose", "close")
#: UTF-16 units kept free on a card for the note a re-sent card carries (bot/desk/outbox.py)
REDELIVERY_ROOM = 200


def _given(value: Any) -> str:
    if value is None or value == "" or value == []:
        return desk("not_given")
    return str(value)


def _label(group: str, key: Optional[str]) -> str:
    """A German label for a contract value (topic, times, reason); an unknown value is shown as it is."""
    if not key:
        return desk("not_given")
    labels = load_desk_content()["desk"].get(group, {})
    return str(labels.get(key, key))


def _lookup_text(lookup: Any) -> str:
    """The programme lookup as the form recorded it: a short text, or a mapping shown as key: value."""
    if isinstance(lookup, Mapping):
        return "; ".join(f"{key}: {value}" for key, value in lookup.items() if value not in (None, ""))  or desk("not_given")
    if isinstance(lookup, (list, tuple)):
        return "; ".join(str(item) for item in lookup) or desk("not_given")
    return _given(lookup)


def contact_text(case: Case) -> str:
    """The contact way; the phone number only when the person chose to be phoned."""
    if case.contact == "phone":
        return desk("contact.phone", phone=case.phone or desk("not_given"))
    return desk(f"contact.{case.contact}")


def card_text(case: Case) -> str:
    times = ", ".join([*(_label("times", t) for t in case.times), *([case.times_text] if case.times_text else [])])
    topic = _label("topic", case.topic) + (f" – {case.topic_text}" if case.topic_text else "")
    text = desk(
        "card",
        number=case.number,
        status=desk(f"status.{case.status}"),
        language=language_name(case.language),
        counselling_language=language_name(case.counselling_language or case.language),
        topic=topic,
        country=country_name(case.country),
        lookup=_lookup_text(case.lookup),
        contact=contact_text(case),
        times=_given(times),
        name=_given(case.name),
        reason=_label("reason", case.reason),
        summary=_given(case.summary),
    )
    if case.counsellor_name and case.status != NEW:
        text += "\n\n" + desk("card_taken", counsellor=case.counsellor_name)
    return fit(text, MAX_TEXT - REDELIVERY_ROOM)  # Telegram counts UTF-16 units; room for the re-send note


def card_buttons(case: Case) -> List[List[Dict[str, str]]]:
    if case.status == CLOSED:
        return []
    n = case.number
    return [
        [{"text": desk("button_take"), "data": f"{CASE_BUTTON}{n}:take"},
         {"text": desk("button_propose"), "data": f"{CASE_BUTTON}{n}:propose"}],
        [{"text": desk("button_close"), "data": f"{CASE_BUTTON}{n}:close"}],
    ]


def card_payload(case: Case) -> Dict[str, Any]:
    return {"text": card_text(case), "buttons": card_buttons(case)}


def cases_overview(session: Session) -> str:
    open_ = cases.open_cases(session)
    if not open_:
        return desk("cases_none")
    lines = [desk("cases_header")]
    for case in open_:
        lines.append(desk("cases_line", number=case.number, status=desk(f"status.{case.status}"),
                          language=language_name(case.language), topic=_label("topic", case.topic),
                          country=country_name(case.country),
                          since=format_when(case.created_at, "de")))
    return fit("\n".join(lines), MAX_TEXT)
