"""The counsellors' desk: case cards in the counsellors' group, who may act on them, /cases, and the wiring.

A request from the Rasa form becomes a case (bot/cases.py) whose card goes to the group through the
outbox; counsellors act with the card's buttons (`case:<n>:take|propose|close`) and commands. The card is
German with the person's language shown, and holds only what the person agreed to share: never the
Telegram name, username or id. Relay (bot/relay.py) and appointments (bot/appointments.py) build on this.

The gateway wires it in with `register(application, settings)` and calls `submit_handoff` when Rasa
returns `{"custom": {"handoff": {...}}}`; see `register` for the exact contract.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, NoReturn, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import cases
from bot.cases import CARD, CLOSED, UPDATE, Case, Outbox
from bot.desk_content import (
    country_name,
    desk,
    format_when,
    language_name,
    load_desk_content,
    opening_note,
    say,
)
from bot.outbox import OutboxWorker
from bot.render import MAX_ANSWER, MAX_TEXT, fit, split_text

log = logging.getLogger(__name__)

CASE_BUTTON = "case:"
#: UTF-16 units kept free on a card for the note a re-sent card carries (bot/outbox.py)
REDELIVERY_ROOM = 200
CASE_ACTIONS = ("take", "propose", "close")
#: handlers of the desk run before the gateway's (group 0), so cases and relays are decided first
HANDLER_GROUP = -10
MEMBER_STATUSES = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
Clock = Callable[[], dt.datetime]


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
    clock: Clock = cases.utcnow
    worker: Optional[OutboxWorker] = None
    _kick: Optional[Callable[[], None]] = field(default=None, repr=False)
    _hooks: Tuple[Callable[..., Any], ...] = field(default=(), repr=False)
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


#: seconds a desk handler's database work may take before the handler gives up (it runs in a thread)
DB_TIMEOUT = 10.0


async def run_db(work: Callable[[], Any]) -> Any:
    """A handler's database work in a worker thread with a deadline: a locked or slow database holds up
    this update only, never the event loop."""
    return await asyncio.wait_for(asyncio.to_thread(work), DB_TIMEOUT)


def desk_of(context: ContextTypes.DEFAULT_TYPE) -> Desk:
    return context.application.bot_data["desk"]


#: case numbers and other ids in commands and button data: ASCII digits, at most this many (fits INTEGER)
MAX_DIGITS = 9


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


async def done(update: Update, d: Desk, notice: Optional[str]) -> NoReturn:
    """The end of a counsellor command: the notice (if any) to the desk, delivery kicked, no other handler."""
    if notice:
        await update.effective_message.reply_text(notice)
    d.kick()
    raise ApplicationHandlerStop


# --- the card ----------------------------------------------------------------------------------------

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
    if case.counsellor_name and case.status != cases.NEW:
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


def refresh_card(session: Session, config: DeskConfig, case: Case) -> None:
    """Show the case's new status on its card: edit the delivered card, or the pending one before it goes."""
    session.flush()
    card = session.query(Outbox).filter(Outbox.case_number == case.number, Outbox.kind == CARD).order_by(Outbox.id).first()
    if card is None:
        return
    if card.message_id is None and card.status == cases.PENDING:
        card.payload = card_payload(case)
        return
    if card.message_id is not None:
        cases.enqueue(session, UPDATE, config.group_chat_id, {**card_payload(case), "edit": card.message_id},
                      case_number=case.number)


def notify_group(session: Session, config: DeskConfig, case_number: Optional[int], text: str,
                 reply_to_card: bool = True) -> None:
    """A notice in the counsellors' group, threaded under the case's card when it is known."""
    reply_to = cases.card_message_id(session, case_number) if (case_number and reply_to_card) else None
    for piece in split_text(text):
        payload: Dict[str, Any] = {"text": piece}
        if reply_to:
            payload["reply_to"] = reply_to
        cases.enqueue(session, UPDATE, config.group_chat_id, payload, case_number=case_number)


def tell_person(session: Session, case: Case, kind: str, text: str,
                buttons: Optional[List[List[Dict[str, str]]]] = None) -> None:
    """A message to the person; a long one (a counsellor's text in its frame) goes in several pieces,
    the buttons with the last."""
    pieces = split_text(text)
    for index, piece in enumerate(pieces):
        payload: Dict[str, Any] = {"text": piece}
        if buttons and index == len(pieces) - 1:
            payload["buttons"] = buttons
        cases.enqueue(session, kind, case.chat_id, payload, case_number=case.number)


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
    """Marks a message to the group that is sent again after a crash (see bot/outbox.py)."""
    def annotate(row: Outbox, text: str) -> str:
        return f"{desk('redelivered')}\n\n{text}" if row.chat_id == config.group_chat_id else text

    return annotate


# --- requests from the Rasa form ---------------------------------------------------------------------

def submit(session: Session, config: DeskConfig, pseudonym: str, chat_id: int, payload: Mapping[str, Any], *,
           request_id: Optional[str] = None, now: Optional[dt.datetime] = None) -> Case:
    """Case + card + the person's confirmation (with when to expect an answer) in one transaction."""
    moment = now or cases.utcnow()

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
    except cases.InvalidRequest as error:
        log.error("handoff request outside the contract: %s", error)
    except Exception:  # noqa: BLE001 - the database is away: nothing was committed, so say so
        log.exception("committing a handoff request failed")
    await context.bot.send_message(chat_id, say("request_failed", language, **contact_values(language)))
    return None


def contact_values(language: str) -> Dict[str, str]:
    """The centre's name, phone and e-mail as the answers show them ("not available yet" when empty)."""
    from wegweiser.render import centre_values

    return dict(centre_values(language))


# --- closing, withdrawal, retention ------------------------------------------------------------------

def close_case(session: Session, config: DeskConfig, case: Case, counsellor: str, now: dt.datetime) -> None:
    case.status, case.relay_open, case.closed_at = CLOSED, False, now
    for appointment in case_appointments(session, case.number):
        if appointment.status == cases.PROPOSED:
            appointment.status = cases.CANCELLED
    refresh_card(session, config, case)
    notify_group(session, config, case.number, desk("closed", number=case.number, counsellor=counsellor))
    tell_person(session, case, cases.UPDATE, say("case_closed", case.language, number=case.number))


def case_appointments(session: Session, number: int) -> List[cases.Appointment]:
    return list(session.query(cases.Appointment).filter(cases.Appointment.case_number == number)
                .order_by(cases.Appointment.id))


def clear_group(session: Session, config: DeskConfig, messages: List[cases.GroupMessage],
                card_text_for: Callable[[int], str]) -> None:
    """Nothing the person shared stays in the group: each case's card is edited to `card_text_for(number)`,
    every other message of the case (notices quoting the person, relayed texts, copied photos and files,
    appointment notices) is deleted — or, where Telegram no longer allows deleting (after 48 hours),
    overwritten (bot/outbox.py). Rows are enqueued without a case, so they outlive its deletion."""
    for message in messages:
        if message.card:
            payload: Dict[str, Any] = {"text": card_text_for(message.case_number), "edit": message.message_id}
        else:
            payload = {"delete": message.message_id, "text": desk("message_removed")}
        cases.enqueue(session, UPDATE, config.group_chat_id, payload)


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
            cases.enqueue(session, UPDATE, config.group_chat_id, {"text": desk("withdrawn", number=item.number)})
    session.commit()
    return len(withdrawn)


def purge_closed_cases(session: Session, config: DeskConfig, now: dt.datetime) -> int:
    """Retention of closed cases, their group messages included."""
    def clear(numbers: List[int]) -> Callable[[], None]:
        messages = cases.group_messages(session, numbers, config.group_chat_id)
        return lambda: clear_group(session, config, messages, lambda number: desk("retention_removed", number=number))

    return cases.purge_closed(session, config.retention_days, now=now, before_delete=clear)


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


# --- handlers ----------------------------------------------------------------------------------------

async def case_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A card button: only counsellors may act; everyone else is refused."""
    from bot import appointments, relay  # they build on this module

    d = desk_of(context)
    query = update.callback_query
    parsed = button_data(query.data, CASE_BUTTON)
    if parsed is None or parsed[1] not in CASE_ACTIONS:
        await query.answer(desk("bad_button"), show_alert=True)
        raise ApplicationHandlerStop
    number, action = parsed
    if not in_desk(update, d.config) or not await is_counsellor(context.bot, d.config, query.from_user.id):
        await query.answer(desk("refused"), show_alert=True)
        raise ApplicationHandlerStop
    notice = None
    with d.sessions() as session:
        case = cases.get_case(session, number)
        if case is None:
            notice = desk("no_such_case", number=number)
        elif case.status == CLOSED:
            notice = desk("case_is_closed", number=number)
        elif action == "take":
            relay.take(session, d.config, case, query.from_user.id, counsellor_label(update))
        elif action == "close":
            close_case(session, d.config, case, counsellor_label(update), d.clock())
        elif action == "propose":
            notice = appointments.propose_help(case)
        session.commit()
    await query.answer(fit(notice, MAX_ANSWER) if notice else None, show_alert=bool(notice))
    d.kick()
    raise ApplicationHandlerStop


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


async def cases_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cases: the open cases, for counsellors."""
    d = desk_of(context)
    if not in_desk(update, d.config) or not await is_counsellor(context.bot, d.config, update.effective_user.id):
        return  # not a counsellor: the gateway answers it like any unknown command

    def overview() -> str:
        with d.sessions() as session:
            return cases_overview(session)

    await update.effective_message.reply_text(await run_db(overview))
    raise ApplicationHandlerStop


# --- wiring ------------------------------------------------------------------------------------------

def register(application: Application, settings: Any, *, sessions: Optional[sessionmaker[Session]] = None,
             clock: Clock = cases.utcnow, poll_interval: float = 2.0, reminder_interval: float = 60.0) -> Desk:
    """Wire the desk into the gateway's Application. Call once, after the gateway's own handlers.

    - settings: COUNSELLOR_CHAT_ID (required), DATABASE_URL, RETENTION_DAYS, optional COUNSELLOR_IDS.
    - adds handlers in group HANDLER_GROUP (before the gateway's): card and appointment buttons, /cases,
      /reply, /propose, /cancelappt, /end, replies to case messages in the group, and — while a relay is
      open — the person's messages (Rasa is then not asked);
    - JobQueue jobs: outbox delivery (every `poll_interval` s, and at once after each commit), due
      reminders (every `reminder_interval` s), retention of closed cases (daily);
    - the gateway must call `submit_handoff(application, pseudonym, chat_id, payload)` when Rasa returns
      `{"custom": {"handoff": payload}}`, and this function registers the desk's step of
      `bot.erase.erase_person` (withdraw the person's cases, tell the counsellors) and a retention keeper.
    """
    from bot import appointments, relay

    config = DeskConfig.from_settings(settings)
    if sessions is None:
        engine = cases.make_engine(settings.DATABASE_URL, pool_pre_ping=True)
        cases.create_tables(engine)
        sessions = cases.session_factory(engine)
    d = Desk(sessions, config, clock)
    d.worker = OutboxWorker(sessions, application.bot, clock=clock, annotate=annotate_redelivery(config),
                            on_failed=report_failure(sessions, config))
    def kick() -> None:
        if not d.worker.busy:  # a pass under way picks up what was just committed
            application.create_task(d.worker.deliver_due(), name="desk-outbox")

    d._kick = kick
    application.bot_data["desk"] = d

    application.add_handler(CallbackQueryHandler(case_button, pattern=r"^case:"), group=HANDLER_GROUP)
    application.add_handler(CommandHandler("cases", cases_command, filters=desk_chats(config)), group=HANDLER_GROUP)
    relay.add_handlers(application, HANDLER_GROUP)
    appointments.add_handlers(application, HANDLER_GROUP)

    async def deliver(context: ContextTypes.DEFAULT_TYPE) -> None:
        d.kick()  # also remembers the event loop, for kicks from worker threads  # in a task: a long outage must not hold up the scheduler (it would skip and warn)

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        with sessions() as session:
            if appointments.enqueue_due_reminders(session, d.clock()):
                d.kick()

    async def purge(context: ContextTypes.DEFAULT_TYPE) -> None:
        with sessions() as session:
            removed = purge_closed_cases(session, config, d.clock())
        d.kick()
        if removed:
            log.info("retention: removed %d closed case(s)", removed)

    if application.job_queue is not None:
        application.job_queue.run_repeating(deliver, interval=poll_interval, first=0.5, name="desk-outbox")
        application.job_queue.run_repeating(remind, interval=reminder_interval, first=1, name="desk-reminders")
        application.job_queue.run_repeating(purge, interval=dt.timedelta(days=1), first=60, name="desk-retention")
    _register_eraser(d)
    return d


def _register_eraser(d: Desk) -> None:
    """Hook /delete and the gateway's retention into the desk: erasing a person withdraws their cases, and
    the inactivity retention leaves people with an open case alone (closed cases follow RETENTION_DAYS)."""
    try:
        from bot import erase
    except ImportError:  # the gateway's erase module is not there (desk used on its own)
        return

    def erase_desk_cases(person: str) -> int:
        with d.sessions() as session:
            count = withdraw_person(session, d.config, person)
        d.kick()
        return count

    def has_open_case(person: str) -> bool:
        with d.sessions() as session:
            return cases.has_open_case(session, person)

    erase.register(erase_desk_cases)
    erase.register_keeper(has_open_case)
    d._hooks = (erase_desk_cases, has_open_case)


def unregister(d: Desk) -> None:
    """Remove the desk's erase hooks again (one application per process needs no call; tests do)."""
    try:
        from bot import erase
    except ImportError:
        return
    if d._hooks:
        erase.unregister(d._hooks[0])
        erase.unregister_keeper(d._hooks[1])
        d._hooks = ()
