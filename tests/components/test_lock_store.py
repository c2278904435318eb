"""components/lock_store.py: Rasa's ticket lock on Redis, each step one atomic call (on the machine's Redis;
skipped, saying why, where none is reachable — CI has one)."""
from __future__ import annotations

import asyncio
import os
import threading
import uuid
from urllib.parse import urlsplit

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from components.lock_store import AtomicRedisLockStore

REDIS = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379"))
SETTINGS = {"host": REDIS.hostname or "127.0.0.1", "port": REDIS.port or 6379, "db": 5}


@pytest.fixture
def store():
    try:
        atomic = AtomicRedisLockStore(**SETTINGS)
        atomic.red.ping()
    except Exception as error:  # noqa: BLE001 - any failure means: no Redis to test against
        pytest.skip(f"Redis not reachable at {SETTINGS['host']}:{SETTINGS['port']} ({type(error).__name__})")
    return atomic


def conversation() -> str:
    return f"lock-test-{uuid.uuid4().hex[:10]}"


def test_tickets_are_rasas_numbers_in_rasas_format(store):
    rasa = RedisLockStore(**SETTINGS)  # Rasa's own store reads what ours wrote, and the other way round
    sender = conversation()
    assert store.issue_ticket(sender) == 0
    assert rasa.issue_ticket(sender) == 1
    assert store.issue_ticket(sender) == 2
    lock = rasa.get_lock(sender)
    assert [t.number for t in lock.tickets] == [0, 1, 2] and lock.now_serving == 0
    assert lock.conversation_id == sender
    store.cleanup(sender, 0)
    assert rasa.get_lock(sender).now_serving == 1
    store.cleanup(sender, 1)
    store.cleanup(sender, 2)
    assert rasa.get_lock(sender) is None  # the last ticket deletes the key, as Rasa's cleanup does


def test_expired_tickets_are_dropped_as_rasa_drops_them(store):
    sender = conversation()
    assert store.issue_ticket(sender, lock_lifetime=-1) == 0  # expired at once: a crashed worker's ticket
    assert store.issue_ticket(sender) == 0
    assert [t.number for t in store.get_lock(sender).tickets] == [0]
    store.cleanup(sender, 0)
    assert store.get_lock(sender) is None


def test_tickets_issued_at_the_same_moment_by_several_workers_are_all_different(store):
    sender = conversation()
    numbers = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        mine = AtomicRedisLockStore(**SETTINGS)
        barrier.wait()
        numbers.extend(mine.issue_ticket(sender) for _ in range(25))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == list(range(200))
    store.red.delete(store.key_prefix + sender)


def test_one_conversations_messages_wait_for_each_other_in_ticket_order(store):
    sender = conversation()
    order = []

    async def message(name: str, hold: float) -> None:
        async with store.lock(sender, wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def both() -> None:
        first = asyncio.ensure_future(message("first", 0.2))
        await asyncio.sleep(0.05)
        await message("second", 0)
        await first

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert store.get_lock(sender) is None


def calls_of_one_message(lock_store) -> list:
    sender = conversation()

    async def one() -> None:
        async with lock_store.lock(sender):
            pass

    asyncio.run(one())  # loads the scripts into Redis
    calls = []
    execute = lock_store.red.execute_command

    def counting(*args, **kwargs):
        calls.append(args[0])
        return execute(*args, **kwargs)

    lock_store.red.execute_command = counting
    asyncio.run(one())
    return calls


def test_an_uncontended_message_costs_two_calls_to_redis_instead_of_seven(store):
    assert calls_of_one_message(store) == ["EVALSHA", "EVALSHA"]
    assert calls_of_one_message(RedisLockStore(**SETTINGS)) == ["GET", "SET", "GET", "GET", "SET", "GET", "DEL"]


def test_rasa_builds_it_from_endpoints_yml():
    from rasa.core.lock_store import LockStore

    config = EndpointConfig.from_dict({"type": "components.lock_store.AtomicRedisLockStore",
                                       "url": SETTINGS["host"], "port": SETTINGS["port"], "db": 5})
    built = LockStore.create(config)
    assert isinstance(built, AtomicRedisLockStore)
    assert built.red.connection_pool.connection_kwargs["port"] == SETTINGS["port"]
