"""The relay between a counsellor and the person, once a case is taken.

Counsellors write by replying to the case's card (or to any desk message of that case) or with
`/reply <case> <text>`; the person receives it from the bot, framed "Your counsellor writes:" in their
language. While the relay is open, the person's messages go to the case's thread in the group and Rasa
is not asked. Photos, documents and voice notes are copied (Telegram's copyMessage: no sender shown). `/end` on either side ends the relay and the person is told the assistant answers
again. Everything travels through the outbox, so a relayed message survives a Telegram outage or a restart.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session
from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.db import utcnow
from bot.desk import cases
from bot.desk.core import (
    Command,
    DeskConfig,
    counsellor_command,
    desk_of,
    done,
    in_desk,
    is_counsellor,
    notify_group,
    refresh_card,
    run_db,
    tell_person,
)
from bot.desk.models import RELAY, UPDATE, Case
from bot.desk.outbox import enqueue
from bot.desk.texts import desk, say


# --- plain functions (the caller commits) -----------------------------------------------------------

def take(session: Session, config: DeskConfig, case: Case, counsellor_id: int, counsellor: str) -> None:
    """A counsellor takes the case (or re-opens its relay): the person is told someone is there."""
    if case.take(counsellor_id, counsellor, utcnow()):
        tell_person(session, case, UPDATE, say("relay_started", case.language))
    refresh_card(session, config, case)
    notify_group(session, config, case.number, desk("taken", number=case.number, counsellor=counsellor))


def to_person(session: Session, config: DeskConfig, case: Case, text: str) -> Optional[str]:
    """Relay a counsellor's text; returns a notice for the counsellor when it cannot be relayed."""
    refused = _not_relaying(case)
    if refused:
        return refused
    tell_person(session, case, RELAY, say("relay_frame", case.language, text=text))
    return None


def media_to_person(session: Session, config: DeskConfig, case: Case, from_chat_id: int,
                    message_id: int) -> Optional[str]:
    """Relay a counsellor's photo, document or voice note (copied: the counsellor's account is not shown)."""
    refused = _not_relaying(case)
    if refused:
        return refused
    tell_person(session, case, RELAY, say("relay_media_frame", case.language))
    enqueue(session, RELAY, case.chat_id, {"copy": {"chat_id": from_chat_id, "message_id": message_id}},
            case_number=case.number)
    return None


def _not_relaying(case: Case) -> Optional[str]:
    """Why nothing can be relayed to the person of this case now (closed, or nobody took it), or None."""
    if not case.is_open:
        return desk("case_is_closed", number=case.number)
    if not case.relay_open:
        return desk("not_taken", number=case.number)
    return None


def media_from_person(session: Session, config: DeskConfig, chat_id: int, message_id: int) -> bool:
    """Relay the person's photo, document or voice note to the case thread if a relay is open."""
    case = cases.relay_case_for_chat(session, chat_id)
    if case is None:
        return False
    notify_group(session, config, case.number, desk("person_sends", number=case.number))
    reply_to = cases.card_message_id(session, case.number)
    enqueue(session, RELAY, config.group_chat_id,
            {"copy": {"chat_id": chat_id, "message_id": message_id}, **({"reply_to": reply_to} if reply_to else {})},
            case_number=case.number)
    return True


def from_person(session: Session, config: DeskConfig, chat_id: int, text: str) -> bool:
    """Relay the person's text to the case thread if a relay is open; False: Rasa answers as usual."""
    case = cases.relay_case_for_chat(session, chat_id)
    if case is None:
        return False
    notify_group(session, config, case.number, desk("person_writes", number=case.number, text=text))
    return True


def end(session: Session, config: DeskConfig, case: Case, who: str) -> bool:
    """End the relay (the case stays open); False when there was none to end."""
    if not case.end_relay():
        return False
    tell_person(session, case, UPDATE, say("relay_ended", case.language))
    notify_group(session, config, case.number, desk("relay_ended", number=case.number, who=who))
    return True


# --- handlers ----------------------------------------------------------------------------------------

def _replied_case(session: Session, config: DeskConfig, update: Update) -> Optional[Case]:
    replied = update.effective_message.reply_to_message if update.effective_message else None
    if replied is None:
        return None
    return cases.case_for_message(session, config.group_chat_id, replied.message_id)


async def group_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A counsellor's reply to a case message in the group: to the person."""
    d = desk_of(context)
    with d.sessions() as session:
        case = _replied_case(session, d.config, update)
        if case is None:
            return  # ordinary talk among counsellors
        if not await is_counsellor(context.bot, d.config, update.effective_user.id):
            raise ApplicationHandlerStop
        message = update.effective_message
        if message.text:
            notice = to_person(session, d.config, case, message.text)
        else:
            notice = media_to_person(session, d.config, case, message.chat_id, message.message_id)
        session.commit()
    await done(update, d, notice)


@counsellor_command()
def reply_command(command: Command) -> Optional[str]:
    """/reply <case> <text>: to the person of that case."""
    if command.number is None or not command.rest:
        return desk("usage_reply")
    case = command.case()
    if case is None:
        return desk("no_such_case", number=command.number)
    return to_person(command.session, command.config, case, command.rest)


@counsellor_command()
def end_for_counsellor(command: Command) -> Optional[str]:
    """/end <case>, or /end as a reply to a message of the case, in the desk: the case's relay ends."""
    if command.number is not None:
        case = command.case()
    else:
        case = _replied_case(command.session, command.config, command.update)
    if case is None:
        return desk("usage_end")
    ended = end(command.session, command.config, case, command.counsellor)
    return None if ended else desk("not_taken", number=case.number)


async def end_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/end: a counsellor ends a case's relay (number or reply); a person ends their own relay."""
    d = desk_of(context)
    if in_desk(update, d.config):
        await end_for_counsellor(update, context)
    if update.effective_chat.type != "private":
        return
    with d.sessions() as session:
        case = cases.relay_case_for_chat(session, update.effective_chat.id)
        if case is None:
            return  # no relay: the gateway answers /end as it answers any unknown command
        end(session, d.config, case, desk("the_person"))
        session.commit()
    d.kick()
    raise ApplicationHandlerStop


async def person_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The person's message while a relay is open: to the counsellors, and Rasa stays silent."""
    d = desk_of(context)
    message = update.effective_message

    def relay() -> bool:
        with d.sessions() as session:
            if message.text:
                relayed = from_person(session, d.config, message.chat_id, message.text)
            else:
                relayed = media_from_person(session, d.config, message.chat_id, message.message_id)
            if relayed:
                session.commit()
            return relayed

    # every private message passes here: its database work runs off the event loop, with a deadline
    if not await run_db(relay):
        return
    d.kick()
    raise ApplicationHandlerStop

