"""The case store: handoff requests in, queries, deletion and retention (the tables: bot/desk/models.py).

A request becomes a `Case` and an `Outbox` row in ONE transaction, before the person is told it was sent:
whatever happens to Telegram or to this process afterwards, the outbox worker (bot/desk/outbox.py)
delivers the card. Every message the desk sends — cards, card updates, relayed messages, confirmations,
reminders — goes through the outbox, so "nothing is lost" holds for all of them.

A case keeps the Telegram chat id only to deliver messages to the person; it never appears on a card.
SQLite is the default (`sqlite:///.data/gateway.db`), PostgreSQL works through `DATABASE_URL` (bot/db.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from sqlalchemy import delete, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.desk.models import (
    CARD,
    CLOSED,
    CONFIRMATION,
    DELIVERED,
    NEW,
    OPEN_STATUSES,
    Appointment,
    Case,
    Outbox,
)
from bot.desk.outbox import enqueue
from wegweiser.handoff import checked_fields, fingerprint

#: the desk's tables; the gateway's own (bot/store.py) share the declarative base and the database
TABLES = (Case.__table__, Outbox.__table__, Appointment.__table__)


def create_tables(engine: Engine) -> None:
    Case.metadata.create_all(engine, tables=list(TABLES))
    _add_taken_at(engine)
    _widen_columns(engine)


def _add_taken_at(engine: Engine) -> None:
    """A case store made before `taken_at` existed gets the column (nullable: older cases have no time)."""
    if "taken_at" not in {column["name"] for column in inspect(engine).get_columns("desk_cases")}:
        kind = "TIMESTAMP WITH TIME ZONE" if engine.dialect.name == "postgresql" else "DATETIME"
        with engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE desk_cases ADD COLUMN taken_at {kind}"))


def _widen_columns(engine: Engine) -> None:
    """Text columns of an existing PostgreSQL database made as wide as the model says (SQLite has no sizes).

    Earlier versions made `counselling_language` VARCHAR(16); a language the person wrote out is longer."""
    if engine.dialect.name != "postgresql":
        return
    existing = {c["name"]: c["type"] for c in inspect(engine).get_columns(Case.__tablename__)}
    with engine.begin() as connection:
        for column in Case.__table__.columns:
            length = getattr(column.type, "length", None)
            current = getattr(existing.get(column.name), "length", None)
            if length and current and current < length:
                connection.exec_driver_sql(
                    f'ALTER TABLE {Case.__tablename__} ALTER COLUMN "{column.name}" TYPE VARCHAR({int(length)})')


# --- requests ----------------------------------------------------------------------------------------

def _case_fields(payload: Mapping[str, Any]) -> dict:
    """The request's fields as checked by the handoff contract (wegweiser/handoff.py; InvalidRequest when
    broken), each text cut to its column."""
    return {key: clip(key, value) for key, value in checked_fields(payload).items()}


def clip(column: str, value: Any) -> Any:
    """A text cut to its column's size (PostgreSQL refuses longer ones; the form bounds what it asks)."""
    length = getattr(Case.__table__.columns[column].type, "length", None) if column in Case.__table__.columns else None
    if isinstance(value, str) and length and len(value) > length:
        return value[: length - 1].rstrip() + "…"
    return value


def submit_request(
    session: Session,
    pseudonym: str,
    chat_id: int,
    payload: Mapping[str, Any],
    *,
    request_id: Optional[str] = None,
    card: Optional[Any] = None,
    confirmation: Optional[Any] = None,
) -> Case:
    """Commit the case and its outbox rows in one transaction; the same request twice returns the first case.

    `card(case) -> (chat_id, payload)` and `confirmation(case) -> (chat_id, payload)` render the
    messages (bot/desk/intake.py); they run inside the transaction, so a rendering error commits nothing.
    """
    fields = _case_fields(payload)
    request_id = request_id or fingerprint(payload)
    existing = find_request(session, pseudonym, request_id)
    if existing is not None:
        return existing
    case = Case(pseudonym=pseudonym, request_id=request_id, chat_id=chat_id, status=NEW, **fields)
    try:
        session.add(case)
        session.flush()  # assigns the case number the card shows
        for render, kind in ((card, CARD), (confirmation, CONFIRMATION)):
            if render is not None:
                target, message = render(case)
                enqueue(session, kind, target, message, case_number=case.number)
        session.commit()
    except IntegrityError:  # the same request committed concurrently
        session.rollback()
        existing = find_request(session, pseudonym, request_id)
        if existing is None:
            raise
        return existing
    except Exception:
        session.rollback()
        raise
    return case


def find_request(session: Session, pseudonym: str, request_id: str) -> Optional[Case]:
    return session.scalar(select(Case).where(Case.pseudonym == pseudonym, Case.request_id == request_id))


# --- queries -----------------------------------------------------------------------------------------

def get_case(session: Session, number: int) -> Optional[Case]:
    return session.get(Case, number)


def open_cases(session: Session) -> Sequence[Case]:
    return session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES)).order_by(Case.number)).all()


def has_open_case(session: Session, pseudonym: str) -> bool:
    return session.scalar(
        select(Case.number).where(Case.pseudonym == pseudonym, Case.status.in_(OPEN_STATUSES)).limit(1)
    ) is not None


def relay_case_for_chat(session: Session, chat_id: int) -> Optional[Case]:
    """The person's case whose relay is open, if any (the newest wins)."""
    return session.scalar(
        select(Case).where(Case.chat_id == chat_id, Case.relay_open.is_(True), Case.status.in_(OPEN_STATUSES))
        .order_by(Case.number.desc()).limit(1)
    )


def case_for_message(session: Session, chat_id: int, message_id: int) -> Optional[Case]:
    """The case a delivered message (card, relayed message) in `chat_id` belongs to."""
    number = session.scalar(
        select(Outbox.case_number).where(Outbox.chat_id == chat_id, Outbox.message_id == message_id)
    )
    return session.get(Case, number) if number is not None else None


def card_message_id(session: Session, number: int) -> Optional[int]:
    return session.scalar(
        select(Outbox.message_id).where(Outbox.case_number == number, Outbox.kind == CARD,
                                        Outbox.message_id.is_not(None)).order_by(Outbox.id).limit(1)
    )


# --- deletion and retention --------------------------------------------------------------------------

@dataclass(frozen=True)
class WithdrawnCase:
    """What is left of an open case after the person deleted their data: enough to tell the counsellors."""

    number: int
    card_message_id: Optional[int]


@dataclass(frozen=True)
class GroupMessage:
    """A message the bot posted in the counsellors' group for a case (card, notice, relayed text or copy)."""

    case_number: int
    message_id: int
    card: bool


def group_messages(session: Session, numbers: Iterable[int], group_chat_id: int) -> List[GroupMessage]:
    """Every delivered message of these cases in the group, once each (an edited card counts once)."""
    numbers = list(numbers)
    if not numbers:
        return []
    rows = session.execute(
        select(Outbox.case_number, Outbox.message_id, Outbox.kind)
        .where(Outbox.case_number.in_(numbers), Outbox.chat_id == group_chat_id, Outbox.message_id.is_not(None),
               Outbox.status == DELIVERED).order_by(Outbox.id)
    ).all()
    cards = {message_id for _, message_id, kind in rows if kind == CARD}
    found: dict = {}
    for number, message_id, _ in rows:
        found.setdefault(message_id, GroupMessage(number, message_id, message_id in cards))
    return list(found.values())


def _delete_cases(session: Session, numbers: Iterable[int], chat_ids: Iterable[int] = ()) -> None:
    numbers, chat_ids = list(numbers), list(chat_ids)
    if numbers:
        session.execute(delete(Appointment).where(Appointment.case_number.in_(numbers)))
        session.execute(delete(Outbox).where(Outbox.case_number.in_(numbers)))
    if chat_ids:
        session.execute(delete(Outbox).where(Outbox.chat_id.in_(chat_ids)))
    if numbers:
        session.execute(delete(Case).where(Case.number.in_(numbers)))


def delete_person(session: Session, pseudonym: str, *, commit: bool = True) -> List[WithdrawnCase]:
    """Remove every case, outbox row and appointment of the person; return their cases that were open."""
    cases = session.scalars(select(Case).where(Case.pseudonym == pseudonym)).all()
    withdrawn = [WithdrawnCase(c.number, card_message_id(session, c.number)) for c in cases if c.is_open]
    _delete_cases(session, [c.number for c in cases], {c.chat_id for c in cases})
    if commit:
        session.commit()
    return withdrawn


def purge_closed(session: Session, older_than_days: int, *, now: Optional[dt.datetime] = None,
                 before_delete: Optional[Any] = None) -> int:
    """Retention: delete cases closed more than `older_than_days` ago, with their rows; returns how many.

    `before_delete(numbers)` runs in the same transaction first (the desk clears the group messages)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    numbers = session.scalars(
        select(Case.number).where(Case.status == CLOSED, Case.closed_at < cutoff)
    ).all()
    after = before_delete(list(numbers)) if (before_delete is not None and numbers) else None
    _delete_cases(session, numbers)
    if callable(after):
        after()
    session.commit()
    return len(numbers)
