"""The case store: handoff requests, the outbox that delivers them, and appointments (SQLAlchemy 2).

A request becomes a `Case` and an `Outbox` row in ONE transaction, before the person is told it was sent:
whatever happens to Telegram or to this process afterwards, the outbox worker (bot/outbox.py) delivers
the card. Every message the desk sends — cards, card updates, relayed messages, confirmations,
reminders — goes through the outbox, so "nothing is lost" holds for all of them.

A case keeps the Telegram chat id only to deliver messages to the person; it never appears on a card.
SQLite is the default (`sqlite:///.data/gateway.db`), PostgreSQL works through `DATABASE_URL`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from bot.db_options import create_engine as create_engine_with_timeouts
from wegweiser.private_files import private_sqlite, sqlite_file

# Case status
NEW, TAKEN, APPOINTMENT, CLOSED = "new", "taken", "appointment", "closed"
OPEN_STATUSES = (NEW, TAKEN, APPOINTMENT)

# Outbox kinds and states
CARD, UPDATE, RELAY, CONFIRMATION, REMINDER = "card", "update", "relay", "confirmation", "reminder"
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"

# Appointment states
PROPOSED, CONFIRMED, CANCELLED = "proposed", "confirmed", "cancelled"

#: The request fields of the handoff contract (version 1) that a case keeps.
PAYLOAD_FIELDS = (
    "language", "counselling_language", "topic", "topic_text", "contact", "phone", "times", "times_text",
    "name", "country", "lookup", "reason", "summary",
)
CONTACT_WAYS = ("chat", "phone", "in_person", "video")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class UTC(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite (which drops the zone) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the case store; use timezone-aware UTC")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class Case(Base):
    __tablename__ = "desk_cases"
    __table_args__ = (UniqueConstraint("pseudonym", "request_id", name="uq_desk_case_request"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pseudonym: Mapped[str] = mapped_column(String(128), index=True)
    request_id: Mapped[str] = mapped_column(String(128))
    #: only for delivering messages to the person; never shown to counsellors
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    language: Mapped[str] = mapped_column(String(16))
    #: a language code, or what the person wrote when no language was recognised (bounded by the form)
    counselling_language: Mapped[Optional[str]] = mapped_column(String(64))
    topic: Mapped[Optional[str]] = mapped_column(String(64))
    topic_text: Mapped[Optional[str]] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(16), default="chat")
    phone: Mapped[Optional[str]] = mapped_column(String(32))
    times: Mapped[List[str]] = mapped_column(JSON, default=list)
    times_text: Mapped[Optional[str]] = mapped_column(Text)
    name: Mapped[Optional[str]] = mapped_column(String(128))
    country: Mapped[Optional[str]] = mapped_column(String(64))
    lookup: Mapped[Optional[Any]] = mapped_column(JSON)
    reason: Mapped[Optional[str]] = mapped_column(String(64))
    summary: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=NEW, index=True)
    counsellor_id: Mapped[Optional[int]] = mapped_column(BigInteger)
    counsellor_name: Mapped[Optional[str]] = mapped_column(String(128))
    #: while true, the person's messages go to the counsellors instead of Rasa
    relay_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC)
    #: when a counsellor first took the case (the needs report counts how long requests waited)
    taken_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Outbox(Base):
    __tablename__ = "desk_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: null for notices that outlive their case (e.g. "the person withdrew")
    case_number: Mapped[Optional[int]] = mapped_column(ForeignKey("desk_cases.number"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    #: {"text", "buttons": [[{"text", "data"}]], "reply_to": message id, "edit": message id}
    #: or {"copy": {"chat_id", "message_id"}, "reply_to"} for a relayed photo, document, voice note
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: null: as soon as possible (new rows); set after a failed attempt
    next_attempt_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC, index=True)
    claim_token: Mapped[Optional[str]] = mapped_column(String(64))
    claimed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC)
    #: true when a row was found stuck in "sending" after a crash and sent again (at-least-once)
    redelivery: Mapped[bool] = mapped_column(Boolean, default=False)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    delivered_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC)
    message_id: Mapped[Optional[int]] = mapped_column(BigInteger, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)


class Appointment(Base):
    __tablename__ = "desk_appointments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[int] = mapped_column(ForeignKey("desk_cases.number"), index=True)
    #: proposed slots, ISO 8601 in UTC
    slots: Mapped[List[str]] = mapped_column(JSON)
    chosen: Mapped[Optional[dt.datetime]] = mapped_column(UTC)
    place: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)
    reminder_at: Mapped[Optional[dt.datetime]] = mapped_column(UTC, index=True)
    reminder_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTC, default=utcnow)

    def slot_times(self) -> List[dt.datetime]:
        return [dt.datetime.fromisoformat(s) for s in self.slots]


# --- engine ------------------------------------------------------------------------------------------

def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """An engine for `database_url`; a SQLite file is created private (0600) and enforces foreign keys."""
    database = sqlite_file(database_url)
    if database is not None:
        private_sqlite(database)  # names and phone numbers: mode 0600 in a 0700 folder
    # timeouts, and a failing statement's error shows no names or phone numbers (bot/db_options.py)
    engine = create_engine_with_timeouts(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _foreign_keys(connection: Any, _record: Any) -> None:
            connection.execute("PRAGMA foreign_keys=ON")
    return engine


def create_tables(engine: Engine) -> None:
    Base.metadata.create_all(engine)
    _add_taken_at(engine)
    _widen_columns(engine)


def _add_taken_at(engine: Engine) -> None:
    """A case store made before `taken_at` existed gets the column (nullable: older cases have no time)."""
    from sqlalchemy import inspect, text

    if "taken_at" not in {column["name"] for column in inspect(engine).get_columns("desk_cases")}:
        kind = "TIMESTAMP WITH TIME ZONE" if engine.dialect.name == "postgresql" else "DATETIME"
        with engine.begin() as connection:
            connection.execute(text(f"ALTER TABLE desk_cases ADD COLUMN taken_at {kind}"))


def _widen_columns(engine: Engine) -> None:
    """Text columns of an existing PostgreSQL database made as wide as the model says (SQLite has no sizes).

    Earlier versions made `counselling_language` VARCHAR(16); a language the person wrote out is longer."""
    if engine.dialect.name != "postgresql":
        return
    from sqlalchemy import inspect as inspect_database

    existing = {c["name"]: c["type"] for c in inspect_database(engine).get_columns(Case.__tablename__)}
    with engine.begin() as connection:
        for column in Case.__table__.columns:
            length = getattr(column.type, "length", None)
            current = getattr(existing.get(column.name), "length", None)
            if length and current and current < length:
                connection.exec_driver_sql(
                    f'ALTER TABLE {Case.__tablename__} ALTER COLUMN "{column.name}" TYPE VARCHAR({int(length)})')


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# --- requests ----------------------------------------------------------------------------------------

class InvalidRequest(ValueError):
    """The handoff payload does not follow the contract (version 1)."""


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """A stable id for a request when the caller has none: the same payload twice is one request."""
    canonical = json.dumps({k: payload.get(k) for k in PAYLOAD_FIELDS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _case_fields(payload: Mapping[str, Any]) -> dict:
    if payload.get("version", 1) != 1:
        raise InvalidRequest(f"unknown handoff version {payload.get('version')!r}")
    if not payload.get("language"):
        raise InvalidRequest("the request has no language")
    contact = payload.get("contact") or "chat"
    if contact not in CONTACT_WAYS:
        raise InvalidRequest(f"unknown contact way {contact!r}")
    times = payload.get("times") or []
    if not isinstance(times, list):
        raise InvalidRequest("times must be a list")
    fields = {key: clip(key, payload.get(key)) for key in PAYLOAD_FIELDS}
    fields.update(contact=contact, times=[str(t) for t in times])
    # the phone number is kept only when the person chose to be phoned
    if contact != "phone":
        fields["phone"] = None
    return fields


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
    messages (bot/desk.py); they run inside the transaction, so a rendering error commits nothing.
    """
    fields = _case_fields(payload)
    request_id = request_id or request_fingerprint(payload)
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
