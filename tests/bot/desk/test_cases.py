"""The case store on SQLite and PostgreSQL: one transaction per request, idempotency, deletion, retention."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.desk import cases, models
from wegweiser.handoff import InvalidRequest
from desk_support import Session, engine, request_payload  # noqa: F401 - fixtures


def card(case):
    return -100, {"text": f"Fall {case.number}"}


def confirmation(case):
    return case.chat_id, {"text": "sent"}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_request_commits_case_card_and_confirmation_together(Session):
    with Session() as session:
        case = cases.submit_request(session, "p1", 42, request_payload(), card=card, confirmation=confirmation)
    with Session() as session:
        stored = session.get(models.Case, case.number)
        assert stored.status == models.NEW and stored.language == "ar" and stored.country == "IQ"
        rows = session.scalars(select(models.Outbox).order_by(models.Outbox.id)).all()
        assert [(r.kind, r.chat_id, r.payload["text"], r.status) for r in rows] == [
            ("card", -100, f"Fall {case.number}", "pending"), ("confirmation", 42, "sent", "pending")]


def test_a_failing_card_commits_nothing(Session):
    def broken(case):
        raise RuntimeError("rendering failed")

    with Session() as session, pytest.raises(RuntimeError):
        cases.submit_request(session, "p1", 42, request_payload(), card=broken)
    with Session() as session:
        assert count(session, models.Case) == 0 and count(session, models.Outbox) == 0


def test_the_same_request_twice_is_one_case(Session):
    with Session() as session:
        first = cases.submit_request(session, "p1", 42, request_payload(), request_id="u7", card=card)
        again = cases.submit_request(session, "p1", 42, request_payload(), request_id="u7", card=card)
        other = cases.submit_request(session, "p1", 42, request_payload(), request_id="u8", card=card)
        assert first.number == again.number != other.number
        assert count(session, models.Case) == 2 and count(session, models.Outbox) == 2


def test_without_request_id_an_identical_payload_is_the_same_request(Session):
    with Session() as session:
        a = cases.submit_request(session, "p1", 42, request_payload())
        b = cases.submit_request(session, "p1", 42, request_payload())
        c = cases.submit_request(session, "p2", 43, request_payload())
        assert a.number == b.number != c.number


def test_phone_is_kept_only_when_phone_was_chosen(Session):
    with Session() as session:
        chat = cases.submit_request(session, "p1", 1, request_payload(contact="chat", phone="+49 151 1234567"))
        phone = cases.submit_request(session, "p2", 2, request_payload(contact="phone", phone="+49 151 1234567"))
        assert chat.phone is None and phone.phone == "+49 151 1234567"


@pytest.mark.parametrize("bad", [{"version": 2}, {"language": None}, {"contact": "pigeon"}, {"times": "morning"}])
def test_payloads_outside_the_contract_are_refused(Session, bad):
    with Session() as session, pytest.raises(InvalidRequest):
        cases.submit_request(session, "p1", 1, request_payload(**bad))


def test_delete_person_removes_everything_and_returns_open_cases(Session):
    with Session() as session:
        open_case = cases.submit_request(session, "p1", 42, request_payload(), request_id="a", card=card,
                                         confirmation=confirmation)
        closed = cases.submit_request(session, "p1", 42, request_payload(), request_id="b", card=card)
        closed.status = models.CLOSED
        session.add(models.Appointment(case_number=open_case.number, slots=["2026-12-01T09:00:00+00:00"]))
        keep = cases.submit_request(session, "p2", 43, request_payload(), card=card)
        session.commit()
        session.execute(models.Outbox.__table__.update().where(models.Outbox.case_number == open_case.number,
                                                              models.Outbox.kind == "card").values(message_id=77))
        session.commit()

        withdrawn = cases.delete_person(session, "p1")

        assert withdrawn == [cases.WithdrawnCase(open_case.number, 77)]
        assert session.scalars(select(models.Case.number)).all() == [keep.number]
        assert {r.case_number for r in session.scalars(select(models.Outbox))} == {keep.number}
        assert count(session, models.Appointment) == 0


def test_purge_closed_keeps_open_and_recent_cases(Session):
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
    with Session() as session:
        old = cases.submit_request(session, "p1", 1, request_payload(), request_id="old", card=card)
        recent = cases.submit_request(session, "p1", 1, request_payload(), request_id="recent", card=card)
        still_open = cases.submit_request(session, "p1", 1, request_payload(), request_id="open", card=card)
        old.status = recent.status = models.CLOSED
        old.closed_at = now - dt.timedelta(days=31)
        recent.closed_at = now - dt.timedelta(days=29)
        session.commit()

        assert cases.purge_closed(session, 30, now=now) == 1
        assert sorted(session.scalars(select(models.Case.number)).all()) == [recent.number, still_open.number]
        assert count(session, models.Outbox) == 2


def test_datetimes_come_back_aware_in_utc(Session):
    with Session() as session:
        case = cases.submit_request(session, "p1", 1, request_payload())
    with Session() as session:
        assert session.get(models.Case, case.number).created_at.tzinfo == dt.timezone.utc
