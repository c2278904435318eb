"""User activity for the fake Telegram: builders of realistic Update dicts, and webhook posts.

A mixin of FakeTelegram (telegram_api), kept apart so each module stays readable. Every builder
stores the message (so the bot can reply to it, edit it or press its buttons), queues the update
for getUpdates with the next update_id, and returns the update dict. Keyword arguments ``**kw``
of the media builders are those of ``_inject``: chat_id, chat_type, title, language_code,
first_name.
"""
from __future__ import annotations

import copy
import json
import time
import urllib.error
import urllib.request
from typing import Any


class UserActivity:
    """What users do. Relies on FakeTelegram's _cond, _messages, _users, _chats, files,
    _update_ids, _store and queue_update."""

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
