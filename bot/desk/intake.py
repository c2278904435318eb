"""Requests from the Rasa form: the case, its card and the person's confirmation in one transaction, and
what happens when a message of the desk cannot be delivered.

The gateway calls `handle_handoff` when Rasa returns `{"custom": {"handoff": payload}}`.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application, ContextTypes

from bot.db import utcnow
from bot.desk import cases
from bot.desk.cards import card_payload
from bot.desk.core import Desk, DeskConfig, notify_group, tell_person
from bot.desk.models import CARD, UPDATE, Case, Outbox
from bot.desk.texts import contact_values, desk, opening_note, say
from wegweiser.handoff import InvalidRequest

log = logging.getLogger(__name__)


def submit(session: Session, config: DeskConfig, pseudonym: str, chat_id: int, payload: Mapping[str, Any], *,
           request_id: Optional[str] = None, now: Optional[dt.datetime] = None) -> Case:
    """Case + card + the person's confirmation (with when to expect an answer) in one transaction."""
    moment = now or utcnow()

    def confirmation(case: Case) -> Tuple[int, Dict[str, Any]]:
        text = f"{say('request_sent', case.language, number=case.number)}\n\n{opening_note(case.language, moment)}"
        return case.chat_id, {"text": text}

    return cases.submit_request(
        session, pseudonym, chat_id, payload, request_id=request_id,
        card=lambda case: (config.group_chat_id, card_payload(case)), confirmation=confirmation,
    )


async def submit_handoff(application: Application, pseudonym: str, chat_id: int, payload: Mapping[str, Any],
                         request_id: Optional[str] = None) -> Case:
    """For the gateway: commit the request, then have the outbox deliver card and confirmation now."""
    d: Desk = application.bot_data["desk"]
    with d.sessions() as session:
        case = submit(session, d.config, pseudonym, chat_id, payload, request_id=request_id, now=d.clock())
    d.kick()
    return case


async def handle_handoff(context: ContextTypes.DEFAULT_TYPE, pseudonym: str, chat_id: int,
                         payload: Mapping[str, Any], request_id: Optional[str] = None) -> Optional[Case]:
    """What the gateway does with Rasa's `{"custom": {"handoff": payload}}`: commit the case, or tell the
    person — in their language — that it was not sent and how to reach the centre directly."""
    language = str(payload.get("language") or "de")
    d: Optional[Desk] = context.application.bot_data.get("desk")
    if d is None:
        await context.bot.send_message(chat_id, say("request_not_possible", language, **contact_values(language)))
        return None
    try:
        return await submit_handoff(context.application, pseudonym, chat_id, payload, request_id=request_id)
    except InvalidRequest as error:
        log.error("handoff request outside the contract: %s", error)
    except Exception:  # noqa: BLE001 - the database is away: nothing was committed, so say so
        log.exception("committing a handoff request failed")
    await context.bot.send_message(chat_id, say("request_failed", language, **contact_values(language)))
    return None


def report_failure(sessions: sessionmaker[Session], config: DeskConfig) -> Callable[[Outbox], None]:
    """A message to a person that Telegram refuses for good (they blocked the bot, deleted their account):
    the counsellors of the case are told, so a relayed answer is never lost silently."""
    def report(row: Outbox) -> None:
        if row.case_number is None:
            return
        if row.kind == CARD:  # the counsellors never saw the request: alert them, tell the person honestly
            with sessions() as session:
                notify_group(session, config, row.case_number, desk("card_failed", number=row.case_number),
                             reply_to_card=False)
                case = cases.get_case(session, row.case_number)
                if case is not None:
                    tell_person(session, case, UPDATE, say("request_card_failed", case.language, number=case.number,
                                                           **contact_values(case.language)))
                session.commit()
            return
        if row.chat_id == config.group_chat_id:
            return
        with sessions() as session:
            notify_group(session, config, row.case_number, desk("undeliverable", number=row.case_number))
            session.commit()

    return report


def annotate_redelivery(config: DeskConfig) -> Callable[[Outbox, str], str]:
    """Marks a message to the group that is sent again after a crash (see bot/desk/outbox.py)."""
    def annotate(row: Outbox, text: str) -> str:
        return f"{desk('redelivered')}\n\n{text}" if row.chat_id == config.group_chat_id else text

    return annotate
