"""What every part of the desk shares: its state (`Desk`), who may act and where, the one decorator for
counsellor commands and buttons, and the three ways the desk speaks (the card, the group, the person).

Every message goes through the outbox (bot/desk/outbox.py): these helpers add rows to the caller's
transaction, and `Desk.kick` has them delivered as soon as it commits.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, NoReturn, Optional, Sequence, Tuple

from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot.db import utcnow
from bot.desk import cases
from bot.desk.cards import card_payload
from bot.desk.models import CARD, PENDING, UPDATE, Case, Outbox
from bot.desk.outbox import OutboxWorker, enqueue
from bot.desk.texts import desk
from bot.render import MAX_ANSWER, fit, split_text

log = logging.getLogger(__name__)

MEMBER_STATUSES = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
Clock = Callable[[], dt.datetime]
#: seconds a desk handler's database work may take before the handler gives up (it runs in a thread)
DB_TIMEOUT = 10.0
#: case numbers and other ids in commands and button data: ASCII digits, at most this many (fits INTEGER)
MAX_DIGITS = 9


@dataclass(frozen=True)
class DeskConfig:
    """What the desk needs from the gateway's settings."""

    group_chat_id: int
    counsellor_ids: FrozenSet[int] = frozenset()
    retention_days: int = 30

    @classmethod
    def from_settings(cls, settings: Any) -> "DeskConfig":
        group = getattr(settings, "COUNSELLOR_CHAT_ID", None)
        if group is None:
            raise ValueError("COUNSELLOR_CHAT_ID is not set: the desk needs the counsellors' group")
        ids = getattr(settings, "COUNSELLOR_IDS", None) or ()
        return cls(int(group), frozenset(int(i) for i in ids), int(getattr(settings, "RETENTION_DAYS", 30)))


@dataclass
class Desk:
    """What the desk's handlers share; kept in application.bot_data["desk"]."""

    sessions: sessionmaker[Session]
    config: DeskConfig
    clock: Clock = utcnow
    worker: Optional[OutboxWorker] = None
    _kick: Optional[Callable[[], None]] = field(default=None, repr=False)
    _loop: Optional[asyncio.AbstractEventLoop] = field(default=None, repr=False)

    def kick(self) -> None:
        """Deliver what was just committed now rather than at the next poll (from the event loop, or from
        a worker thread doing database work, e.g. /delete's erase step)."""
        if self._kick is None:
            return
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:  # a worker thread: hand it to the loop
            if self._loop is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._kick)
            return
        self._kick()


async def run_db(work: Callable[[], Any]) -> Any:
    """A handler's database work in a worker thread with a deadline: a locked or slow database holds up
    this update only, never the event loop."""
    return await asyncio.wait_for(asyncio.to_thread(work), DB_TIMEOUT)


def desk_of(context: ContextTypes.DEFAULT_TYPE) -> Desk:
    return context.application.bot_data["desk"]


def case_number(word: Optional[str]) -> Optional[int]:
    """ "#12" or "12" -> 12; anything else ("²", "12a", "-1", a hundred digits) -> None."""
    digits = (word or "").lstrip("#")
    if not (0 < len(digits) <= MAX_DIGITS and digits.isascii() and digits.isdigit()):
        return None
    return int(digits)


def button_data(data: Optional[str], prefix: str) -> Optional[Tuple[int, str]]:
    """ "case:12:take" -> (12, "take") for prefix "case:"; malformed or forged data -> None."""
    if not data or not data.startswith(prefix) or len(data) > 64:  # Telegram's limit for callback data
        return None
    number, _, action = data[len(prefix):].partition(":")
    parsed = case_number(number)
    return (parsed, action) if parsed is not None and action else None


# --- who may act -------------------------------------------------------------------------------------

async def is_counsellor(bot: Bot, config: DeskConfig, user_id: int) -> bool:
    """On the allow-list, or a member of the counsellors' group right now (Telegram decides)."""
    if user_id in config.counsellor_ids:
        return True
    try:
        member = await bot.get_chat_member(config.group_chat_id, user_id)
    except TelegramError as error:
        log.warning("could not check group membership: %s", type(error).__name__)
        return False
    return member.status in MEMBER_STATUSES


def counsellor_label(update: Update) -> str:
    """How counsellors see each other on the desk (their own Telegram name, cut to its column's size)."""
    user = update.effective_user
    return cases.clip("counsellor_name", user.full_name) if user else "?"


def in_desk(update: Update, config: DeskConfig) -> bool:
    """From the counsellors' group, or from an allow-listed counsellor's private chat with the bot.

    Nowhere else: not another group the bot is in, not an allow-listed id writing in some other chat."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.id == config.group_chat_id:
        return True
    return chat.type == chat.PRIVATE and user is not None and user.id in config.counsellor_ids and chat.id == user.id


def desk_chats(config: DeskConfig) -> filters.BaseFilter:
    """The chats where desk commands act (the same rule as `in_desk`, as a handler filter)."""
    chats = filters.Chat(chat_id=config.group_chat_id)
    if config.counsellor_ids:
        chats = chats | (filters.ChatType.PRIVATE & filters.User(user_id=list(config.counsellor_ids)))
    return chats


# --- the one decorator for counsellor commands and buttons -------------------------------------------

@dataclass
class Command:
    """What the body of a counsellor command or button gets. It runs in a worker thread inside one
    session, which the decorator commits afterwards; it returns the notice for the counsellor, or None."""

    desk: Desk
    session: Session
    update: Update
    #: the case number: the command's first word, or the button's; None when missing or malformed
    number: Optional[int]
    #: the command's text after the case number, or the button's action
    rest: str

    @property
    def config(self) -> DeskConfig:
        return self.desk.config

    @property
    def counsellor(self) -> str:
        return counsellor_label(self.update)

    def case(self) -> Optional[Case]:
        return cases.get_case(self.session, self.number) if self.number is not None else None


Body = Callable[[Command], Optional[str]]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def counsellor_command(*, button: Optional[str] = None, actions: Sequence[str] = (),
                       strangers_pass: bool = False) -> Callable[[Body], Handler]:
    """A desk handler from its body: find the desk; check the chat and the counsellor; read the case
    number (`/command <case> <rest>`, or button data `<button><case>:<action>` with an action in `actions`);
    run the body in a session, off the event loop; commit; answer with the body's notice; deliver; stop.

    Someone else is refused: a button with an alert, a command silently — or, with `strangers_pass`, the
    command is left to the gateway, which answers it like any unknown command."""
    def decorate(body: Body) -> Handler:
        @wraps(body)
        async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            d = desk_of(context)
            query = update.callback_query if button else None
            if query is not None:
                parsed = button_data(query.data, button or "")
                if parsed is None or parsed[1] not in actions:
                    await query.answer(desk("bad_button"), show_alert=True)
                    raise ApplicationHandlerStop
                number, rest = parsed
            else:
                words = (update.effective_message.text or "").split(maxsplit=2)
                number = case_number(words[1]) if len(words) > 1 else None
                rest = words[2] if len(words) > 2 else ""
            user = update.effective_user
            if not in_desk(update, d.config) or user is None or not await is_counsellor(context.bot, d.config, user.id):
                if query is not None:
                    await query.answer(desk("refused"), show_alert=True)
                if strangers_pass:
                    return
                raise ApplicationHandlerStop

            def work() -> Optional[str]:
                with d.sessions() as session:
                    notice = body(Command(d, session, update, number, rest))
                    session.commit()
                    return notice

            await done(update, d, await run_db(work))

        return handler

    return decorate


async def done(update: Update, d: Desk, notice: Optional[str]) -> NoReturn:
    """The end of a counsellor command: the notice (if any) to the desk, delivery kicked, no other handler."""
    if update.callback_query is not None:
        await update.callback_query.answer(fit(notice, MAX_ANSWER) if notice else None, show_alert=bool(notice))
    elif notice:
        await update.effective_message.reply_text(notice)
    d.kick()
    raise ApplicationHandlerStop


# --- how the desk speaks -----------------------------------------------------------------------------

def refresh_card(session: Session, config: DeskConfig, case: Case) -> None:
    """Show the case's new status on its card: edit the delivered card, or the pending one before it goes."""
    session.flush()
    card = session.query(Outbox).filter(Outbox.case_number == case.number, Outbox.kind == CARD).order_by(Outbox.id).first()
    if card is None:
        return
    if card.message_id is None and card.status == PENDING:
        card.payload = card_payload(case)
        return
    if card.message_id is not None:
        enqueue(session, UPDATE, config.group_chat_id, {**card_payload(case), "edit": card.message_id},
                case_number=case.number)


def notify_group(session: Session, config: DeskConfig, case_number: Optional[int], text: str,
                 reply_to_card: bool = True) -> None:
    """A notice in the counsellors' group, threaded under the case's card when it is known."""
    reply_to = cases.card_message_id(session, case_number) if (case_number and reply_to_card) else None
    for piece in split_text(text):
        payload: Dict[str, Any] = {"text": piece}
        if reply_to:
            payload["reply_to"] = reply_to
        enqueue(session, UPDATE, config.group_chat_id, payload, case_number=case_number)


def tell_person(session: Session, case: Case, kind: str, text: str,
                buttons: Optional[List[List[Dict[str, str]]]] = None) -> None:
    """A message to the person; a long one (a counsellor's text in its frame) goes in several pieces,
    the buttons with the last."""
    pieces = split_text(text)
    for index, piece in enumerate(pieces):
        payload: Dict[str, Any] = {"text": piece}
        if buttons and index == len(pieces) - 1:
            payload["buttons"] = buttons
        enqueue(session, kind, case.chat_id, payload, case_number=case.number)
