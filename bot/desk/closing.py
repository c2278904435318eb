"""Closing a case, withdrawing a person's cases (/delete) and the retention of closed cases: nothing the
person shared stays in the counsellors' group afterwards.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.desk import cases
from bot.desk.core import DeskConfig, notify_group, refresh_card, tell_person
from bot.desk.models import UPDATE, Appointment, Case
from bot.desk.outbox import enqueue
from bot.desk.texts import desk, say


def close_case(session: Session, config: DeskConfig, case: Case, counsellor: str, now: dt.datetime) -> None:
    """A counsellor closes the case: card, group and person are told; open offers are withdrawn."""
    case.close(now, case_appointments(session, case.number))
    refresh_card(session, config, case)
    notify_group(session, config, case.number, desk("closed", number=case.number, counsellor=counsellor))
    tell_person(session, case, UPDATE, say("case_closed", case.language, number=case.number))


def case_appointments(session: Session, number: int) -> List[Appointment]:
    return list(session.query(Appointment).filter(Appointment.case_number == number).order_by(Appointment.id))


def clear_group(session: Session, config: DeskConfig, messages: List[cases.GroupMessage],
                card_text_for: Callable[[int], str]) -> None:
    """Nothing the person shared stays in the group: each case's card is edited to `card_text_for(number)`,
    every other message of the case (notices quoting the person, relayed texts, copied photos and files,
    appointment notices) is deleted — or, where Telegram no longer allows deleting (after 48 hours),
    overwritten (bot/desk/outbox.py). Rows are enqueued without a case, so they outlive its deletion."""
    for message in messages:
        if message.card:
            payload: Dict[str, Any] = {"text": card_text_for(message.case_number), "edit": message.message_id}
        else:
            payload = {"delete": message.message_id, "text": desk("message_removed")}
        enqueue(session, UPDATE, config.group_chat_id, payload)


def withdraw_person(session: Session, config: DeskConfig, pseudonym: str) -> int:
    """The person deleted their data: remove their cases and every group message of them, and tell the
    counsellors, in one transaction. Cards of open and closed cases are edited to say it was withdrawn."""
    numbers = list(session.scalars(select(Case.number).where(Case.pseudonym == pseudonym)))
    messages = cases.group_messages(session, numbers, config.group_chat_id)
    withdrawn = cases.delete_person(session, pseudonym, commit=False)
    clear_group(session, config, messages, lambda number: desk("withdrawn", number=number))
    with_card = {m.case_number for m in messages if m.card}
    for item in withdrawn:
        if item.number not in with_card:  # the card never reached the group: say so in a notice
            enqueue(session, UPDATE, config.group_chat_id, {"text": desk("withdrawn", number=item.number)})
    session.commit()
    return len(withdrawn)


def purge_closed_cases(session: Session, config: DeskConfig, now: dt.datetime) -> int:
    """Retention of closed cases, their group messages included."""
    def clear(numbers: List[int]) -> Callable[[], None]:
        messages = cases.group_messages(session, numbers, config.group_chat_id)
        return lambda: clear_group(session, config, messages, lambda number: desk("retention_removed", number=number))

    return cases.purge_closed(session, config.retention_days, now=now, before_delete=clear)
