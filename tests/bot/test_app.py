"""The application: webhook mode refuses requests without Telegram's secret token; secrets never logged."""
from __future__ import annotations

import asyncio
import json
import logging
import socket

import httpx

import importlib.machinery
import importlib.util
import sys

import pytest

from bot.app import RedactSecrets, build_application, file_url, stop_sniffio_search
from bot.settings import Settings
from bot.store import Seen, Store
from tests.bot.test_handlers import KEY, TOKEN, FakeRasa, RecordingTelegram, message


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_rejects_requests_without_the_secret_token(tmp_path):
    settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}",
                        WEBHOOK_URL="https://bot.example.org/telegram", WEBHOOK_SECRET="right_secret", _env_file=None)
    telegram, rasa = RecordingTelegram(), FakeRasa()
    application = build_application(settings, httpx.MockTransport(rasa), request=telegram)
    port = free_port()
    async with application:
        await application.post_init(application)
        await application.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                                webhook_url=settings.WEBHOOK_URL, secret_token="right_secret")
        await application.start()
        try:
            url = f"http://127.0.0.1:{port}/telegram"
            update = message(77, "Hallo über den Webhook")
            async with httpx.AsyncClient() as client:
                missing = await client.post(url, json=update)
                wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "right_secret"})
            assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
            for _ in range(50):
                if rasa.received:
                    break
                await asyncio.sleep(0.05)
            assert [body["message"] for body in rasa.received] == ["Hallo über den Webhook"]
            webhook = [params for name, params in telegram.calls if name == "setWebhook"]
            assert webhook and webhook[0]["secret_token"] == "right_secret"
        finally:
            await application.updater.stop()
            await application.stop()


def test_file_url_sits_next_to_the_api_url():
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"


def test_secrets_are_redacted_from_any_log_line(caplog):
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactSecrets(TOKEN))
    logger.warning("GET https://api.telegram.org/bot%s/getMe failed", TOKEN)
    assert TOKEN not in caplog.text and "<redacted>" in caplog.text


async def test_an_update_stored_but_not_answered_before_a_crash_is_answered_after_the_restart(tmp_path):
    settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}",
                        _env_file=None)
    crashed = Store(settings.DATABASE_URL)  # the previous process stored the update, then died
    crashed.record_update(501, "someone", json.dumps(message(501, "Frage vor dem Absturz")))
    crashed.close()
    telegram, rasa = RecordingTelegram(), FakeRasa()
    application = build_application(settings, httpx.MockTransport(rasa), request=telegram)
    async with application:
        await application.post_init(application)
        await application.start()
        try:
            for _ in range(100):
                if application.bot_data["gateway"].store.update_state(501) is Seen.DONE:
                    break
                await asyncio.sleep(0.05)
        finally:
            await application.stop()
        assert [body["message"] for body in rasa.received] == ["Frage vor dem Absturz"]
        assert telegram.texts() == ["Antwort auf: Frage vor dem Abstur"]
        assert application.bot_data["gateway"].store.unfinished_updates() == []


def test_the_concurrency_setting_reaches_the_update_processor(tmp_path):
    settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}",
                        CONCURRENT_UPDATES=7, _env_file=None)
    application = build_application(settings, httpx.MockTransport(FakeRasa()), request=RecordingTelegram())
    assert application.update_processor.max_concurrent_updates == 7
    assert Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, _env_file=None).CONCURRENT_UPDATES == 64


def test_a_missing_sniffio_fails_to_import_at_once_instead_of_searching_sys_path(monkeypatch):
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    stop_sniffio_search()
    assert "sniffio" in sys.modules and sys.modules["sniffio"] is None
    searched = []
    monkeypatch.setattr(sys, "meta_path", [_Recorder(searched)] + sys.meta_path)
    with pytest.raises(ImportError):
        import sniffio  # noqa: F401
    assert searched == []  # no finder was asked


def test_an_installed_sniffio_is_left_alone(monkeypatch):
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: importlib.machinery.ModuleSpec(name, loader=None))
    stop_sniffio_search()
    assert "sniffio" not in sys.modules


class _Recorder:
    """A meta path finder that only notes what it was asked for."""

    def __init__(self, searched: list) -> None:
        self.searched = searched

    def find_spec(self, name, path=None, target=None):
        self.searched.append(name)
        return None
