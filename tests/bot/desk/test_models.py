"""A case's status changes, written once as methods of the models (the callers tell people and commit)."""
from __future__ import annotations

import datetime as dt

from bot.desk.models import (
    APPOINTMENT,
    CANCELLED,
    CLOSED,
    CONFIRMED,
    NEW,
    PROPOSED,
    TAKEN,
    Appointment,
    Case,
)

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.timezone.utc)
SLOT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def new_case() -> Case:
    return Case(number=1, status=NEW, relay_open=False)


def test_take_opens_the_relay_once_and_keeps_the_first_time():
    case = new_case()
    assert case.take(501, "Frau Berg", NOW) is True
    assert (case.status, case.relay_open, case.taken_at, case.counsellor_name) == (TAKEN, True, NOW, "Frau Berg")
    later = NOW + dt.timedelta(hours=1)
    assert case.take(502, "Herr Kurt", later) is False  # taken over: the relay was open already
    assert (case.counsellor_id, case.taken_at) == (502, NOW)
    assert case.end_relay() is True and case.end_relay() is False
    assert case.take(502, "Herr Kurt", later) is True  # re-opened


def test_book_cancel_and_offer_move_between_taken_and_appointment():
    case = new_case()
    case.offer()
    assert case.status == TAKEN
    offer = Appointment(status=PROPOSED, slots=[SLOT.isoformat()])
    case.book(offer, SLOT, SLOT - dt.timedelta(days=1), NOW)
    assert (case.status, offer.status, offer.chosen, offer.reminder_sent) == (APPOINTMENT, CONFIRMED, SLOT, False)
    case.offer()  # moving the appointment
    assert case.status == TAKEN
    case.book(offer, SLOT, SLOT - dt.timedelta(days=1), SLOT - dt.timedelta(hours=2))
    assert offer.reminder_sent  # too close for a "tomorrow" reminder
    case.cancel(offer)
    assert (case.status, offer.status, offer.is_live) == (TAKEN, CANCELLED, False)


def test_close_ends_the_relay_and_withdraws_open_offers_only():
    case = new_case()
    case.take(501, "Frau Berg", NOW)
    offer, booked = Appointment(status=PROPOSED), Appointment(status=CONFIRMED)
    case.close(NOW, [offer, booked])
    assert (case.status, case.relay_open, case.closed_at, case.is_open) == (CLOSED, False, NOW, False)
    assert (offer.status, booked.status) == (CANCELLED, CONFIRMED)
