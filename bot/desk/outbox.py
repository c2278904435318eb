"""The desk's outbox: rows are added in the caller's transaction (`enqueue`) and delivered to Telegram by
`OutboxWorker`: claim, send, record; back-off while Telegram fails.

Delivery guarantee — why it is what it is:
  1. claim   `pending -> sending` with a fresh token and `claimed_at` (committed before anything is sent);
  2. send    one Bot API call;
  3. record  `sending -> delivered` with Telegram's message id, only if the token is still ours.
A row is posted twice only if the process dies (or the request times out after Telegram accepted it)
between 2 and 3. Telegram has no idempotency key, so that window cannot be closed from outside; the choice
is what to do with a row found in `sending` whose lease has expired (no live worker holds it):
  - at-most-once would mark it failed: a person's request could vanish although they were told "sent";
  - at-least-once sends it again: in the rare crash window a counsellor may see a card twice.
We choose **at-least-once** for rows stuck past the lease and say so on the message: a re-sent card carries
a note ("sent again after a restart — if it is already there, use the older one"), and every desk action
is keyed by case number, so acting on either copy is the same. A normal restart never re-sends: rows
still `pending` were never sent, rows `delivered` are done, and a graceful stop finishes the row in hand.
Rows of one chat are delivered in order: a chat's next row waits while an earlier one is retrying; chats
are served fairly (every chat's head row is considered, however many rows other chats have in back-off).
A send that **timed out** may have been posted: it is tried once more, marked as a possible repeat (a
re-sent group message carries the note), and a second timeout marks the row failed and reports it —
so a timeout causes **at most one duplicate**, never a loop of them.
Errors that retrying cannot fix (400 Bad Request, 403 the person blocked the bot) mark the row failed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Any, Callable, Dict, Mapping, Optional

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.db import utcnow
from bot.desk.models import DELIVERED, FAILED, PENDING, SENDING, Outbox
from bot.render import MAX_TEXT, fit

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
#: `annotate(row, text) -> text` lets the desk mark a re-sent row (see the module docstring)
Annotate = Callable[[Outbox, str], str]


def enqueue(
    session: Session,
    kind: str,
    chat_id: int,
    payload: Mapping[str, Any],
    *,
    case_number: Optional[int] = None,
    not_before: Optional[dt.datetime] = None,
) -> Outbox:
    """Add an outbox row to the caller's transaction (the caller commits)."""
    row = Outbox(
        case_number=case_number, kind=kind, chat_id=chat_id, payload=dict(payload), status=PENDING,
        attempts=0, next_attempt_at=not_before,
    )
    session.add(row)
    return row


def keyboard(buttons: Any) -> Optional[InlineKeyboardMarkup]:
    """[[{"text", "data"}]] as stored in a payload -> Telegram inline keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row] for row in buttons]
    )


def backoff(attempts: int, base: float, cap: float) -> dt.timedelta:
    """Exponential back-off: base, 2·base, 4·base, … never above cap."""
    return dt.timedelta(seconds=min(cap, base * (2 ** max(0, attempts - 1))))


class OutboxWorker:
    """Delivers due outbox rows; one pass at a time per worker, any number of workers per database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        bot: Bot,
        *,
        clock: Clock = utcnow,
        lease: dt.timedelta = dt.timedelta(minutes=2),
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        batch: int = 200,
        annotate: Optional[Annotate] = None,
        on_failed: Optional[Callable[[Outbox], None]] = None,
    ) -> None:
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.lease = lease
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.batch = batch
        self.annotate = annotate
        #: told about a row that failed for good (e.g. to let the counsellors know the person blocked the bot)
        self.on_failed = on_failed
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: Optional[asyncio.Task] = None

    # --- one pass -------------------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Deliver every row that is due now, chat by chat in order; returns how many were delivered."""
        delivered = 0
        async with self._lock:
            # database work runs in a worker thread: a locked or slow database never blocks the event loop
            await asyncio.to_thread(self._release_expired_claims)
            while True:
                progress = 0
                for row_id in await asyncio.to_thread(self._heads_due):
                    result = await self._deliver(row_id)
                    if result in (DELIVERED, FAILED):  # the chat's next row may go now
                        progress += 1
                    delivered += result == DELIVERED
                if not progress:
                    return delivered

    def _release_expired_claims(self) -> None:
        """Rows left in `sending` by a dead worker go back to `pending`, flagged as a re-delivery."""
        with self.sessions() as session:
            result = session.execute(
                update(Outbox)
                .where(Outbox.status == SENDING, Outbox.claimed_at < self.clock() - self.lease)
                .values(status=PENDING, redelivery=True, claim_token=None, next_attempt_at=self.clock())
            )
            session.commit()
            if result.rowcount:
                log.warning("outbox: %d row(s) found stuck in sending; they will be sent again", result.rowcount)

    def _heads_due(self) -> list[int]:
        """For each chat, its oldest undelivered row, if that row is due (keeps each chat in order).

        Fair between chats: every chat's head is looked at (one row per chat, found by the database),
        so rows waiting in back-off for some chats never hide the due rows of others; at most `batch`
        heads per round, those waiting longest first."""
        now = self.clock()
        undelivered = Outbox.status.in_((PENDING, SENDING))
        heads = (select(func.min(Outbox.id).label("head")).where(undelivered).group_by(Outbox.chat_id)
                 .subquery())
        with self.sessions() as session:
            rows = session.execute(
                select(Outbox.id, Outbox.status, Outbox.next_attempt_at)
                .join(heads, Outbox.id == heads.c.head)
                .where(Outbox.status == PENDING, or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now))
                .order_by(Outbox.id).limit(self.batch)
            ).all()
        return [row_id for row_id, _, _ in rows]

    async def _deliver(self, row_id: int) -> Optional[str]:
        """Claim, send, record one row; returns its new status (None: another worker claimed it)."""
        token = uuid.uuid4().hex
        row = await asyncio.to_thread(self._claim, row_id, token)
        if row is None:
            return None
        try:
            message_id = await self._send(row)
        except RetryAfter as error:
            delay = error.retry_after
            seconds = delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
            await asyncio.to_thread(self._retry, row, token, dt.timedelta(seconds=seconds), error)
            return PENDING
        except ChatMigrated as error:  # a group became a supergroup: same messages, new chat id
            await asyncio.to_thread(self._retry, row, token, dt.timedelta(0), error, chat_id=error.new_chat_id, count=False)
            return PENDING
        except BadRequest as error:  # a 400 (PTB makes it a NetworkError): sending again cannot help
            return await asyncio.to_thread(self._fail, row, token, error)
        except TimedOut as error:
            # Telegram may have posted it before the answer was lost, and offers no way to ask: one more
            # try, marked as a possible repeat; a second timeout gives up (at most one duplicate)
            if row.redelivery:
                return await asyncio.to_thread(self._fail, row, token, error)
            await asyncio.to_thread(self._retry, row, token, backoff(row.attempts + 1, self.base_delay, self.max_delay), error,
                        redelivery=True)
            return PENDING
        except NetworkError as error:  # 5xx answers and connection errors
            await asyncio.to_thread(self._retry, row, token, backoff(row.attempts + 1, self.base_delay, self.max_delay), error)
            return PENDING
        except TelegramError as error:
            return await asyncio.to_thread(self._fail, row, token, error)
        await asyncio.to_thread(self._finish, row, token, status=DELIVERED, message_id=message_id,
                                delivered_at=self.clock(), last_error=None)
        return DELIVERED

    async def _send(self, row: Outbox) -> int:
        payload: Mapping[str, Any] = row.payload
        reply = payload.get("reply_to")
        reply_parameters = ReplyParameters(reply, allow_sending_without_reply=True) if reply else None
        if payload.get("copy"):  # a relayed photo, document, voice note …: copied, so no sender is shown
            copied = await self.bot.copy_message(row.chat_id, from_chat_id=payload["copy"]["chat_id"],
                                                 message_id=payload["copy"]["message_id"],
                                                 reply_parameters=reply_parameters)
            return copied.message_id
        if payload.get("delete"):
            return await self._remove(row.chat_id, payload["delete"], payload["text"])
        text = payload["text"]
        if row.redelivery and self.annotate is not None:
            text = self.annotate(row, text)
        text = fit(text, MAX_TEXT)  # Telegram's limit in UTF-16 units; rows are split when enqueued
        markup = keyboard(payload.get("buttons"))
        if payload.get("edit"):
            try:
                message = await self.bot.edit_message_text(
                    text, chat_id=row.chat_id, message_id=payload["edit"], reply_markup=markup)
                return message.message_id if hasattr(message, "message_id") else payload["edit"]
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    return payload["edit"]
                # the message is gone or too old to edit: post the update as a new message instead
        message = await self.bot.send_message(row.chat_id, text, reply_markup=markup,
                                              reply_parameters=reply_parameters)
        return message.message_id

    async def _remove(self, chat_id: int, message_id: int, replacement: str) -> int:
        """Delete a message; where Telegram no longer allows it (older than 48 hours), overwrite its text or
        caption with `replacement`. A message already gone counts as removed."""
        try:
            await self.bot.delete_message(chat_id, message_id)
            return message_id
        except BadRequest as error:
            if "not found" in str(error).lower():
                return message_id
        try:
            await self.bot.edit_message_text(replacement, chat_id=chat_id, message_id=message_id)
            return message_id
        except BadRequest as error:
            if "not found" in str(error).lower() or "not modified" in str(error).lower():
                return message_id
        await self.bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=replacement)
        return message_id

    def _claim(self, row_id: int, token: str) -> Optional[Outbox]:
        """`pending -> sending` with our token (committed before anything is sent); None if taken."""
        with self.sessions() as session:
            claimed = session.execute(
                update(Outbox).where(Outbox.id == row_id, Outbox.status == PENDING)
                .values(status=SENDING, claim_token=token, claimed_at=self.clock())
            ).rowcount
            session.commit()
            return session.get(Outbox, row_id) if claimed else None

    def _fail(self, row: Outbox, token: str, error: Exception) -> str:
        self._finish(row, token, status=FAILED, last_error=f"{type(error).__name__}: {error}")
        log.error("outbox: row %d (%s) failed for good: %s", row.id, row.kind, type(error).__name__)
        if self.on_failed is not None:
            try:
                self.on_failed(row)
            except Exception:  # noqa: BLE001 - a failing notice must not stop delivery
                log.exception("outbox: reporting a failed row failed")
        return FAILED

    def _retry(self, row: Outbox, token: str, delay: dt.timedelta, error: Exception,
               chat_id: Optional[int] = None, count: bool = True, redelivery: bool = False) -> None:
        values: Dict[str, Any] = dict(status=PENDING, claim_token=None, next_attempt_at=self.clock() + delay,
                                      attempts=row.attempts + (1 if count else 0),
                                      last_error=f"{type(error).__name__}: {error}")
        if redelivery:
            values["redelivery"] = True
        if chat_id is not None:
            values["chat_id"] = chat_id
        self._finish(row, token, **values)
        log.warning("outbox: row %d (%s) not delivered (%s); next try in %.0f s",
                    row.id, row.kind, type(error).__name__, delay.total_seconds())

    def _finish(self, row: Outbox, token: str, **values: Any) -> None:
        with self.sessions() as session:
            session.execute(update(Outbox).where(Outbox.id == row.id, Outbox.claim_token == token).values(**values))
            session.commit()

    # --- running --------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A delivery pass is under way (it re-reads the queue until nothing is left to do)."""
        return self._lock.locked()

    def wake(self) -> None:
        """Deliver now instead of at the next poll (called right after something was enqueued)."""
        self._wake.set()

    async def run(self, interval: float = 2.0) -> None:
        """Deliver until cancelled: after every wake-up and at least every `interval` seconds."""
        while True:
            try:
                await self.deliver_due()
            except Exception:  # noqa: BLE001 - a broken pass (e.g. the database away) must not end delivery
                log.exception("outbox: delivery pass failed")
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    def start(self, interval: float = 2.0) -> asyncio.Task:
        self._task = asyncio.get_running_loop().create_task(self.run(interval), name="desk-outbox")
        return self._task

    async def stop(self) -> None:
        """Stop after the row in hand is recorded (the lock is held while a row is being sent)."""
        if self._task is None:
            return
        async with self._lock:
            self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        self._task = None
