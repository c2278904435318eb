"""The real gateway against the fake Telegram Bot API server, with the real Rasa and action servers.

One scripted conversation in two languages: /start with a deep link, a question, /language and a
language button, an old button, a voice note, a long message, a duplicate update, a 429 and a 500 from
Telegram, /delete (then Rasa's tracker store and the gateway's store hold nothing of that person), the
action server stopped, and Rasa stopped mid-conversation. About 30-60 s, most of it Rasa loading the model.
"""
from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import logging
import socket
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest
import yaml
from sqlalchemy import create_engine, text as sql

from bot.app import build_application, configure_logging
from bot.pseudonym import pseudonym
from bot.render import MAX_TEXT, units
from wegweiser.content import language_codes
from bot.settings import Settings
from bot.store import Seen
from bot.texts import text, unavailable
from scripts.launch import MODEL, ROOT, Services
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "7000000001:end-to-end-TOKEN_value"
KEY = "end-to-end-pseudonym-key"
ANNA, SAMIR, LEYLA = 5101, 5202, 5303  # Telegram users

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="needs a trained model: make train")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def response_text(name: str, language: str) -> str:
    responses = yaml.safe_load((ROOT / "domain" / "responses.yml").read_text(encoding="utf-8"))["responses"]
    [variation] = [v for v in responses[name] if v["condition"][0]["value"] == language]
    return variation["text"]


def count_events(tracker_url: str, sender: str, text_value: str | None = None) -> int:
    engine = create_engine(tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(sql("SELECT type_name, data FROM events WHERE sender_id = :s"), {"s": sender}).all()
    engine.dispose()
    if text_value is None:
        return len(rows)
    return sum(1 for type_name, data in rows if type_name == "user" and json.loads(data).get("text") == text_value)


@pytest.fixture(scope="module")
def rasa(tmp_path_factory):
    data_dir: Path = tmp_path_factory.mktemp("e2e-rasa")
    services = Services(free_port(), free_port(), data_dir, quiet=True)
    try:
        services.start()
        # the first message loads the language detector in the action server (a few seconds)
        request = urllib.request.Request(f"http://127.0.0.1:{services.rasa_port}/webhooks/rest/webhook",
                                         json.dumps({"sender": "warm-up", "message": "Hallo"}).encode(),
                                         {"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=60).read()
        yield services
    finally:
        services.stop()


async def test_scripted_conversation(rasa, tmp_path, caplog):
    tracker_url = f"sqlite:///{rasa.data_dir.resolve() / 'tracker.db'}"
    with FakeTelegram() as fake:
        settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, TELEGRAM_BASE_URL=fake.base_url,
                            DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}", TRACKER_DB_URL=tracker_url,
                            RASA_URL=f"http://127.0.0.1:{rasa.rasa_port}", RASA_TIMEOUT=10, TYPING_DELAY=0, _env_file=None)
        configure_logging(settings)
        caplog.set_level(logging.INFO)
        application = build_application(settings)
        await application.initialize()
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0.0, timeout=2)
        await application.start()
        try:
            await converse(fake, application, rasa, tracker_url)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.post_shutdown(application)
            await application.shutdown()
    logged = caplog.text
    assert "handled in" in logged and "skipped" in logged  # the duplicate was seen and dropped
    for secret in (TOKEN, KEY, "Reisebeihilfe", "تذكرة", str(ANNA), str(SAMIR)):
        assert secret not in logged


class Script:
    """Acts as a person and returns what the gateway sent once it has finished handling that update."""

    def __init__(self, fake: FakeTelegram, application: Any) -> None:
        self.fake, self.store = fake, application.bot_data["gateway"].store

    async def __call__(self, chat_id: int, act: Callable[[], Dict[str, Any]], timeout: float = 20) -> List[Dict]:
        before = len(self.fake.sent(chat_id))
        update_id = act()["update_id"]

        def finished(fake: FakeTelegram) -> bool:
            state = self.store.update_state(update_id)  # None after /delete removed the person's rows
            return state is Seen.DONE or (state is None and len(fake.sent(chat_id)) > before)

        await self.fake.async_wait_for(finished, timeout=timeout)
        return self.fake.sent(chat_id)[before:]


async def converse(fake: FakeTelegram, application: Any, rasa: Services, tracker_url: str) -> None:
    act = Script(fake, application)

    # /start with a deep-link code: welcome + privacy notice, then the language keyboard
    welcome, choice = await act(ANNA, lambda: fake.command(ANNA, "start", "centre_hh", language_code="de"))
    assert welcome["text"].startswith(text("welcome", "de")) and "/delete" in welcome["text"]
    assert sum(len(row) for row in choice["reply_markup"]["inline_keyboard"]) == len(language_codes())
    assert {c.get("language_code") for c in fake.calls_of("setMyCommands")} >= set(language_codes())

    # a question in German: Rasa answers in German, after "typing…"
    reply = await act(ANNA, lambda: fake.user_message(ANNA, "Wie viel Reisebeihilfe bekommt ein Erwachsener?"))
    assert "Reisebeihilfe" in reply[0]["text"] and reply[0]["text"] != unavailable("de")
    assert fake.calls_of("sendChatAction")

    # /language, then the English button: Rasa confirms in English
    [keyboard] = await act(ANNA, lambda: fake.command(ANNA, "language"))
    [changed] = await act(ANNA, lambda: fake.callback_query(ANNA, "l:en", keyboard["message_id"]))
    assert changed["text"] == response_text("utter_language_changed", "en")
    assert fake.calls_of("answerCallbackQuery") and fake.calls_of("editMessageReplyMarkup")

    # the keyboard from /start is an old one now
    [old] = await act(ANNA, lambda: fake.callback_query(ANNA, "l:de", choice["message_id"]))
    assert old["text"] == text("old_button", "en")

    # a voice note: a kind reply in the chosen language, nothing sent to Rasa
    [voice] = await act(ANNA, lambda: fake.voice(ANNA))
    assert voice["text"] == text("media_voice", "en")

    # the second person, in Arabic; then a very long message; every message sent fits Telegram
    arabic = await act(SAMIR, lambda: fake.user_message(SAMIR, "من يدفع ثمن تذكرة الطيران؟", language_code="ar"))
    assert any("\u0600" <= c <= "\u06ff" for c in arabic[0]["text"]) and arabic[0]["text"] != unavailable("ar")
    long_question = ("هل يمكنني العودة إلى بلدي مع عائلتي؟ " * 80).strip()
    assert await act(SAMIR, lambda: fake.user_message(SAMIR, long_question, language_code="ar"))
    assert all(units(m["text"]) <= MAX_TEXT for m in fake.sent())

    # the same update delivered twice is answered once (and reaches Rasa once)
    def twice() -> Dict[str, Any]:
        with fake._cond:  # both copies queued before the gateway's next getUpdates sees either
            raw = fake.user_message(SAMIR, "شكرا جزيلا", language_code="ar")
            fake.queue_update(copy.deepcopy(raw))
        return raw

    assert await act(SAMIR, twice)
    await asyncio.sleep(0.5)  # time for a wrongly handled second copy to reach Rasa
    assert count_events(tracker_url, pseudonym(KEY, SAMIR), "شكرا جزيلا") == 1

    # Telegram answers 429 (retry_after) and then 500 twice: the replies still arrive
    fake.fail_next("sendMessage", status=429, retry_after=1)
    assert await act(ANNA, lambda: fake.user_message(ANNA, "How much is the travel allowance for a child?"))
    fake.fail_next("sendMessage", status=500, retry_after=None, times=2)
    assert await act(ANNA, lambda: fake.user_message(ANNA, "Who pays for the flight ticket?"))
    statuses = [call.status for call in fake.call_log if call.method == "sendMessage"]
    assert 429 in statuses and statuses.count(500) == 2

    # /delete: confirmation, then nothing of Anna remains in Rasa's tracker store or the gateway's tables
    anna = pseudonym(KEY, ANNA)
    assert count_events(tracker_url, anna) > 0
    [confirm] = await act(ANNA, lambda: fake.command(ANNA, "delete"))
    assert confirm["text"] == text("delete_confirm", "en")
    [done] = await act(ANNA, lambda: fake.callback_query(ANNA, "d:yes", confirm["message_id"]))
    assert done["text"] == text("delete_done", "en")
    assert count_events(tracker_url, anna) == 0
    assert not application.bot_data["gateway"].store.holds(anna)
    assert count_events(tracker_url, pseudonym(KEY, SAMIR)) > 0

    # the action server stops: Rasa answers a new conversation with nothing; the person gets the apology
    os.killpg(rasa.processes[0].pid, signal.SIGTERM)
    rasa.processes[0].wait(timeout=15)
    [apology] = await act(LEYLA, lambda: fake.user_message(LEYLA, "Hallo, wer bezahlt das Ticket?", language_code="de"))
    assert apology["text"] == unavailable("de")

    # Rasa stops too, mid-conversation: the apology with contacts, and the gateway lives on
    rasa.stop()
    [apology] = await act(SAMIR, lambda: fake.user_message(SAMIR, "هل ما زلت هنا؟", language_code="ar"))
    assert apology["text"] == unavailable("ar")
    [help_text] = await act(SAMIR, lambda: fake.command(SAMIR, "help", language_code="ar"))
    assert help_text["text"] == text("help", "ar")
