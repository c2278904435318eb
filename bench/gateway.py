"""The gateway's part of `make bench` (runs in .venv/bot; bench/run.py starts it while Rasa is up).

50 simulated people chat at once through the fake Telegram Bot API server: each sends a question,
waits for the gateway to finish answering it, and sends the next. The fake server runs in its own
process, as Telegram would. Measured per message: from the update leaving the fake server (getUpdates)
to the first reply arriving there, and how much of that was the
Rasa round trip (timed inside the gateway's HTTP transport), so the gateway's own share is exact.
Lost = messages never answered; duplicated = user messages that reached Rasa more than once.
Prints one JSON object.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Dict, List

import httpx
from sqlalchemy import create_engine, text as sql

from bot.app import build_application
from bot.pseudonym import pseudonym
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent

KEY = "bench-pseudonym-key-0123456789"
#: questions written for the benchmark (not the held-out set), one list per Telegram language
QUESTIONS = {
    "de": ["Wer bezahlt mein Flugticket?", "Wie viel Geld bekomme ich für die Reise?", "Was ist StarthilfePlus?"],
    "en": ["Who pays for my plane ticket?", "How much money do I get for the journey?", "Can my family come with me?"],
    "ar": ["من يدفع ثمن تذكرة الطائرة؟", "كم من المال أحصل عليه للسفر؟", "هل يمكن لعائلتي السفر معي؟"],
    "fa": ["چه کسی هزینه بلیط هواپیما را می‌دهد؟", "برای سفر چقدر پول می‌گیرم؟", "آیا خانواده‌ام می‌توانند با من بیایند؟"],
    "ru": ["Кто платит за билет на самолёт?", "Сколько денег я получу на дорогу?", "Может ли моя семья поехать со мной?"],
    "tr": ["Uçak biletimi kim öder?", "Yolculuk için ne kadar para alırım?", "Ailem benimle gelebilir mi?"],
}


class TimedTransport(httpx.AsyncBaseTransport):
    """Records how long each Rasa call took, per sender, in call order."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.durations: Dict[str, List[float]] = defaultdict(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.durations[json.loads(request.content)["sender"]].append(time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def user_events(tracker_url: str, users: int) -> int:
    """User messages of the simulated people in Rasa's tracker store (a handled duplicate adds one)."""
    engine = create_engine(tracker_url)
    count = "SELECT COUNT(*) FROM events WHERE sender_id = :s AND type_name = 'user'"
    try:
        with engine.connect() as connection:
            return sum(int(connection.execute(sql(count), {"s": pseudonym(KEY, 900000 + i)}).scalar() or 0)
                       for i in range(users))
    finally:
        engine.dispose()


def _serve_fake(connection: Connection) -> None:
    """The fake Bot API server in its own process, driven over a pipe: new messages in, latencies out."""
    with FakeTelegram() as fake:
        connection.send(fake.base_url)
        while True:
            command, args = connection.recv()
            if command == "message":
                connection.send(fake.user_message(*args)["update_id"])
            elif command == "latencies":
                connection.send([(item.chat_id, item.seconds) for item in fake.latencies()])
            else:
                connection.send(None)
                return


class SeparateFake:
    """Telegram is another machine in production; in one process the fake server's threads would compete
    with the gateway's event loop for the interpreter lock and count as the gateway's time."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve_fake, args=(child,), daemon=True)
        self.process.start()
        self.base_url: str = self.connection.recv()
        self.lock = threading.Lock()

    def call(self, command: str, *args: Any) -> Any:
        with self.lock:
            self.connection.send((command, args))
            return self.connection.recv()

    def __enter__(self) -> "SeparateFake":
        return self

    def __exit__(self, *exc: object) -> None:
        self.call("stop")
        self.process.join(timeout=10)


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def bench(rasa_url: str, tracker_url: str, users: int, per_user: int, think: float) -> Dict[str, float]:
    logging.basicConfig(level=logging.WARNING)
    transport = TimedTransport()
    reached_before = user_events(tracker_url, users)
    with SeparateFake() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(TELEGRAM_TOKEN="7000000001:bench", PSEUDONYM_KEY=KEY, TELEGRAM_BASE_URL=fake.base_url,
                            DATABASE_URL=f"sqlite:///{tmp}/gateway.db", TRACKER_DB_URL=tracker_url,
                            RASA_URL=rasa_url, RASA_TIMEOUT=120, _env_file=None)
        application = build_application(settings, transport)
        processor = application.update_processor
        handled: Dict[int, asyncio.Event] = defaultdict(asyncio.Event)
        handle = processor.do_process_update

        async def handle_and_signal(update: object, coroutine: Any) -> None:
            """The processor as built, plus an event per update, so the simulated people wait without polling."""
            await handle(update, coroutine)
            handled[getattr(update, "update_id", -1)].set()

        processor.do_process_update = handle_and_signal  # type: ignore[method-assign]
        await application.initialize()
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=2)
        await application.start()
        languages = list(QUESTIONS)

        async def person(index: int) -> None:
            user_id, language = 900000 + index, languages[index % len(languages)]
            pause = random.Random(index)
            await asyncio.sleep(pause.uniform(0, think))  # people do not all start in the same millisecond
            for turn in range(per_user):
                question = QUESTIONS[language][(index + turn) % len(QUESTIONS[language])]
                # in a thread: a blocking pipe call in the event loop would count as the gateway's time
                update_id = await asyncio.to_thread(fake.call, "message", user_id, question, language)
                try:
                    await asyncio.wait_for(handled[update_id].wait(), timeout=120)
                except asyncio.TimeoutError:
                    return  # counted as lost below
                await asyncio.sleep(pause.uniform(0.5 * think, 1.5 * think))  # reading and typing

        started = time.monotonic()
        try:
            await asyncio.gather(*(person(i) for i in range(users)))
        finally:
            wall = time.monotonic() - started
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            await application.shutdown()
        latencies = fake.call("latencies")

    e2e, overhead, rasa = [], [], []
    later_e2e, later_rasa, later_overhead = [], [], []  # people already in a conversation (not their first message)
    turns: Dict[int, int] = defaultdict(int)
    for chat_id, seconds in latencies:
        if seconds is None:
            continue
        rasa_seconds = transport.durations[pseudonym(KEY, chat_id)][turns[chat_id]]
        if turns[chat_id] > 0:
            later_e2e.append(seconds * 1000)
            later_rasa.append(rasa_seconds * 1000)
            later_overhead.append((seconds - rasa_seconds) * 1000)
        turns[chat_id] += 1
        e2e.append(seconds * 1000)
        rasa.append(rasa_seconds * 1000)
        overhead.append((seconds - rasa_seconds) * 1000)
    sent = users * per_user
    reached = user_events(tracker_url, users) - reached_before
    return {
        "gateway_users": users,
        "gateway_think_s": think,
        "gateway_messages": sent,
        "gateway_wall_s": round(wall, 1),
        "gateway_e2e_median_ms": round(statistics.median(e2e), 1),
        "gateway_e2e_p95_ms": round(percentile(e2e, 95), 1),
        "gateway_rasa_call_median_ms": round(statistics.median(rasa), 1),
        "gateway_rasa_call_p95_ms": round(percentile(rasa, 95), 1),
        "gateway_own_median_ms": round(statistics.median(overhead), 1),
        "gateway_own_p95_ms": round(percentile(overhead, 95), 1),
        "gateway_adds_to_rasa_p95_ms": round(percentile(e2e, 95) - percentile(rasa, 95), 1),
        # first contact: each first answer is 3 Telegram messages, and Telegram's 30 messages/s queue a burst
        "gateway_adds_to_rasa_p95_ms_in_conversation": round(percentile(later_e2e, 95) - percentile(later_rasa, 95), 1)
        if later_e2e else None,
        "gateway_own_p95_ms_in_conversation": round(percentile(later_overhead, 95), 1) if later_overhead else None,
        "gateway_lost": sent - len(e2e),
        "gateway_duplicated": max(0, reached - sent),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--tracker-url", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=4)
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a reply and the next question")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(bench(args.rasa_url, args.tracker_url, args.users, args.per_user, args.think))))


if __name__ == "__main__":
    main()
