"""Fixtures and helpers shared by the desk tests (case store on SQLite and PostgreSQL, a fake Bot API).

Imported by the test modules (`from desk_support import ...`) rather than living in a conftest.py, so the
gateway's own tests/bot/conftest.py stays the gateway's.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import pytest
from sqlalchemy import text

from bot import db
from bot.desk import cases, models

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _postgres_engine():
    """An engine on a schema of its own, so parallel test runs on the shared database never meet."""
    try:
        probe = db.make_engine(PG_URL, connect_args={"connect_timeout": 2})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable here"
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {error}")
    schema = f"desk_test_{uuid.uuid4().hex[:12]}"
    with probe.begin() as connection:
        connection.execute(text(f'create schema "{schema}"'))
    engine = db.make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    return engine, probe, schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
        cases.create_tables(engine)
        yield engine
        engine.dispose()
        return
    engine, probe, schema = _postgres_engine()
    cases.create_tables(engine)
    yield engine
    engine.dispose()
    with probe.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    probe.dispose()


@pytest.fixture
def Session(engine):  # noqa: N802 - it is a class-like factory
    return db.session_factory(engine)


def request_payload(**overrides: Any) -> Dict[str, Any]:
    """A handoff request as the Rasa form returns it (contract version 1)."""
    payload = {
        "version": 1, "language": "ar", "counselling_language": "ar", "topic": "appointment",
        "topic_text": "موعد للاستشارة", "contact": "in_person", "phone": None,
        "times": ["weekday_mornings"], "times_text": "nicht freitags", "name": "Abu Karim", "country": "IQ",
        "lookup": "country=IQ adults=2 children=3", "reason": "asked", "summary": "Wir möchten nach Irak zurück.",
    }
    payload.update(overrides)
    return payload


class Clock:
    """An injectable clock the tests move forward."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    @classmethod
    def soon(cls) -> "Clock":
        """A clock a second ahead of real time, so rows enqueued just now are due on it."""
        return cls(db.utcnow() + dt.timedelta(seconds=1))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


# --- a fake Bot API behind PTB's own request interface (offline, like PTB's tests) ------------------------

from telegram import Bot  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

BOT_ID = 999
GROUP = -1001
MEMBERS_STATUS = {"member", "administrator", "creator"}


@dataclass
class Sent:
    chat_id: int
    text: str
    message_id: int
    buttons: List[List[Dict[str, str]]] = field(default_factory=list)
    reply_to: Optional[int] = None
    edited: bool = False

    def button_data(self) -> List[str]:
        return [b["callback_data"] for row in self.buttons for b in row]


class FakeBotAPI(BaseRequest):
    """Answers Bot API calls in memory: records messages per chat, fails on demand, knows group members.

    `fail_next("sendMessage", status=429, retry_after=1)` makes the next call of that method fail the way
    Telegram does; `raise_next("sendMessage", exc)` raises (e.g. a connection error); `members` holds the
    user ids get_chat_member reports as members of the counsellors' group.
    """

    def __init__(self, members: Tuple[int, ...] = ()) -> None:
        self.messages: Dict[int, List[Sent]] = {}
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.failures: List[Tuple[str, int, Optional[int]]] = []
        self.raising: List[Tuple[str, Exception]] = []
        self.members = set(members)
        self._next_id = 100

    # BaseRequest interface
    @property
    def read_timeout(self) -> Optional[float]:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: Optional[RequestData] = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> Tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        for i, (raising, error) in enumerate(self.raising):
            if raising == name:
                del self.raising[i]
                if getattr(error, "after_sending", False):  # the request arrived; only the answer is lost
                    handler = getattr(self, f"_{name}", None)
                    handler(params)
                raise error
        for i, (failing, status, retry_after) in enumerate(self.failures):
            if failing == name:
                del self.failures[i]
                body: Dict[str, Any] = {"ok": False, "error_code": status, "description": f"fake {status}"}
                if retry_after is not None:
                    body["parameters"] = {"retry_after": retry_after}
                return status, json.dumps(body).encode()
        text = params.get("text")
        if name in ("sendMessage", "editMessageText") and text is not None and not 0 < len(
                str(text).encode("utf-16-le")) // 2 <= 4096:  # Telegram counts UTF-16 code units
            return 400, json.dumps({"ok": False, "error_code": 400,
                                    "description": "Bad Request: message is too long"}).encode()
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": f"no {name}"}).encode()
        try:
            result = handler(params)
        except KeyError:
            return 400, json.dumps({"ok": False, "error_code": 400,
                                    "description": f"Bad Request: message to {name[:6]} not found"}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def raise_next(self, method: str, error: Exception, times: int = 1) -> None:
        self.raising.extend([(method, error)] * times)

    def fail_next(self, method: str, status: int = 429, retry_after: Optional[int] = None, times: int = 1) -> None:
        self.failures.extend([(method, status, retry_after)] * times)

    # Bot API methods
    def _getMe(self, params):  # noqa: N802
        return {"id": BOT_ID, "is_bot": True, "first_name": "Wegweiser", "username": "wegweiser_bot"}

    def _message(self, chat_id: int, text: str, markup: Any, message_id: int) -> Dict[str, Any]:
        result = {"message_id": message_id, "date": 0, "text": text,
                  "chat": {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"}}
        if markup:
            result["reply_markup"] = markup
        return result

    def _sendMessage(self, params):  # noqa: N802
        self._next_id += 1
        chat_id = int(params["chat_id"])
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        reply = params.get("reply_parameters") or {}
        reply = json.loads(reply) if isinstance(reply, str) else reply
        self.messages.setdefault(chat_id, []).append(Sent(
            chat_id, params["text"], self._next_id, (markup or {}).get("inline_keyboard", []),
            reply.get("message_id")))
        return self._message(chat_id, params["text"], markup, self._next_id)

    def _editMessageText(self, params):  # noqa: N802
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        for sent in self.messages.get(chat_id, []):
            if sent.message_id == message_id:
                sent.text, sent.buttons, sent.edited = params["text"], (markup or {}).get("inline_keyboard", []), True
                return self._message(chat_id, sent.text, markup, message_id)
        raise KeyError(message_id)

    def _copyMessage(self, params):  # noqa: N802
        self._next_id += 1
        chat_id = int(params["chat_id"])
        reply = params.get("reply_parameters") or {}
        reply = json.loads(reply) if isinstance(reply, str) else reply
        copied = f"copy of {params['from_chat_id']}:{params['message_id']}"
        self.messages.setdefault(chat_id, []).append(Sent(chat_id, copied, self._next_id, [], reply.get("message_id")))
        return {"message_id": self._next_id}

    def _answerCallbackQuery(self, params):  # noqa: N802
        return True

    def _leaveChat(self, params):  # noqa: N802
        return True

    def _deleteMessage(self, params):  # noqa: N802
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        kept = [m for m in self.messages.get(chat_id, []) if m.message_id != message_id]
        if len(kept) == len(self.messages.get(chat_id, [])):
            raise KeyError(message_id)
        self.messages[chat_id] = kept
        return True

    def _getChatMember(self, params):  # noqa: N802
        user_id = int(params["user_id"])
        status = "member" if user_id in self.members else "left"
        return {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "U"}}

    # helpers for assertions
    def sent(self, chat_id: int) -> List[Sent]:
        return self.messages.get(chat_id, [])

    def answers(self) -> List[Dict[str, Any]]:
        return [p for name, p in self.calls if name == "answerCallbackQuery"]


async def fake_bot(api: FakeBotAPI) -> Bot:
    bot = Bot("123:TEST", request=api, get_updates_request=api)
    await bot.initialize()
    return bot


# --- the desk inside a PTB Application, driven by raw updates ---------------------------------------------

import itertools  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from telegram import Update  # noqa: E402
from telegram.ext import Application, MessageHandler, filters  # noqa: E402

COUNSELLOR = 501
OUTSIDER = 666
PERSON = 7001


class DeskHarness:
    """An Application with the desk registered, a stand-in for the gateway's Rasa handler, and the fake API.

    Messages the stand-in receives are what the gateway would have sent to Rasa (`rasa_saw`)."""

    def __init__(self, sessions, clock: Clock, api: FakeBotAPI, counsellor_ids=()) -> None:
        self.sessions, self.clock, self.api = sessions, clock, api
        self.counsellor_ids = counsellor_ids
        self.rasa_saw: List[str] = []
        self._ids = itertools.count(1)

    async def __aenter__(self) -> "DeskHarness":
        from bot import desk

        self.app = Application.builder().token("123:TEST").request(self.api).get_updates_request(self.api).build()
        settings = SimpleNamespace(COUNSELLOR_CHAT_ID=GROUP, COUNSELLOR_IDS=list(self.counsellor_ids),
                                   RETENTION_DAYS=30, DATABASE_URL="unused")
        self.desk = desk.register(self.app, settings, sessions=self.sessions, clock=self.clock)
        self.desk._kick = None  # the tests deliver explicitly, step by step

        async def rasa(update, context):
            self.rasa_saw.append(update.effective_message.text)

        async def media(update, context):
            self.rasa_saw.append("<media reply>")

        self.app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, rasa))
        self.app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.PHOTO, media))
        await self.app.initialize()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.app.shutdown()

    async def deliver(self) -> int:
        return await self.desk.worker.deliver_due()

    def _user(self, user_id: int) -> Dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "username": f"user{user_id}"}

    def _chat(self, chat_id: int) -> Dict[str, Any]:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": "Beratung"}
        return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}

    async def send(self, user_id: int, chat_id: int, text: Optional[str], reply_to: Optional[int] = None,
                   message_id: Optional[int] = None) -> None:
        """A text message, or (text None) a photo."""
        message: Dict[str, Any] = {"message_id": message_id or next(self._ids) + 10_000, "date": 0,
                                   "chat": self._chat(chat_id), "from": self._user(user_id)}
        if text is None:
            message["photo"] = [{"file_id": "photo-1", "file_unique_id": "u1", "width": 90, "height": 90}]
            text = ""
        else:
            message["text"] = text
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": 0, "chat": self._chat(chat_id),
                                           "from": {"id": BOT_ID, "is_bot": True, "first_name": "Wegweiser"},
                                           "text": "…"}
        await self.app.process_update(Update.de_json({"update_id": next(self._ids), "message": message}, self.app.bot))

    async def person_says(self, text: str, person: int = PERSON) -> None:
        await self.send(person, person, text)

    async def press(self, user_id: int, chat_id: int, data: str, message_id: int = 1) -> None:
        query = {"id": str(next(self._ids)), "from": self._user(user_id), "chat_instance": "ci", "data": data,
                 "message": {"message_id": message_id, "date": 0, "chat": self._chat(chat_id), "text": "…"}}
        await self.app.process_update(Update.de_json({"update_id": next(self._ids), "callback_query": query},
                                                     self.app.bot))

    def submit(self, payload: Optional[Dict[str, Any]] = None, person: int = PERSON, pseudonym: str = "pseudo-1"):
        from bot.desk import intake

        with self.sessions() as session:
            return intake.submit(session, self.desk.config, pseudonym, person, payload or request_payload(),
                               now=self.clock())

    def case(self, number: int):
        with self.sessions() as session:
            return session.get(models.Case, number)
