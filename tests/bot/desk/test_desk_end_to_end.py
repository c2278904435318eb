"""The issue's scenario end to end: real Rasa + action server, the fake Telegram, the gateway with the desk.

A person asks for an appointment in Arabic → consent → the form → the card in the counsellors' group
(while the group is briefly unreachable: delivered once) → a non-member's button press is refused → a
counsellor takes it → relay both ways (Rasa hears nothing) → two slots proposed → the person confirms →
both confirmations → the reminder fires (shifted clock) → the counsellor closes → the assistant answers
again. Then a second person's open case and /delete: the case is gone and the counsellors are told.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest
from sqlalchemy import text as sql_text

from bot.desk import models
from bot.app import build_application
from bot.desk.texts import CENTRE_TZ, desk, format_when, say
from bot.pseudonym import pseudonym
from bot.settings import Settings
from bot.store import Seen
from bot.texts import text, unavailable
from scripts.launch import MODEL
from tests.fakes.telegram_api import FakeTelegram
from test_end_to_end import count_events, rasa  # noqa: F401 - the module's Rasa + action server fixture

TOKEN = "7000000001:desk-end-to-end-TOKEN"
KEY = "desk-end-to-end-pseudonym-key"
GROUP = -1009876543210
COUNSELLOR, OUTSIDER = 6101, 6102
SAMIR, LEILA = 6201, 6202

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="needs a trained model: make train")


def buttons(message: Dict[str, Any]) -> List[Dict[str, str]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def data_containing(message: Dict[str, Any], *fragments: str) -> str:
    for fragment in fragments:
        for button in buttons(message):
            if fragment in button["callback_data"]:
                return button["callback_data"]
    raise AssertionError(f"no button with {fragments} in {buttons(message)}")


class Person:
    """Acts in a private chat and returns the bot's messages once the gateway has handled the update."""

    def __init__(self, fake: FakeTelegram, application: Any, user_id: int) -> None:
        self.fake, self.store, self.user_id = fake, application.bot_data["gateway"].store, user_id

    async def act(self, act, expect: int = 1, timeout: float = 25) -> List[Dict[str, Any]]:
        before = len(self.fake.sent(self.user_id))
        update_id = act()["update_id"]
        await self.fake.async_wait_for(
            lambda f: self.store.update_state(update_id) in (Seen.DONE, None)
            and len(f.sent(self.user_id)) >= before + expect, timeout=timeout)
        return self.fake.sent(self.user_id)[before:]

    async def says(self, message: str, expect: int = 1) -> List[Dict[str, Any]]:
        return await self.act(lambda: self.fake.user_message(self.user_id, message, language_code="ar"), expect)

    async def presses(self, data: str, message: Dict[str, Any], expect: int = 1) -> List[Dict[str, Any]]:
        return await self.act(lambda: self.fake.callback_query(self.user_id, data, message["message_id"]), expect)


async def group_grows(fake: FakeTelegram, act, n: int = 1, timeout: float = 20) -> List[Dict[str, Any]]:
    before = len(fake.sent(GROUP))
    act()
    await fake.async_wait_for(lambda f: len(f.sent(GROUP)) >= before + n, timeout=timeout)
    return fake.sent(GROUP)[before:]


async def test_arabic_request_to_appointment_and_back_to_the_assistant(rasa, tmp_path):  # noqa: F811
    tracker_url = f"sqlite:///{rasa.data_dir.resolve() / 'tracker.db'}"
    with FakeTelegram() as fake:
        fake.set_member(GROUP, COUNSELLOR)
        settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, TELEGRAM_BASE_URL=fake.base_url,
                            DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}", TRACKER_DB_URL=tracker_url,
                            RASA_URL=f"http://127.0.0.1:{rasa.rasa_port}", RASA_TIMEOUT=10,
                            COUNSELLOR_CHAT_ID=GROUP, WEGWEISER_DATA_DIR=rasa.data_dir, _env_file=None)
        application = build_application(settings)
        await application.initialize()
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=2)
        await application.start()
        try:
            await scenario(fake, application, tracker_url)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            await application.shutdown()


async def fill_in_the_form(samir: Person, fake: FakeTelegram) -> Dict[str, Any]:
    """From the request to the summary, answering every question with its button; returns the summary."""
    replies = await samir.says("مرحبا، أريد موعدا مع مستشار")
    consent = replies[-1]
    assert "/delete" in consent["text"] and any("\u0600" <= c <= "\u06ff" for c in consent["text"])
    choices = [("affirm",), ('"appointment"',), ('"ar"',), ('"in_person"',), ('"weekday_mornings"',),
               ("dont_know",)]
    message = consent
    for fragments in choices:
        message = (await samir.presses(data_containing(message, *fragments), message))[-1]
    return message


async def scenario(fake: FakeTelegram, application: Any, tracker_url: str) -> None:
    d = application.bot_data["desk"]
    samir = Person(fake, application, SAMIR)
    summary = await fill_in_the_form(samir, fake)
    send = data_containing(summary, "affirm")

    # the group is unreachable when the request is sent: the person still hears it was sent, the card
    # arrives when the group is back, once
    fake.fail_next("sendMessage", status=502, retry_after=None, times=2)
    [sent] = await samir.presses(send, summary, expect=1)
    assert sent["text"].startswith(say("request_sent", "ar", number=1))
    [card] = await fake.async_wait_for(lambda f: f.sent(GROUP), timeout=20)
    assert card["text"].startswith("Fall #1 · neu") and "Sprache der Person: Arabisch" in card["text"]
    assert "Thema: Beratungstermin" in card["text"] and "persönlich in der Beratungsstelle" in card["text"]
    for secret in (str(SAMIR), f"User{SAMIR}", pseudonym(KEY, SAMIR)):
        assert secret not in card["text"]
    assert [c.status for c in fake.call_log if c.method == "sendMessage"].count(502) == 2
    assert len([m for m in fake.sent(GROUP) if m["text"].startswith("Fall #1 ")]) == 1
    with d.sessions() as session:
        [row] = session.query(models.Outbox).filter_by(kind="card").all()
        assert row.status == "delivered" and row.message_id == card["message_id"]

    # someone outside the group presses "take": refused, nothing happens
    fake.callback_query(OUTSIDER, "case:1:take", card["message_id"], chat_id=GROUP)
    await fake.async_wait_for(lambda f: any(c.get("text") == desk("refused") for c in f.calls_of("answerCallbackQuery")))
    with d.sessions() as session:
        assert session.get(models.Case, 1).status == "new"

    # a counsellor takes it: the person hears someone is there
    before = len(fake.sent(SAMIR))
    fake.callback_query(COUNSELLOR, "case:1:take", card["message_id"], chat_id=GROUP)
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    assert fake.sent(SAMIR)[-1]["text"] == say("relay_started", "ar")

    # relay both ways; Rasa hears nothing of it
    before = len(fake.sent(SAMIR))
    fake.group_message(COUNSELLOR, "Guten Tag! Wann können Sie kommen?", chat_id=GROUP,
                       reply_to_message_id=card["message_id"])
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    assert fake.sent(SAMIR)[-1]["text"] == say("relay_frame", "ar", text="Guten Tag! Wann können Sie kommen?")
    [relayed] = await group_grows(fake, lambda: fake.user_message(SAMIR, "صباح الثلاثاء مناسب لي", language_code="ar"))
    assert relayed["text"] == desk("person_writes", number=1, text="صباح الثلاثاء مناسب لي")
    assert count_events(tracker_url, pseudonym(KEY, SAMIR), "صباح الثلاثاء مناسب لي") == 0

    # two slots proposed; the person picks the second; both sides get the confirmation
    day = (dt.datetime.now(CENTRE_TZ) + dt.timedelta(days=3)).date()
    first = dt.datetime.combine(day, dt.time(10, 0), CENTRE_TZ)
    second = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(14, 30), CENTRE_TZ)
    before = len(fake.sent(SAMIR))
    fake.command(COUNSELLOR, "propose", f"1 {first:%Y-%m-%d %H:%M} {second:%Y-%m-%d %H:%M}", chat_id=GROUP,
                 chat_type="supergroup", title="Beratung")
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    offer = fake.sent(SAMIR)[-1]
    assert offer["text"] == say("slots_offer", "ar")
    assert [b["text"] for b in buttons(offer)][:2] == [format_when(first, "ar"), format_when(second, "ar")]
    before_group = len(fake.sent(GROUP))
    fake.callback_query(SAMIR, buttons(offer)[1]["callback_data"], offer["message_id"])
    await fake.async_wait_for(lambda f: f.sent(SAMIR)[-1]["text"].startswith(
        say("appointment_confirmed", "ar", when=format_when(second, "ar"), place="", bring="").split("\n")[0]))
    confirmation = fake.sent(SAMIR)[-1]["text"]
    assert "Adenauerallee 10, 20097 Hamburg" in confirmation and say("bring", "ar") in confirmation
    await fake.async_wait_for(lambda f: any(m["text"].startswith("Fall #1: Termin bestätigt")
                                            for m in f.sent(GROUP)[before_group:]))

    # the reminder, the day before (the desk's clock moved forward; the reminder job runs)
    d.clock = lambda: second.astimezone(dt.timezone.utc) - dt.timedelta(hours=20)
    [job] = application.job_queue.get_jobs_by_name("desk-reminders")
    reminder = say("reminder", "ar", when=format_when(second, "ar"), place="", bring="").split("\n")[0]
    before = len(fake.sent(SAMIR))
    await job.run(application)
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    assert fake.sent(SAMIR)[-1]["text"].startswith(reminder)
    await job.run(application)  # never twice

    # the counsellor closes the case: the person is told, and the assistant answers again
    before = len(fake.sent(SAMIR))
    fake.callback_query(COUNSELLOR, "case:1:close", card["message_id"], chat_id=GROUP)
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    assert fake.sent(SAMIR)[-1]["text"] == say("case_closed", "ar", number=1)
    [answer, *_] = await samir.says("من يدفع ثمن تذكرة الطيران؟")
    assert answer["text"] != unavailable("ar") and any("\u0600" <= c <= "\u06ff" for c in answer["text"])
    assert count_events(tracker_url, pseudonym(KEY, SAMIR), "من يدفع ثمن تذكرة الطيران؟") == 1
    assert sum(m["text"].startswith(reminder) for m in fake.sent(SAMIR)) == 1

    # a second person with an open case uses /delete: the case is gone, the counsellors are told
    leila = Person(fake, application, LEILA)
    await leila.says("مرحبا")
    from bot.desk import submit_handoff

    payload = {"version": 1, "language": "ar", "counselling_language": "ar", "topic": "money",
               "topic_text": None, "contact": "chat", "phone": None, "times": ["any_time"], "times_text": None,
               "name": None, "country": "SY", "lookup": None, "reason": "asked", "summary": "• ..."}
    case = await submit_handoff(application, pseudonym(KEY, LEILA), LEILA, payload, request_id="leila-1")
    await fake.async_wait_for(lambda f: any(m["text"].startswith(f"Fall #{case.number} ") for m in f.sent(GROUP))
                              and f.sent(LEILA)[-1]["text"].startswith(say("request_sent", "ar", number=case.number)))
    [confirm] = await leila.act(lambda: fake.command(LEILA, "delete", language_code="ar"))
    await leila.presses(data_containing(confirm, "yes"), confirm)
    await fake.async_wait_for(lambda f: any(m["text"] == desk("withdrawn", number=case.number) for m in f.sent(GROUP)))
    with d.sessions() as session:
        assert session.get(models.Case, case.number) is None
        assert not session.query(models.Outbox).filter(models.Outbox.chat_id == LEILA).all()
    leila_card = [m for m in fake.sent(GROUP) if m["text"] == desk("withdrawn", number=case.number)][0]
    assert "Syrien" not in leila_card["text"] and not buttons(leila_card)

    # Samir (a whole case behind him: request, take, relay both ways with a photo, appointment, reminder,
    # close) asks something the assistant does not understand, then deletes everything: nothing of him is
    # left in any table, and every message of his case in the group is deleted or overwritten
    before = len(fake.sent(SAMIR))
    fake.photo(SAMIR, language_code="ar")  # no relay now: the assistant explains it cannot read photos
    await fake.async_wait_for(lambda f: len(f.sent(SAMIR)) > before)
    await samir.says("qwzx plorf ztang")
    person = pseudonym(KEY, SAMIR)
    unanswered_db = application.bot_data["gateway"].unanswered_db
    assert questions_of(unanswered_db, person) == 1
    group_of_case = [m["message_id"] for m in fake.sent(GROUP) if case_of(d, m["message_id"]) == 1]
    assert len(group_of_case) >= 6  # card, taken, relayed texts, proposal, confirmation, closed
    [confirm] = await samir.act(lambda: fake.command(SAMIR, "delete", language_code="ar"))
    [done] = await samir.presses(data_containing(confirm, "yes"), confirm)
    assert done["text"] == text("delete_done", "ar")
    await fake.async_wait_for(lambda f: all(
        (GROUP, message_id) not in f._messages or f._messages[(GROUP, message_id)].get("text") == desk("withdrawn", number=1)
        for message_id in group_of_case), timeout=20)
    assert count_events(tracker_url, person) == 0
    assert questions_of(unanswered_db, person) == 0
    store = application.bot_data["gateway"].store
    assert not store.holds(person)
    with d.sessions() as session:
        for table in ("desk_cases", "desk_outbox", "desk_appointments"):
            dump = " ".join(str(row) for row in session.execute(sql_text(f"SELECT * FROM {table}")))
            assert person not in dump and "صباح الثلاثاء" not in dump, table
        assert not session.query(models.Outbox).filter(models.Outbox.chat_id == SAMIR).count()
    kept = [m for m in fake.sent(GROUP) if m["message_id"] in group_of_case]
    assert [m["text"] for m in kept] == [desk("withdrawn", number=1)]


def case_of(d: Any, message_id: int) -> Any:
    with d.sessions() as session:
        row = session.query(models.Outbox.case_number).filter(models.Outbox.chat_id == GROUP,
                                                            models.Outbox.message_id == message_id).first()
        return row[0] if row else None


def questions_of(database: Any, person: str) -> int:
    import sqlite3

    from wegweiser.unanswered import origin_of

    if not database.exists():
        return 0
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT COUNT(*) FROM unanswered WHERE origin = ?", (origin_of(person),)).fetchone()[0]
    finally:
        connection.close()
