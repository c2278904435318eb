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
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

# Form fields that are strings on the wire and must not be JSON-decoded ("123" stays "123").
STRING_FIELDS = {
    "text", "caption", "data", "callback_query_id", "url", "secret_token", "language_code",
    "action", "parse_mode", "file_id", "description", "short_description", "name",
    "inline_message_id", "sticker", "photo", "document", "voice", "emoji", "title",
}
ERRORS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
          400: "Bad Request", 403: "Forbidden", 409: "Conflict"}
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


class FakeTelegram:
    """The fake server. Thread-safe; all state is guarded by one condition variable."""

    def __init__(self, port: int = 0, bot_id: int = 7000000001,
                 bot_username: str = "wegweiser_test_bot", host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "Wegweiser",
                    "username": bot_username, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False}
        self._cond = threading.Condition()
        self.call_log: list[Call] = []
        self._queue: list[Queued] = []
        self._update_ids = itertools.count(100001)
        self._message_ids: dict[int, itertools.count] = {}
        self._messages: dict[tuple[int, int], dict] = {}   # every message, user's and bot's
        self._sent: list[tuple[int, int]] = []              # keys of the bot's own messages
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
        """Hold every call of `method` this long before answering (0 removes the delay)."""
        with self._cond:
            self._delays[method] = seconds

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
                             timeout: float = 5.0) -> Any:
        """Like wait_for, but polls without blocking the event loop (for async tests)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                value = predicate(self)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout} s")
            await asyncio.sleep(0.01)

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

    # ---- user activity ---------------------------------------------------------------------
    def queue_update(self, update: dict) -> dict:
        """Queue a raw update as is (e.g. a duplicate with the same update_id)."""
        with self._cond:
            self._queue.append(Queued(update, time.monotonic()))
            self._cond.notify_all()
        return update

    def user(self, user_id: int, first_name: str | None = None,
             language_code: str | None = "de") -> dict:
        """The User dict for user_id (remembered for getChat/getChatMember)."""
        with self._cond:
            u = self._users.setdefault(user_id, {"id": user_id, "is_bot": False,
                                                 "first_name": first_name or f"User{user_id}"})
            if first_name:
                u["first_name"] = first_name
            if language_code:
                u["language_code"] = language_code
            return dict(u)

    def _chat(self, chat_id: int, chat_type: str, user: dict, title: str | None) -> dict:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        else:
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}
        self._chats[chat_id] = chat
        return dict(chat)

    def _store(self, chat: dict, sender: dict, fields: dict) -> dict:
        with self._cond:
            counter = self._message_ids.setdefault(chat["id"], itertools.count(1))
            msg = {"message_id": next(counter), "from": sender, "chat": chat,
                   "date": int(time.time()), **fields}
            self._messages[(chat["id"], msg["message_id"])] = msg
            return copy.deepcopy(msg)

    def _inject(self, kind: str, user_id: int, fields: dict, *, chat_id: int | None = None,
                chat_type: str = "private", title: str | None = None,
                language_code: str | None = "de", first_name: str | None = None) -> dict:
        sender = self.user(user_id, first_name, language_code)
        if chat_type != "private" and (chat_id is None or chat_id >= 0):
            raise ValueError("group chats need a negative chat_id")
        with self._cond:
            chat = self._chat(user_id if chat_id is None else chat_id, chat_type, sender, title)
        msg = self._store(chat, sender, fields)
        return self.queue_update({"update_id": next(self._update_ids), kind: msg})

    def user_message(self, user_id: int, text: str, language_code: str | None = "de",
                     chat_type: str = "private", first_name: str | None = None,
                     chat_id: int | None = None, title: str | None = None,
                     reply_to_message_id: int | None = None) -> dict:
        """A text message; a leading /command gets its bot_command entity."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0,
                                   "length": len(command.encode("utf-16-le")) // 2}]
        if reply_to_message_id is not None:
            key = (user_id if chat_id is None else chat_id, reply_to_message_id)
            with self._cond:
                original = copy.deepcopy(self._messages.get(key))
            if original is None:
                raise KeyError(f"no message {key} to reply to")
            fields["reply_to_message"] = original
        return self._inject("message", user_id, fields, chat_id=chat_id, chat_type=chat_type,
                            title=title, language_code=language_code, first_name=first_name)

    def command(self, user_id: int, command: str, args: str = "", **kw: Any) -> dict:
        """``/start campaign-x``: command("start", "campaign-x")."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.user_message(user_id, text, **kw)

    def group_message(self, user_id: int, text: str, chat_id: int = -1001234567890,
                      chat_type: str = "supergroup", title: str = "Beratung", **kw: Any) -> dict:
        """A message in a group or supergroup (negative chat id)."""
        return self.user_message(user_id, text, chat_id=chat_id, chat_type=chat_type,
                                 title=title, **kw)

    def reply(self, user_id: int, text: str, reply_to_message_id: int, **kw: Any) -> dict:
        """A message replying to an earlier message (the user's or the bot's) in the chat."""
        return self.user_message(user_id, text, reply_to_message_id=reply_to_message_id, **kw)

    def forwarded_message(self, user_id: int, text: str, origin_user_id: int | None = None,
                          sender_name: str = "Hidden Person", **kw: Any) -> dict:
        """A forwarded text; origin is a known user, or a hidden user when origin_user_id is None."""
        if origin_user_id is None:
            origin = {"type": "hidden_user", "date": int(time.time()) - 60,
                      "sender_user_name": sender_name}
        else:
            origin = {"type": "user", "date": int(time.time()) - 60,
                      "sender_user": self.user(origin_user_id, language_code=None)}
        return self._inject("message", user_id, {"text": text, "forward_origin": origin}, **kw)

    def edited_message(self, user_id: int, message_id: int, text: str,
                       chat_id: int | None = None) -> dict:
        """The user edits their earlier message; queues an ``edited_message`` update."""
        key = (user_id if chat_id is None else chat_id, message_id)
        with self._cond:
            msg = self._messages[key]
            msg.update(text=text, edit_date=int(time.time()))
            update = {"update_id": next(self._update_ids), "edited_message": copy.deepcopy(msg)}
        return self.queue_update(update)

    def callback_query(self, user_id: int, data: str, message_id: int,
                       chat_id: int | None = None) -> dict:
        """The user presses an inline button under the bot's message message_id."""
        key = (user_id if chat_id is None else chat_id, message_id)
        with self._cond:
            message = copy.deepcopy(self._messages.get(key))
        if message is None:
            raise KeyError(f"no message {key} to press a button on")
        update_id = next(self._update_ids)
        return self.queue_update({"update_id": update_id, "callback_query": {
            "id": str(update_id * 7), "from": self.user(user_id, language_code=None),
            "message": message, "chat_instance": str(key[0]), "data": data}})

    def _file(self, prefix: str, content: bytes) -> dict:
        with self._cond:
            file_id = f"{prefix}-{len(self.files) + 1}"
            self.files[file_id] = content
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content)}

    def voice(self, user_id: int, duration: int = 3, content: bytes = b"OggS fake voice",
              **kw: Any) -> dict:
        return self._inject("message", user_id, {"voice": {
            **self._file("voice", content), "duration": duration, "mime_type": "audio/ogg"}}, **kw)

    def photo(self, user_id: int, caption: str | None = None,
              content: bytes = b"\xff\xd8 fake jpeg", **kw: Any) -> dict:
        sizes = [{**self._file("photo", content), "width": w, "height": w} for w in (90, 800)]
        fields = {"photo": sizes, **({"caption": caption} if caption else {})}
        return self._inject("message", user_id, fields, **kw)

    def document(self, user_id: int, file_name: str = "bescheid.pdf",
                 mime_type: str = "application/pdf", content: bytes = b"%PDF-1.4 fake",
                 **kw: Any) -> dict:
        return self._inject("message", user_id, {"document": {
            **self._file("document", content), "file_name": file_name,
            "mime_type": mime_type}}, **kw)

    def sticker(self, user_id: int, emoji: str = "👍", **kw: Any) -> dict:
        return self._inject("message", user_id, {"sticker": {
            **self._file("sticker", b"RIFF fake webp"), "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False, "emoji": emoji}}, **kw)

    def location(self, user_id: int, latitude: float = 52.52, longitude: float = 13.405,
                 **kw: Any) -> dict:
        return self._inject("message", user_id,
                            {"location": {"latitude": latitude, "longitude": longitude}}, **kw)

    def contact(self, user_id: int, phone_number: str = "+4915100000000",
                first_name: str = "Kontakt", **kw: Any) -> dict:
        return self._inject("message", user_id, {"contact": {
            "phone_number": phone_number, "first_name": first_name, "user_id": user_id}}, **kw)

    def post_webhook(self, url: str, update: dict, secret_token: str | None = None,
                     timeout: float = 10.0) -> int:
        """POST an update to the bot's webhook as Telegram does; return the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    # ---- the Bot API -----------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> Any:
        """Answer one Bot API call; returns the result or raises ApiError."""
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
            server = self._server
            while True:
                if offset:
                    self._queue_drop_below(offset)
                ready = [q for q in self._queue if not q.confirmed][:limit]
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
            if q.update["update_id"] < offset:
                q.confirmed = True

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
        return msg

    def _api_sendMessage(self, p: dict) -> dict:
        if not str(p.get("text", "")).strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(p["text"]) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(p, {"text": p["text"]})

    def _api_sendPhoto(self, p: dict) -> dict:
        fields = {"photo": [{"file_id": "sent-photo", "file_unique_id": "usent-photo",
                             "width": 800, "height": 800}]}
        return self._bot_message(p, {**fields, **({"caption": p["caption"]}
                                                  if p.get("caption") else {})})

    def _api_copyMessage(self, p: dict) -> dict:
        source = self._messages.get((int(p["from_chat_id"]), int(p["message_id"])))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        keep = {k: v for k, v in source.items() if k not in ("message_id", "from", "chat", "date")}
        return {"message_id": self._bot_message(p, keep)["message_id"]}

    def _api_forwardMessage(self, p: dict) -> dict:
        source = self._messages.get((int(p["from_chat_id"]), int(p["message_id"])))
        if source is None:
            raise ApiError(400, "Bad Request: message to forward not found")
        keep = {k: v for k, v in source.items() if k not in ("message_id", "from", "chat", "date")}
        keep["forward_origin"] = {"type": "user", "date": source["date"],
                                  "sender_user": source["from"]}
        return self._bot_message(p, keep)

    def _edit(self, p: dict, changes: dict) -> dict:
        key = (int(p.get("chat_id", 0)), int(p.get("message_id", 0)))
        msg = self._messages.get(key)
        if msg is None or key not in self._sent:
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
        return self._edit(p, {"text": p.get("text"), "reply_markup": p.get("reply_markup")})

    def _api_editMessageReplyMarkup(self, p: dict) -> dict:
        return self._edit(p, {"reply_markup": p.get("reply_markup") or {"inline_keyboard": []}})

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
        if p.get("action") not in {"typing", "upload_photo", "record_voice", "upload_voice",
                                   "upload_document", "find_location", "choose_sticker",
                                   "record_video", "upload_video", "record_video_note",
                                   "upload_video_note"}:
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

    def _api_logOut(self, p: dict) -> bool:
        return True

    def _api_close(self, p: dict) -> bool:
        return True

    def _api_setMyDescription(self, p: dict) -> bool:
        return True

    def _api_setMyShortDescription(self, p: dict) -> bool:
        return True


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler; every request is one Bot API call or one file download."""
    protocol_version = "HTTP/1.1"
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
        self.wfile.write(body)

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
        if pause:
            time.sleep(pause)
        try:
            if fault:
                status, retry = fault
                description = ERRORS.get(status, "Error")
                extra = None
                if status == 429:
                    description += f": retry after {retry}"
                    extra = {"retry_after": retry}
                raise ApiError(status, description, extra)
            with fake._cond:
                result = fake.handle(method, params) if method != "getUpdates" else None
            if method == "getUpdates":
                result = fake.handle(method, params)   # waits on the condition itself
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
