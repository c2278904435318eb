"""The desk's tables (`desk_cases`, `desk_outbox`, `desk_appointments`, in the gateway's database) and the
status changes of a case and its appointments, written once, here, as methods.

A case: new -> taken (a counsellor took it; the relay to the person opens) -> appointment (the person
picked a slot) -> taken (the appointment was cancelled or is being moved) ... -> closed. The methods only
change the rows; the caller's module tells the people concerned and commits.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, List, Optional

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import UTC, Base, utcnow

# Case status
NEW, TAKEN, APPOINTMENT, CLOSED = "new", "taken", "appointment", "closed"
OPEN_STATUSES = (NEW, TAKEN, APPOINTMENT)

# Outbox kinds and states
CARD, UPDATE, RELAY, CONFIRMATION, REMINDER = "card", "update", "relay", "confirmation", "reminder"
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"

# Appointment states
PROPOSED, CONFIRMED, CANCELLED = "proposed", "confirmed", "cancelled"


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

    # --- status changes ---

    def take(self, counsellor_id: int, counsellor: str, now: dt.datetime) -> bool:
        """A counsellor takes the case (or takes it over, or re-opens its relay); True when the relay to the
        person opened now (the person is then told someone is there)."""
        if self.status == NEW:
            self.status = TAKEN
        if self.taken_at is None:
            self.taken_at = now
        self.counsellor_id, self.counsellor_name = counsellor_id, counsellor
        if self.relay_open:
            return False
        self.relay_open = True
        return True

    def end_relay(self) -> bool:
        """The relay ends (the case stays open); False when there was none to end."""
        if not self.relay_open:
            return False
        self.relay_open = False
        return True

    def close(self, now: dt.datetime, appointments: Iterable["Appointment"]) -> None:
        """Closed: the relay ends and open offers are withdrawn (a confirmed appointment stays on record)."""
        self.status, self.relay_open, self.closed_at = CLOSED, False, now
        for appointment in appointments:
            if appointment.status == PROPOSED:
                appointment.status = CANCELLED

    def offer(self) -> None:
        """New slots are offered: a new case counts as taken, a booked appointment is being moved."""
        if self.status in (NEW, APPOINTMENT):
            self.status = TAKEN

    def book(self, appointment: "Appointment", slot: dt.datetime, remind_at: dt.datetime, now: dt.datetime) -> None:
        """The person picked `slot`: the appointment is confirmed, its reminder due at `remind_at` (marked
        sent already when that moment has passed: too close for a reminder)."""
        appointment.chosen, appointment.status = slot, CONFIRMED
        appointment.reminder_at = remind_at
        appointment.reminder_sent = remind_at <= now
        self.status = APPOINTMENT

    def cancel(self, appointment: "Appointment") -> None:
        """An offer or appointment of this case is cancelled; the case goes back to taken."""
        appointment.status = CANCELLED
        if self.status == APPOINTMENT:
            self.status = TAKEN


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

    @property
    def is_live(self) -> bool:
        return self.status in (PROPOSED, CONFIRMED)

    def slot_times(self) -> List[dt.datetime]:
        return [dt.datetime.fromisoformat(s) for s in self.slots]

    def withdraw(self) -> None:
        """An offer is taken back (the person asked for other times, or new slots replace it)."""
        self.status = CANCELLED

