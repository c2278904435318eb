"""Update intake: persisted first, duplicates handled once, one chat in order, chats concurrently."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from sqlalchemy.exc import OperationalError

from telegram import Chat, Message, Update, User

from bot.store import Seen, Store
from bot.updates import OrderedUpdateProcessor, StoringQueue, requeue_unfinished


def make_update(update_id: int, chat_id: int, text: str = "hallo") -> Update:
    user = User(chat_id, "Name", False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, dt.datetime.now(dt.timezone.utc), chat, from_user=user, text=text))


def processor(tmp_path) -> OrderedUpdateProcessor:
    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    return OrderedUpdateProcessor(store, lambda update: f"p{update.effective_user.id}")


@pytest.mark.parametrize("writer_thread", [True, False])
async def test_one_chat_is_answered_in_order_and_chats_run_concurrently(tmp_path, writer_thread):
    proc = processor(tmp_path)
    if writer_thread:  # as in the application: the store writes in a worker thread
        await proc.initialize()
    done, running = [], {"a1": asyncio.Event(), "b1": asyncio.Event()}

    async def handle(label: str, meets: str = "") -> None:
        if meets:  # a1 and b1 each wait until the other is running: both must be in flight at once
            running[label].set()
            await asyncio.wait_for(running[meets].wait(), timeout=30)
        done.append(label)

    await asyncio.gather(
        proc.process_update(make_update(1, 100), handle("a1", meets="b1")),
        proc.process_update(make_update(2, 100), handle("a2")),
        proc.process_update(make_update(3, 200), handle("b1", meets="a1")),  # chat 200 did not wait for chat 100
        *(proc.process_update(make_update(10 + i, 300), handle(f"c{i}")) for i in range(20)),
    )
    await proc.shutdown()
    assert done.index("a1") < done.index("a2")
    assert [label for label in done if label.startswith("c")] == [f"c{i}" for i in range(20)]
    assert len(proc.locks) == 0 and proc.store.unfinished_updates() == []


async def test_a_duplicate_update_is_handled_once(tmp_path):
    proc = processor(tmp_path)
    await proc.initialize()
    calls = []

    async def handle() -> None:
        calls.append(1)
        await asyncio.sleep(0.1)

    update = make_update(5, 100)
    await asyncio.gather(proc.process_update(update, handle()), proc.process_update(update, handle()))
    await proc.process_update(update, handle())  # delivered again later
    assert calls == [1]


async def test_unfinished_updates_are_queued_again_after_a_restart(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    update = make_update(9, 100, "Frage vor dem Absturz")
    store.record_update(9, "p100", json.dumps(update.to_dict()))  # stored, then the process died
    queue: asyncio.Queue = asyncio.Queue()
    assert await requeue_unfinished(store, queue, None) == 1
    again = queue.get_nowait()
    assert again.update_id == 9 and again.message.text == "Frage vor dem Absturz"

    proc = OrderedUpdateProcessor(store, lambda u: "p100")
    calls = []

    async def handle() -> None:
        calls.append(1)

    await proc.process_update(again, handle())
    assert calls == [1] and store.unfinished_updates() == []


async def test_the_queue_stores_an_update_before_put_returns_and_queues_it_once(tmp_path):
    proc = processor(tmp_path)
    await proc.initialize()
    queue = proc.queue
    first = make_update(21, 100, "erste Frage")
    await queue.put(first)
    # stored (committed) before the Updater may move the getUpdates offset past it, not handled yet
    assert proc.store.update_state(21) is Seen.PENDING
    assert [update_id for update_id, _ in proc.store.unfinished_updates()] == [21]
    await queue.put(make_update(21, 100, "erste Frage"))  # Telegram sends it again before it was handled
    assert queue.qsize() == 1
    calls = []

    async def handle() -> None:
        calls.append(1)

    taken = queue.get_nowait()
    await proc.process_update(taken, handle())
    assert calls == [1] and proc.store.update_state(21) is Seen.DONE
    await queue.put(make_update(21, 100, "erste Frage"))  # and again after it was answered
    assert queue.qsize() == 0
    await proc.shutdown()


async def test_the_queue_waits_for_the_database_instead_of_dropping_an_update(tmp_path, monkeypatch):
    proc = processor(tmp_path)
    monkeypatch.setattr(StoringQueue, "first_delay", 0.01)
    record, failures = proc.store.record_update, []

    def flaky(*args):
        if len(failures) < 3:
            failures.append(1)
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return record(*args)

    monkeypatch.setattr(proc.store, "record_update", flaky)
    await asyncio.wait_for(proc.queue.put(make_update(31, 100)), timeout=10)
    assert len(failures) == 3 and proc.queue.qsize() == 1 and proc.store.update_state(31) is Seen.PENDING


async def test_updates_waiting_for_a_slot_are_stored_and_handled_after_a_restart(tmp_path):
    """One slot, the first update stuck in its handler, five more queued behind it: all six are stored, and
    after a "crash" (nothing finished) a new processor on the same database handles each once, in order."""
    proc = OrderedUpdateProcessor(Store(f"sqlite:///{tmp_path / 'gateway.db'}"), lambda u: "p100",
                                  max_concurrent_updates=1)
    await proc.initialize()
    for update_id in range(41, 47):
        await proc.queue.put(make_update(update_id, 100 + update_id % 2, f"Frage {update_id}"))
    stuck = asyncio.Event()

    async def never() -> None:
        stuck.set()
        await asyncio.Event().wait()

    first = asyncio.create_task(proc.process_update(proc.queue.get_nowait(), never()))
    await asyncio.wait_for(stuck.wait(), timeout=10)
    first.cancel()  # the process dies: the queue and the slot are gone
    await proc.shutdown()
    proc.store.close()

    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    again = OrderedUpdateProcessor(store, lambda u: "p100")
    await again.initialize()
    assert await requeue_unfinished(store, again.queue, None) == 6
    handled = []
    while not again.queue.empty():
        update = again.queue.get_nowait()

        async def handle(text=update.message.text) -> None:
            handled.append(text)

        await again.process_update(update, handle())
    await again.shutdown()
    assert handled == [f"Frage {update_id}" for update_id in range(41, 47)]
    assert store.unfinished_updates() == []
