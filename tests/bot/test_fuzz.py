"""Fuzz: 10,000 generated updates (seeded) through the fake Bot API into the real gateway (with the desk).

Every kind of message, texts empty or of 4,096 units, RTL and zero-width characters, Rasa's
`/intent{json}` syntax, stale and forged button data, edits, forwards, group messages, channel posts,
membership changes and update kinds the library does not know. Rasa is a fake REST endpoint on 127.0.0.1
that answers at once with a token of the message (a real Rasa answers ~20 messages per second on this
machine, too slow for 10,000 in a test); each answer can so be traced to its message. Both fakes run in a
child process (tests/bot/fuzz_servers.py), as Telegram and Rasa are other processes. Asserted:
no unhandled exception in the log, every private text for Rasa answered exactly once, no message or
answer over Telegram's limits, nothing stored for the groups the bot leaves, every such group left.

FUZZ_SEED and FUZZ_UPDATES change the seed and the count; the run's figures are printed.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
import os
import time

from sqlalchemy import create_engine, text as sql

from bot import app as app_module
from bot.app import build_application
from bot.pseudonym import pseudonym
from bot.sending import RetryingRateLimiter
from bot.settings import Settings
from bot.store import Seen
from fuzz_servers import SeparateServers
from fuzz_updates import COUNSELLOR_GROUP, FOREIGN_GROUPS, OUTSIDERS, Generator, token_of, utf16_units

SEED = int(os.environ.get("FUZZ_SEED", "18"))
COUNT = int(os.environ.get("FUZZ_UPDATES", "10000"))
KEY = "fuzz-test-pseudonym-key-0123456789"
EVENTS = ("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
          "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")


class OpenLimiter(RetryingRateLimiter):
    """Telegram's 30 messages/s would make 10,000 answers take 6 minutes; the fake has no such limit."""

    def __init__(self, send_retries: int = 5, **options) -> None:
        super().__init__(send_retries, overall_max_rate=0, group_max_rate=0, **options)


async def test_ten_thousand_generated_updates(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(app_module, "RetryingRateLimiter", OpenLimiter)
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(sql(EVENTS))
    engine.dispose()
    expected = list(Generator(SEED).updates(COUNT))
    caplog.set_level(logging.WARNING)
    with SeparateServers() as fake:  # the fake Bot API and the fake Rasa, in a child process
        settings = Settings(TELEGRAM_TOKEN="7000000001:fuzz", PSEUDONYM_KEY=KEY, TELEGRAM_BASE_URL=fake.telegram_url,
                            DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}", TRACKER_DB_URL=tracker_url,
                            RASA_URL=fake.rasa_url, RASA_TIMEOUT=20, COUNSELLOR_CHAT_ID=COUNSELLOR_GROUP,
                            WEGWEISER_DATA_DIR=tmp_path / "data", _env_file=None)
        application = build_application(settings)
        await application.initialize()
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        await application.start()
        store = application.bot_data["gateway"].store
        started = time.monotonic()
        try:
            await asyncio.to_thread(fake.queue_updates, [item.update for item in expected])
            kept = [item.update["update_id"] for item in expected if not item.foreign]
            # polled 5 times a second (the pipe in a thread; the database in the loop)
            await wait_until(lambda: store.update_state(kept[-1]) is Seen.DONE, fake.all_confirmed,
                             timeout=float(os.environ.get("FUZZ_WAIT", "600")))
            await wait_until(lambda: all(store.update_state(i) is Seen.DONE for i in kept[-200:]), timeout=60)
            await asyncio.sleep(0.5)  # the last answers' sends
        finally:
            seconds = time.monotonic() - started
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            await application.shutdown()
        calls = fake.call_log()
        received = fake.rasa_received()
        stored = {row[0] for row in store_rows(tmp_path, "SELECT update_id FROM gateway_updates")}
        people = {row[0] for row in store_rows(tmp_path, "SELECT person FROM gateway_people")}
    print(f"\nfuzz: {COUNT} updates (seed {SEED}) in {seconds:.1f} s, {COUNT / seconds:.0f} updates/s, "
          f"{len(calls)} Bot API calls")

    # no unhandled exception, nothing at ERROR
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not problems, [f"{r.name}: {r.getMessage()}" for r in problems[:5]]

    # every private text for Rasa answered exactly once (and Rasa asked exactly once)
    answers = collections.Counter()
    for call in calls:
        if call.method == "sendMessage" and call.status == 200 and str(call.params["text"]).startswith("answer "):
            answers[(int(call.params["chat_id"]), call.params["text"][len("answer "):])] += 1
    wanted = collections.Counter()
    for item in expected:
        if item.to_rasa is not None:
            message = item.update["message"]
            person = pseudonym(KEY, message["from"]["id"])
            wanted[(message["chat"]["id"], token_of(person, item.to_rasa))] += 1
    assert wanted and {key: answers[key] for key in wanted} == wanted
    assert sum(received.values()) >= sum(wanted.values())

    # nothing over Telegram's limits
    for call in calls:
        p = call.params
        if call.method in ("sendMessage", "editMessageText"):
            assert 0 < utf16_units(p["text"]) <= 4096
        if call.method == "answerCallbackQuery" and p.get("text"):
            assert utf16_units(p["text"]) <= 200
        markup = p.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                assert len(button["callback_data"].encode()) <= 64 and utf16_units(button["text"]) <= 200
    assert not [c for c in calls if c.status == 400 and c.method in ("sendMessage", "editMessageText")]

    # nothing stored for groups the bot leaves, and each of them left
    foreign_ids = {item.update["update_id"] for item in expected if item.foreign}
    assert not stored & foreign_ids, [item.update for item in expected if item.update["update_id"] in stored & foreign_ids][:3]
    assert not people & {pseudonym(KEY, user) for user in OUTSIDERS}
    left = {int(c.params["chat_id"]) for c in calls if c.method == "leaveChat"}
    written_in = {item.update["message"]["chat"]["id"] for item in expected if item.foreign and "message" in item.update}
    assert written_in and written_in <= left <= set(FOREIGN_GROUPS)
    assert COUNSELLOR_GROUP not in left


async def wait_until(in_loop, in_thread=lambda: True, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not (in_loop() and await asyncio.to_thread(in_thread)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done within {timeout} s")
        await asyncio.sleep(0.2)


def store_rows(tmp_path, query: str):
    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    with engine.connect() as connection:
        rows = connection.execute(sql(query)).all()
    engine.dispose()
    return rows
