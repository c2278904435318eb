"""/delete and retention reach every message of the person's cases in the counsellors' group: a whole case
(request, take, relay both ways with photos, appointment, close), then the person deletes their data."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text as sql

from bot.desk import models
from bot.desk import closing
from bot.desk.texts import desk as desk_text
from desk_support import COUNSELLOR, GROUP, PERSON, Clock, DeskHarness, FakeBotAPI, Session, engine  # noqa: F401

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PROPOSAL = "2026-12-01 10:00 2026-12-02 14:30"
PSEUDONYM = "pseudo-whole-case"


async def whole_case(h: DeskHarness) -> int:
    case = h.submit(pseudonym=PSEUDONYM)
    await h.deliver()
    card = h.api.sent(GROUP)[0]
    await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
    await h.send(COUNSELLOR, GROUP, "Guten Tag, wann passt es Ihnen?", reply_to=card.message_id)
    await h.send(COUNSELLOR, GROUP, None, reply_to=card.message_id)  # a counsellor's photo
    await h.deliver()
    await h.person_says("صباح الثلاثاء، اسمي أبو كريم")
    await h.send(PERSON, PERSON, None)  # the person's photo
    await h.send(COUNSELLOR, GROUP, f"/propose {case.number} {PROPOSAL}")
    await h.deliver()
    offer = h.api.sent(PERSON)[-1]
    await h.press(PERSON, PERSON, offer.button_data()[1], offer.message_id)
    await h.press(COUNSELLOR, GROUP, f"case:{case.number}:close")
    await h.deliver()
    return case.number


def rows_of_the_person(session, number: int) -> dict:
    counts = {
        "cases": session.query(models.Case).filter(models.Case.pseudonym == PSEUDONYM).count(),
        "outbox_person": session.query(models.Outbox).filter(models.Outbox.chat_id == PERSON).count(),
        "outbox_case": session.query(models.Outbox).filter(models.Outbox.case_number == number).count(),
        "appointments": session.query(models.Appointment).filter(models.Appointment.case_number == number).count(),
    }
    # and nothing the person wrote anywhere in the desk's tables (payloads included)
    for table in ("desk_cases", "desk_outbox", "desk_appointments"):
        dump = " ".join(str(row) for row in session.execute(sql(f"SELECT * FROM {table}")))
        counts[f"text_in_{table}"] = dump.count("أبو كريم") + dump.count("Abu Karim") + dump.count(PSEUDONYM)
    return counts


@pytest.mark.parametrize("how", ["delete", "retention"])
async def test_every_group_message_of_a_whole_case_is_deleted_or_overwritten(Session, how):
    async with DeskHarness(Session, Clock(NOW), FakeBotAPI(members=(COUNSELLOR,))) as h:
        number = await whole_case(h)
        group_before = {m.message_id: m.text for m in h.api.sent(GROUP)}
        assert len(group_before) >= 8  # card, taken, relayed texts, photo notice + copy, proposal, confirmation, closed
        assert any(t.startswith("copy of") for t in group_before.values())
        assert any("أبو كريم" in t for t in group_before.values())
        card_id = h.api.sent(GROUP)[0].message_id
        with h.sessions() as session:
            if how == "delete":
                closing.withdraw_person(session, h.desk.config, PSEUDONYM)
            else:
                h.clock.advance(days=31)
                assert closing.purge_closed_cases(session, h.desk.config, h.clock()) == 1
        await h.deliver()
        with h.sessions() as session:
            left = rows_of_the_person(session, number)
    assert set(left.values()) == {0}, left
    remaining = {m.message_id: m.text for m in h.api.sent(GROUP)}
    expected = desk_text("withdrawn" if how == "delete" else "retention_removed", number=number)
    assert remaining == {card_id: expected}  # the card says what happened; everything else is gone
    assert not h.api.sent(GROUP)[0].buttons
    deleted = [int(p["message_id"]) for name, p in h.api.calls if name == "deleteMessage"]
    assert sorted(deleted) == sorted(set(group_before) - {card_id})


async def test_messages_too_old_to_delete_are_overwritten(Session):
    async with DeskHarness(Session, Clock(NOW), FakeBotAPI(members=(COUNSELLOR,))) as h:
        await whole_case(h)
        h.api.fail_next("deleteMessage", status=400, times=50)  # "message can't be deleted" after 48 hours
        with h.sessions() as session:
            closing.withdraw_person(session, h.desk.config, PSEUDONYM)
        await h.deliver()
    texts = [m.text for m in h.api.sent(GROUP)[1:] if not m.text.startswith("copy of")]
    assert texts and set(texts) == {desk_text("message_removed")}
