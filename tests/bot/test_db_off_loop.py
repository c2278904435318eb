"""Database work runs off the event loop with deadlines: a locked SQLite file holds up one chat's handler,
never the other chats; a call that hangs ends with DatabaseTimeout; the outbox keeps the loop free too."""
from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot import db, handlers
from bot.handlers import DatabaseTimeout, Gateway
from bot.store import Store


@pytest.fixture
def locked_store(tmp_path, monkeypatch):
    monkeypatch.setattr(db, "LOCK_WAIT", 0.5)
    path = tmp_path / "gateway.db"
    store = Store(f"sqlite:///{path}")
    store.touch("p1")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the file
    yield store
    blocker.execute("ROLLBACK")
    blocker.close()
    store.close()


async def test_a_locked_database_does_not_stop_other_chats(locked_store):
    gateway = Gateway(settings=None, store=locked_store, tracker=None, rasa=None)
    order = []

    async def waiting_chat():
        try:
            await gateway.db(locked_store.update_person, "p1", language="de")
        except Exception as error:  # noqa: BLE001 - "database is locked" after the driver's wait
            order.append(f"locked chat: {type(error).__name__}")

    async def other_chat():
        for _ in range(3):
            await asyncio.sleep(0)
        order.append("other chat answered")

    await asyncio.gather(waiting_chat(), other_chat())
    assert order == ["other chat answered", "locked chat: OperationalError"]


async def test_a_hanging_database_call_ends_with_a_timeout(monkeypatch):
    monkeypatch.setattr(handlers, "DB_TIMEOUT", 0.05)
    gateway = Gateway(settings=None, store=None, tracker=None, rasa=None)
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def hangs():
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result()

    with pytest.raises(DatabaseTimeout):
        await gateway.db(hangs)
    release.set()


async def test_the_outbox_looks_up_rows_off_the_event_loop(locked_store, tmp_path):
    from tests.bot.desk.desk_support import FakeBotAPI, fake_bot  # noqa: PLC0415

    from bot.desk import cases
    from bot.desk.outbox import OutboxWorker

    engine = db.make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    cases.create_tables(engine)
    sessions = db.session_factory(engine)
    blocker = sqlite3.connect(tmp_path / "desk.db", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    worker = OutboxWorker(sessions, await fake_bot(FakeBotAPI()))
    order = []

    async def deliver():
        try:
            await worker.deliver_due()
        except Exception as error:  # noqa: BLE001
            order.append(f"outbox: {type(error).__name__}")

    async def other():
        await asyncio.sleep(0)
        order.append("loop free")

    await asyncio.gather(deliver(), other())
    blocker.execute("ROLLBACK")
    blocker.close()
    engine.dispose()
    assert order[0] == "loop free"
