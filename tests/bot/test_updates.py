"""Update intake: persisted first, duplicates handled once, one chat in order, chats concurrently."""
from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from telegram import Chat, Message, Update, User

from bot.store import Store
from bot.updates import OrderedUpdateProcessor, requeue_unfinished


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
