"""Outbox delivery: retries with back-off on 429/5xx, in order per chat, once across restarts."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.desk import cases, models, outbox
from bot.desk.models import Outbox
from bot.desk.outbox import OutboxWorker, backoff
from desk_support import GROUP, Clock, FakeBotAPI, Session, engine, fake_bot, request_payload  # noqa: F401


def submit(Session, pseudonym="p1", chat_id=42):
    with Session() as session:
        return cases.submit_request(
            session, pseudonym, chat_id, request_payload(),
            card=lambda case: (GROUP, {"text": f"Fall #{case.number}",
                                       "buttons": [[{"text": "Übernehmen", "data": f"case:{case.number}:take"}]]}),
            confirmation=lambda case: (case.chat_id, {"text": "gesendet"}),
        )


def rows(Session):
    with Session() as session:
        return session.scalars(select(Outbox).order_by(Outbox.id)).all()


async def worker_for(Session, api, clock, **kwargs):
    return OutboxWorker(Session, await fake_bot(api), clock=clock, **kwargs)


async def test_delivers_card_and_confirmation_and_records_message_ids(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    case = submit(Session)
    worker = await worker_for(Session, api, clock)
    assert await worker.deliver_due() == 2
    [card] = api.sent(GROUP)
    assert card.text == f"Fall #{case.number}" and card.button_data() == [f"case:{case.number}:take"]
    assert [m.text for m in api.sent(42)] == ["gesendet"]
    stored = rows(Session)
    assert [r.status for r in stored] == ["delivered", "delivered"]
    assert stored[0].message_id == card.message_id and stored[0].delivered_at == clock.now


async def test_429_waits_retry_after_then_delivers_once(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session)
    api.fail_next("sendMessage", status=429, retry_after=7)
    worker = await worker_for(Session, api, clock)
    await worker.deliver_due()
    card = rows(Session)[0]
    assert api.sent(GROUP) == [] and card.status == "pending" and card.attempts == 1
    assert card.next_attempt_at == clock.now + dt.timedelta(seconds=7)
    clock.advance(seconds=6)
    assert await worker.deliver_due() == 0
    clock.advance(seconds=1)
    await worker.deliver_due()
    assert len(api.sent(GROUP)) == 1 and rows(Session)[0].status == "delivered"


async def test_server_errors_back_off_exponentially_until_the_group_is_back(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session)
    worker = await worker_for(Session, api, clock, base_delay=2, max_delay=60)
    waits = []
    for _ in range(4):
        api.fail_next("sendMessage", status=500)
        before = clock.now
        await worker.deliver_due()
        card = rows(Session)[0]
        waits.append((card.next_attempt_at - before).total_seconds())
        clock.now = card.next_attempt_at
    assert waits == [2, 4, 8, 16]
    await worker.deliver_due()
    assert len(api.sent(GROUP)) == 1 and rows(Session)[0].attempts == 4
    assert backoff(20, 2, 60) == dt.timedelta(seconds=60)


async def test_a_chat_stays_in_order_while_its_first_message_retries(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    with Session() as session:
        for text in ("eins", "zwei"):
            outbox.enqueue(session, models.RELAY, 42, {"text": text})
        outbox.enqueue(session, models.RELAY, 43, {"text": "andere"})
        session.commit()
    worker = await worker_for(Session, api, clock)
    api.fail_next("sendMessage", status=502)
    await worker.deliver_due()
    assert api.sent(42) == [] and [m.text for m in api.sent(43)] == ["andere"]
    clock.advance(seconds=5)
    await worker.deliver_due()
    assert [m.text for m in api.sent(42)] == ["eins", "zwei"]


async def test_a_restarted_worker_delivers_what_is_left_and_nothing_twice(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session, "p1", 42)
    first = await worker_for(Session, api, clock)
    await first.deliver_due()
    submit(Session, "p2", 43)  # committed, then the gateway is killed before delivering it
    second = await worker_for(Session, api, clock)  # the restart: a new worker over the same database
    await second.deliver_due()
    await second.deliver_due()
    assert [m.text for m in api.sent(GROUP)] == ["Fall #1", "Fall #2"]
    assert all(r.status == "delivered" for r in rows(Session))


async def test_rows_stuck_in_sending_are_resent_with_a_note_only_after_the_lease(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session)
    with Session() as session:  # a worker claimed the card and died before recording it
        session.execute(update(Outbox).where(Outbox.kind == "card").values(
            status="sending", claim_token="dead", claimed_at=clock.now))
        session.commit()
    worker = await worker_for(Session, api, clock, lease=dt.timedelta(minutes=2),
                              annotate=lambda row, text: f"[erneut] {text}")
    await worker.deliver_due()
    assert api.sent(GROUP) == []  # the claim may still be alive: hands off
    clock.advance(minutes=3)
    await worker.deliver_due()
    assert [m.text for m in api.sent(GROUP)] == ["[erneut] Fall #1"]
    await worker.deliver_due()
    assert len(api.sent(GROUP)) == 1


async def test_errors_retrying_cannot_fix_fail_the_row_without_blocking_the_chat(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    with Session() as session:
        outbox.enqueue(session, models.RELAY, 42, {"text": "blocked"})
        outbox.enqueue(session, models.RELAY, 42, {"text": "next"})
        session.commit()
    api.fail_next("sendMessage", status=403)
    worker = await worker_for(Session, api, clock)
    await worker.deliver_due()
    assert [r.status for r in rows(Session)] == ["failed", "delivered"]
    assert "Forbidden" in rows(Session)[0].last_error


async def test_updates_edit_the_card_in_place(Session):
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session)
    worker = await worker_for(Session, api, clock)
    await worker.deliver_due()
    card = api.sent(GROUP)[0]
    with Session() as session:
        outbox.enqueue(session, models.UPDATE, GROUP, {"text": "Fall #1 übernommen", "edit": card.message_id})
        session.commit()
    await worker.deliver_due()
    assert len(api.sent(GROUP)) == 1 and card.edited and card.text == "Fall #1 übernommen" and card.buttons == []


async def test_the_running_worker_delivers_when_woken(Session):
    import asyncio

    api = FakeBotAPI()
    worker = OutboxWorker(Session, await fake_bot(api))
    worker.start(interval=60)
    await asyncio.sleep(0.05)
    submit(Session)
    worker.wake()
    for _ in range(100):
        if api.sent(GROUP):
            break
        await asyncio.sleep(0.02)
    await worker.stop()
    assert len(api.sent(GROUP)) == 1


async def test_rows_in_back_off_for_many_chats_never_hold_up_another_chat(Session):
    """Fair delivery: however many chats wait in back-off, a due row of another chat goes in the same pass."""
    clock = Clock.soon()
    with Session() as session:
        for chat in range(1000, 1030):  # older rows, all waiting for a retry an hour from now
            outbox.enqueue(session, models.UPDATE, chat, {"text": "später"}, not_before=clock() + dt.timedelta(hours=1))
        outbox.enqueue(session, models.UPDATE, 77, {"text": "jetzt"})
        session.commit()
    api = FakeBotAPI()
    worker = await worker_for(Session, api, clock, batch=5)  # far fewer than the rows waiting
    assert await worker.deliver_due() == 1
    assert [m.text for m in api.sent(77)] == ["jetzt"]


async def test_a_timed_out_send_is_tried_once_more_marked_then_given_up(Session):
    """Telegram may have posted a message whose answer timed out: at most one duplicate, never a loop."""
    from telegram.error import TimedOut

    class LostAnswer(TimedOut):
        after_sending = True

    failed = []
    api, clock = FakeBotAPI(), Clock.soon()
    submit(Session)
    worker = await worker_for(Session, api, clock, base_delay=1.0, on_failed=failed.append,
                              annotate=lambda row, text: f"(erneut) {text}")
    api.raise_next("sendMessage", LostAnswer("lost"))  # the card arrives, its answer does not
    await worker.deliver_due()
    clock.advance(seconds=1)
    await worker.deliver_due()
    group = [m.text for m in api.sent(GROUP)]
    assert len(group) == 2 and group[1].startswith("(erneut)")  # one duplicate, marked
    assert [r.status for r in rows(Session)] == ["delivered", "delivered"]

    submit(Session, pseudonym="p2", chat_id=43)
    api.raise_next("sendMessage", LostAnswer("lost"))  # the card, then its repeat: both answers lost
    await worker.deliver_due()
    api.raise_next("sendMessage", LostAnswer("lost"))
    clock.advance(seconds=1)
    await worker.deliver_due()
    clock.advance(seconds=60)
    await worker.deliver_due()
    card_rows = [r for r in rows(Session) if r.kind == "card"]
    assert card_rows[-1].status == "failed" and failed and failed[-1].id == card_rows[-1].id
    assert len(api.sent(GROUP)) == 4  # the first try and one repeat, then no more
