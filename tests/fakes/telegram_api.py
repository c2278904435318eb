"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

Standard library only: it is imported from both virtualenvs (Python 3.10 and 3.11).

    with FakeTelegram() as fake:
        app = Application.builder().token(TOKEN).base_url(fake.base_url) \\
            .base_file_url(fake.file_base_url).build()
        fake.user_message(42, "Hallo")          # queued for getUpdates
        fake.wait_for_messages(42, 1, timeout=5)

Requests arrive as ``/bot<TOKEN>/<method>``. Bodies may be JSON, form-encoded or multipart;
python-telegram-bot 22 sends form fields whose non-string values are JSON-encoded, so form
values are JSON-decoded except for fields that are always strings (``text``, ``data``, ...).

Everything the bot does is recorded (``calls``, ``call_log``, ``sent()``); user activity is
injected with builder methods that queue realistic Update dicts; faults are injected with
``fail_next`` and ``delay``; ``stop``/``start`` make Telegram unreachable and bring it back.
"""
from __future__ import annotations

import argparse
import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from tests.fakes.telegram_updates import UserActivity

# Form fields that are strings on the wire and must not be JSON-decoded ("123" stays "123").
STRING_FIELDS = {
    "text", "caption", "data", "callback_query_id", "url", "secret_token", "language_code",
    "action", "parse_mode", "file_id", "description", "short_description", "name",
    "inline_message_id", "sticker", "photo", "document", "voice", "emoji", "title",
}
ERRORS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
          400: "Bad Request", 403: "Forbidden", 409: "Conflict"}
# Methods whose only observable effect is the recorded call.
ACCEPTED = {"logOut", "close", "setMyDescription", "setMyShortDescription", "setMyName", "leaveChat",
            "setChatMenuButton", "pinChatMessage", "unpinChatMessage"}
CHAT_ACTIONS = {"typing", "upload_photo", "record_voice", "upload_voice", "upload_document",
                "find_location", "choose_sticker", "record_video", "upload_video"}
MEMBER_STATUSES = {"member", "administrator", "creator", "left", "kicked"}
ADMIN_RIGHTS = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info",
                "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories")


@dataclass
class Call:
    """One request the bot made: method, decoded params, monotonic arrival time, answer status."""
    method: str
    params: dict
    at: float
    status: int = 200


@dataclass
class Queued:
    """An injected update and when it was queued and first handed out by getUpdates."""
    update: dict
    queued_at: float
    delivered_at: float | None = None
    confirmed: bool = False   # an offset above its update_id was sent


@dataclass
class Latency:
    """A user message update paired with the bot's first reply to that chat after it."""
    update_id: int
    chat_id: int
    delivered_at: float | None
    replied_at: float | None

    @property
    def seconds(self) -> float | None:
        if self.delivered_at is None or self.replied_at is None:
            return None
        return self.replied_at - self.delivered_at


class ApiError(Exception):
    """Raised inside a method to answer ``{"ok": false, ...}`` with this status."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def utf16_units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji outside the BMP is 2)."""
    return len(str(text).encode("utf-16-le")) // 2


def _decode_form(fields: dict[str, str]) -> dict:
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in STRING_FIELDS:
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def parse_body(content_type: str, body: bytes) -> dict:
    """Decode a JSON, form-encoded or multipart request body into Bot API params."""
    ctype = content_type.split(";")[0].strip().lower()
    if not body:
        return {}
    if ctype == "application/json":
        return json.loads(body)
    if ctype == "application/x-www-form-urlencoded":
        return _decode_form(dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)))
    if ctype == "multipart/form-data":
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields, files = {}, {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is not None:
                files[name] = payload
            else:
                fields[name] = payload.decode()
        params = _decode_form(fields)
        params.update({name: {"upload": len(data)} for name, data in files.items()})
        return params
    raise ApiError(400, f"Bad Request: unsupported content type {ctype}")


class FakeTelegram(UserActivity):
    """The fake server. Thread-safe; all state is guarded by one condition variable.

    User activity (user_message, command, callback_query, voice, ..., post_webhook) comes
    from the UserActivity mixin in telegram_updates.
    """

    def __init__(self, port: int = 0, bot_id: int = 7000000001,
                 bot_username: str = "wegweiser_test_bot", host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "Wegweiser",
                    "username": bot_username, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False}
        self._cond = threading.Condition()
        self.call_log: list[Call] = []
        self._queue: list[Queued] = []
        # bumped whenever the queue or a confirmation changes: a waiting getUpdates rescans only then, not
        # on every other call's wake-up (a 10,000-update queue rescanned per call cost the fuzz test minutes)
        self._queue_version = 0
        self._unconfirmed = 0                                # queued updates not confirmed yet
        self._update_ids = itertools.count(100001)
        self._message_ids: dict[int, itertools.count] = {}
        self._messages: dict[tuple[int, int], dict] = {}   # every message, user's and bot's
        self._sent: list[tuple[int, int]] = []              # keys of the bot's own messages
        self._sent_keys: set[tuple[int, int]] = set()       # the same, to look up
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self.members: dict[int, dict[int, str]] = {}        # chat_id -> user_id -> status
        self.files: dict[str, bytes] = {}                   # file_id -> content
        self.commands: dict[tuple[str, str], list] = {}     # (scope json, language) -> commands
        self.webhook: dict = {}
        self._faults: dict[str, list[tuple[int, int | None]]] = {}
        self._delays: dict[str, float] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeTelegram":
        """Listen (again) on the same port; the first start picks a free port if port is 0."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and drop open connections, like Telegram going away."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        with self._cond:
            self._cond.notify_all()   # waiting long polls see the server gone and hang up

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> "FakeTelegram":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # ---- configuration and fault injection ---------------------------------------------------
    def set_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        """Make getChatMember(chat_id, user_id) answer this status (default for others: left)."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"status must be one of {sorted(MEMBER_STATUSES)}")
        with self._cond:
            self.members.setdefault(chat_id, {})[user_id] = status

    def fail_next(self, method: str, status: int = 429, retry_after: int | None = 2,
                  times: int = 1) -> None:
        """Answer the next `times` calls of `method` with an error (429 carries retry_after)."""
        with self._cond:
            self._faults.setdefault(method, []).extend([(status, retry_after)] * times)

    def delay(self, method: str, seconds: float) -> None:
        """Hold every call of `method` this long before answering (0 removes the delay and answers the calls
        being held at once)."""
        with self._cond:
            self._delays[method] = seconds
            self._cond.notify_all()

    # ---- recordings ------------------------------------------------------------------------
    @property
    def calls(self) -> list[tuple[str, dict]]:
        """(method, params) of every request in arrival order, failed ones included."""
        with self._cond:
            return [(c.method, c.params) for c in self.call_log]

    def calls_of(self, method: str) -> list[dict]:
        """Params of every call of one method."""
        return [p for m, p in self.calls if m == method]

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """The bot's messages (copies, edits applied, deleted ones left out), oldest first."""
        with self._cond:
            return [copy.deepcopy(self._messages[k]) for k in self._sent
                    if k in self._messages and (chat_id is None or k[0] == chat_id)]

    def all_confirmed(self) -> bool:
        """Whether every queued update was handed out and confirmed (a later getUpdates offset passed it)."""
        with self._cond:
            return self._unconfirmed == 0

    def wait_for(self, predicate: Callable[["FakeTelegram"], Any], timeout: float = 5.0) -> Any:
        """Block until predicate(fake) is truthy and return its value; TimeoutError otherwise.

        The predicate is re-checked whenever a request arrives or an update is queued."""
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self), timeout):
                raise TimeoutError(f"condition not met within {timeout} s")
            return predicate(self)

    def wait_for_messages(self, chat_id: int, n: int = 1, timeout: float = 5.0) -> list[dict]:
        """Block until the bot has sent at least n messages to chat_id; return them all."""
        return self.wait_for(lambda f: len(f.sent(chat_id)) >= n and f.sent(chat_id), timeout)

    async def async_wait_for(self, predicate: Callable[["FakeTelegram"], Any],
                             timeout: float = 5.0, interval: float = 0.01) -> Any:
        """Like wait_for, but polls every `interval` seconds without blocking the event loop (for async
        tests; a predicate that reads a database is better polled less often)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                value = predicate(self)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout} s")
            await asyncio.sleep(interval)

    async def async_wait_for_messages(self, chat_id: int, n: int = 1,
                                      timeout: float = 5.0) -> list[dict]:
        return await self.async_wait_for(
            lambda f: len(f.sent(chat_id)) >= n and f.sent(chat_id), timeout)

    def latencies(self) -> list[Latency]:
        """Pair user messages with the bot's replies, for update -> reply latency.

        Pairing: take every injected update that carries a ``message`` (text, command, media,
        group, reply, forward; not edits or callback queries), in queue order. Its start is
        the first time getUpdates handed it out. Its reply is the earliest successful
        sendMessage call to the same chat that arrived at or after that start and was not
        already paired with an earlier update. Updates never handed out, or never answered,
        get ``delivered_at``/``replied_at`` None (and ``seconds`` None). A bot that answers
        one message with several sendMessage calls is paired by its first one only.
        """
        with self._cond:
            replies: dict[int, list[float]] = {}
            for c in self.call_log:
                if c.method == "sendMessage" and c.status == 200:
                    replies.setdefault(int(c.params["chat_id"]), []).append(c.at)
            out, seen = [], set()
            for q in self._queue:
                msg = q.update.get("message")
                if msg is None or q.update["update_id"] in seen:
                    continue
                seen.add(q.update["update_id"])
                chat_id, replied = msg["chat"]["id"], None
                if q.delivered_at is not None:
                    pending = replies.get(chat_id, [])
                    while pending and pending[0] < q.delivered_at:
                        pending.pop(0)   # earlier replies belong to nothing we can pair
                    replied = pending.pop(0) if pending else None
                out.append(Latency(q.update["update_id"], chat_id, q.delivered_at, replied))
            return out

    # ---- the update queue (builders for user activity are in telegram_updates) --------------
    def queue_update(self, update: dict) -> dict:
        """Queue a raw update as is (e.g. a duplicate with the same update_id)."""
        with self._cond:
            self._queue.append(Queued(update, time.monotonic()))
            self._queue_version += 1
            self._unconfirmed += 1
            self._cond.notify_all()
        return update

    def _store(self, chat: dict, sender: dict, fields: dict) -> dict:
        with self._cond:
            counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
            msg = {"message_id": next(counter), "from": sender, "chat": chat,
                   "date": int(time.time()), **fields}
            self._messages[(chat["id"], msg["message_id"])] = msg
            return copy.deepcopy(msg)

    # ---- the Bot API -----------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> Any:
        """Answer one Bot API call; returns the result or raises ApiError."""
        if method in ACCEPTED:
            return True
        handler = getattr(self, "_api_" + method, None)
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(params)

    def _api_getMe(self, p: dict) -> dict:
        return dict(self.bot)

    def _api_getUpdates(self, p: dict) -> list:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active;"
                                " use deleteWebhook to delete the webhook first")
        offset, limit = int(p.get("offset") or 0), int(p.get("limit") or 100)
        deadline = time.monotonic() + float(p.get("timeout") or 0)
        with self._cond:
            server, scanned, ready = self._server, None, []
            while True:
                if scanned != self._queue_version:   # else only another call woke us: nothing to hand out
                    if offset:
                        self._queue_drop_below(offset)
                    ready = [q for q in self._queue if not q.confirmed][:limit]
                    scanned = self._queue_version
                left = deadline - time.monotonic()
                if ready or left <= 0:
                    break
                if self._server is not server:
                    raise ConnectionAbortedError   # stopped while polling: hang up
                self._cond.wait(min(left, 0.5))
            now = time.monotonic()
            for q in ready:
                q.delivered_at = q.delivered_at or now
            return [copy.deepcopy(q.update) for q in ready]

    def _queue_drop_below(self, offset: int) -> None:
        # Confirmed updates stay in _queue (for latencies) but are never handed out again.
        for q in self._queue:
            if q.update["update_id"] < offset and not q.confirmed:
                q.confirmed = True
                self._queue_version += 1
                self._unconfirmed -= 1

    def _api_setWebhook(self, p: dict) -> bool:
        self.webhook = {k: p[k] for k in ("url", "secret_token", "allowed_updates",
                                          "max_connections") if k in p}
        return True

    def _api_deleteWebhook(self, p: dict) -> bool:
        self.webhook = {}
        if p.get("drop_pending_updates"):
            self._queue_drop_below(next(self._update_ids))
        return True

    def _api_getWebhookInfo(self, p: dict) -> dict:
        pending = sum(1 for q in self._queue if not q.confirmed)
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": pending}

    def _chat_of(self, chat_id: Any) -> dict:
        chat_id = int(chat_id)
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}

    def _bot_message(self, p: dict, fields: dict) -> dict:
        chat = self._chat_of(p["chat_id"])
        fields = {**fields, **{k: p[k] for k in ("reply_markup",) if p.get(k)}}
        msg = self._store(chat, dict(self.bot), fields)
        self._sent.append((chat["id"], msg["message_id"]))
        self._sent_keys.add((chat["id"], msg["message_id"]))
        return msg

    def _api_sendMessage(self, p: dict) -> dict:
        if not str(p.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_units(p["text"]) > 4096:  # Telegram counts UTF-16 code units, not code points
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(p, {"text": p["text"]})

    def _api_copyMessage(self, p: dict) -> dict:
        source = self._messages.get((int(p["from_chat_id"]), int(p["message_id"])))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        keep = {k: v for k, v in source.items() if k not in ("message_id", "from", "chat", "date")}
        return {"message_id": self._bot_message(p, keep)["message_id"]}

    def _edit(self, p: dict, changes: dict) -> dict:
        key = (int(p.get("chat_id", 0)), int(p.get("message_id", 0)))
        msg = self._messages.get(key)
        if msg is None or key not in self._sent_keys:
            raise ApiError(400, "Bad Request: message to edit not found")
        changes = {k: v for k, v in changes.items() if v is not None}
        if all(msg.get(k) == v for k, v in changes.items()) and (
                "reply_markup" in changes or "reply_markup" not in msg):
            raise ApiError(400, "Bad Request: message is not modified: specified new message"
                                " content and reply markup are exactly the same")
        msg.update(changes, edit_date=int(time.time()))
        if "reply_markup" not in changes:
            msg.pop("reply_markup", None)   # Telegram drops a markup that is not re-sent
        return copy.deepcopy(msg)

    def _api_editMessageText(self, p: dict) -> dict:
        if utf16_units(p.get("text") or "") > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        key = (int(p.get("chat_id", 0)), int(p.get("message_id", 0)))
        if key in self._messages and "text" not in self._messages[key]:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._edit(p, {"text": p.get("text"), "reply_markup": p.get("reply_markup")})

    def _api_editMessageCaption(self, p: dict) -> dict:
        if utf16_units(p.get("caption") or "") > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return self._edit(p, {"caption": p.get("caption"), "reply_markup": p.get("reply_markup")})

    def _api_editMessageReplyMarkup(self, p: dict) -> dict:
        return self._edit(p, {"reply_markup": p.get("reply_markup")})   # None: keyboard removed

    def _api_deleteMessage(self, p: dict) -> bool:
        if self._messages.pop((int(p["chat_id"]), int(p["message_id"])), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def _api_answerCallbackQuery(self, p: dict) -> bool:
        if not p.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired"
                                " or query ID is invalid")
        return True

    def _api_sendChatAction(self, p: dict) -> bool:
        if p.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    @staticmethod
    def _command_key(p: dict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.get("language_code") or ""

    def _api_setMyCommands(self, p: dict) -> bool:
        self.commands[self._command_key(p)] = list(p.get("commands") or [])
        return True

    def _api_getMyCommands(self, p: dict) -> list:
        return list(self.commands.get(self._command_key(p), []))

    def _api_deleteMyCommands(self, p: dict) -> bool:
        self.commands.pop(self._command_key(p), None)
        return True

    def _api_getChat(self, p: dict) -> dict:
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {**self._chat_of(p["chat_id"]), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    def _api_getChatMember(self, p: dict) -> dict:
        chat_id, user_id = int(p["chat_id"]), int(p["user_id"])
        status = self.members.get(chat_id, {}).get(user_id, "left")
        user = self._users.get(user_id) or {"id": user_id, "is_bot": False,
                                            "first_name": f"User{user_id}"}
        member: dict[str, Any] = {"status": status, "user": dict(user)}
        if status == "administrator":
            member.update(dict.fromkeys(ADMIN_RIGHTS, True), can_be_edited=False,
                          is_anonymous=False)
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _api_getFile(self, p: dict) -> dict:
        content = self.files.get(p.get("file_id", ""))
        if content is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"],
                "file_size": len(content), "file_path": f"files/{p['file_id']}"}


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler; every request is one Bot API call or one file download."""
    protocol_version = "HTTP/1.1"
    # headers and body are written separately; with Nagle's algorithm on, the body waits for the client's
    # delayed ACK (about 40 ms on Linux loopback) and every call looked 40 ms slow
    disable_nagle_algorithm = True
    fake: FakeTelegram

    def log_message(self, format: str, *args: Any) -> None:   # quiet: URLs carry the token
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client hung up (a cancelled long poll at shutdown)
            self.close_connection = True

    def _dispatch(self) -> None:
        fake = self.fake
        if not fake.running or fake._server is not self.server:
            self.close_connection = True   # stopped: a kept-alive connection just dies
            return
        path = urllib.parse.urlsplit(self.path)
        parts = path.path.split("/")
        if len(parts) >= 4 and parts[1] == "file" and parts[2].startswith("bot"):
            content = fake.files.get(parts[-1])
            if content is None:
                return self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
            return self._reply(200, content, "application/octet-stream")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(parts) != 3 or not parts[1].startswith("bot") or len(parts[1]) < 4:
            return self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
        method, at = parts[2], time.monotonic()
        try:
            params = parse_body(self.headers.get("Content-Type", ""), body)
            params.update(_decode_form(dict(urllib.parse.parse_qsl(path.query))))
        except (ApiError, ValueError):
            params = {"_unparsed": body.decode(errors="replace")}
        call = Call(method, params, at)
        with fake._cond:
            fake.call_log.append(call)
            fault = fake._faults.get(method, []) and fake._faults[method].pop(0)
            pause = fake._delays.get(method, 0)
            fake._cond.notify_all()
        if pause:  # held until the delay has passed, or is removed (delay(method, 0)), or the fake stops
            with fake._cond:
                fake._cond.wait_for(lambda: not fake._delays.get(method) or fake._server is not self.server, pause)
        try:
            if fault:
                status, retry = fault
                description = ERRORS.get(status, "Error")
                extra = None
                if status == 429:
                    description += f": retry after {retry}"
                    extra = {"retry_after": retry}
                raise ApiError(status, description, extra)
            with fake._cond:   # getUpdates waits on it, which releases it meanwhile
                result = fake.handle(method, params)
            answer, call.status = {"ok": True, "result": result}, 200
        except ApiError as err:
            call.status = err.status
            answer = {"ok": False, "error_code": err.status, "description": err.description}
            if err.parameters:
                answer["parameters"] = err.parameters
        except ConnectionAbortedError:
            self.close_connection = True
            return
        with fake._cond:
            fake._cond.notify_all()
        self._reply(call.status, json.dumps(answer, ensure_ascii=False).encode())


def main(argv: list[str] | None = None) -> None:
    """Serve until Ctrl-C: ``python -m tests.fakes.telegram_api --port 8081``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    fake = FakeTelegram(port=args.port).start()
    print(f"fake Telegram at {fake.base_url} (files {fake.file_base_url}); Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
