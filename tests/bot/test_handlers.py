"""What a person sees, handler by handler: the real Application with a recording Telegram request class
(no network, as PTB tests itself) and Rasa behind httpx.MockTransport."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any, Dict, List, Optional

import httpx
import pytest
from sqlalchemy import create_engine, text as sql
from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application, configure_logging
from bot.pseudonym import pseudonym
from bot.settings import Settings
from bot.texts import text, unavailable
from wegweiser.content import language_codes

TOKEN = "123456:SECRET-token-value"
KEY = "k" * 24
USER = 4242


class RecordingTelegram(BaseRequest):
    """Answers Bot API calls like Telegram would and records them."""

    def __init__(self) -> None:
        self.calls: List[tuple[str, Dict[str, Any]]] = []
        self.next_id = 1000

    @property
    def read_timeout(self) -> Optional[float]:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: Optional[RequestData] = None, read_timeout=None,
                         write_timeout=None, connect_timeout=None, pool_timeout=None) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "Wegweiser", "username": "wegweiser_bot"}
        elif name in ("sendMessage", "editMessageReplyMarkup"):
            self.next_id += 1
            result = {"message_id": params.get("message_id", self.next_id), "date": 0,
                      "chat": {"id": params["chat_id"], "type": "private"}, "text": params.get("text", "")}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self) -> List[Dict[str, Any]]:
        return [params for name, params in self.calls if name == "sendMessage"]

    def texts(self) -> List[str]:
        return [params["text"] for params in self.sent()]


class FakeRasa:
    def __init__(self) -> None:
        self.received: List[Dict[str, Any]] = []
        self.down = False
        self.silent = False
        self.delay = 0.0  # seconds before Rasa answers

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.delay)
        if self.down:
            raise httpx.ConnectError("refused")
        body = json.loads(request.content)
        self.received.append(body)
        if self.silent:  # what Rasa answers when the action server is down
            return httpx.Response(200, json=[])
        if body["message"] == "long":
            paragraph = "Ein langer Absatz über die Rückkehr. " * 60  # about 2,200 characters
            return httpx.Response(200, json=[{"text": "\n\n".join([paragraph] * 4),
                                              "buttons": [{"title": "Mehr", "payload": "/faq/costs"}]}])
        if body["message"].startswith("/choose_language"):
            return httpx.Response(200, json=[{"text": "Okay, English from now on."}])
        return httpx.Response(200, json=[{"text": "Antwort auf: " + body["message"][:20],
                                          "buttons": [{"title": "Mehr", "payload": "/faq/costs"}]}])


@pytest.fixture
async def bot(tmp_path):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                               "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                               "action_name VARCHAR(255), data TEXT)"))
        connection.execute(sql("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) VALUES "
                               "(:s, 'user', 0, NULL, '{}')"), {"s": pseudonym(KEY, USER)})
    engine.dispose()
    settings = Settings(TELEGRAM_TOKEN=TOKEN, PSEUDONYM_KEY=KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'g.db'}",
                        TRACKER_DB_URL=tracker_url, _env_file=None)
    telegram, rasa = RecordingTelegram(), FakeRasa()
    application = build_application(settings, httpx.MockTransport(rasa), request=telegram)
    async with application:
        await application.post_init(application)
        yield application, telegram, rasa


def message(update_id: int, text: str = "", chat_type: str = "private", language: str = "de", **extra: Any) -> Dict:
    body = {"message_id": update_id, "date": int(dt.datetime.now().timestamp()),
            "chat": {"id": USER if chat_type == "private" else -100, "type": chat_type},
            "from": {"id": USER, "is_bot": False, "first_name": "Amira", "username": "amira_k", "language_code": language}}
    if text:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    body.update(extra)
    return {"update_id": update_id, "message": body}


async def feed(application, raw: Dict) -> None:
    """As PTB's update fetcher does: through the update processor (dedup, order), then the handlers."""
    update = Update.de_json(raw, application.bot)
    await application.update_processor.process_update(update, application.process_update(update))


def press(update_id: int, data: str, message_id: int, keyboard: Optional[List[str]] = None) -> Dict:
    """A button press; Telegram sends the message with its keyboard (by default one holding `data`)."""
    buttons = [[{"text": "b", "callback_data": d}] for d in (keyboard if keyboard is not None else [data])]
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "chat_instance": "x", "data": data,
        "from": {"id": USER, "is_bot": False, "first_name": "Amira", "language_code": "de"},
        "message": {"message_id": message_id, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "…",
                    "reply_markup": {"inline_keyboard": buttons}}}}


async def test_start_greets_with_privacy_notice_and_language_keyboard_and_passes_the_deep_link(bot):
    application, telegram, rasa = bot
    await feed(application, message(1, "/start centre_hh", language="tr"))
    first, keyboard = telegram.sent()[-2:]
    assert text("welcome", "tr") in first["text"] and "/delete" in first["text"]
    assert len(keyboard["reply_markup"]["inline_keyboard"]) == (len(language_codes()) + 1) // 2  # two per row
    await feed(application, message(2, "Was kostet das?"))
    assert rasa.received[-1] == {"sender": pseudonym(KEY, USER), "message": "Was kostet das?",
                                 "metadata": {"language_code": "de", "start": "centre_hh", "update_id": 2}}
    assert "setMyCommands" in [name for name, _ in telegram.calls]


async def test_typing_is_shown_only_while_rasa_takes_long_and_before_the_answer(bot):
    application, telegram, rasa = bot
    application.bot_data["gateway"].settings.TYPING_DELAY = 0.2
    await feed(application, message(1, "Was kostet das?"))  # answered at once: no "typing…"
    assert [name for name, _ in telegram.calls if name == "sendChatAction"] == []
    rasa.delay = 0.6
    await feed(application, message(2, "Und die Reise?"))
    names = [name for name, _ in telegram.calls]
    assert names.count("sendChatAction") == 1
    assert names.index("sendChatAction") < max(i for i, n in enumerate(names) if n == "sendMessage")
    assert telegram.texts()[-1] == "Antwort auf: Und die Reise?"


async def test_commands_are_registered_in_every_language(bot):
    _, telegram, _ = bot
    languages = [params.get("language_code") for name, params in telegram.calls if name == "setMyCommands"]
    assert languages == [None, *language_codes()]


async def test_a_reply_longer_than_telegram_allows_arrives_in_paragraphs_with_the_keyboard_last(bot):
    application, telegram, rasa = bot
    await feed(application, message(1, "long"))
    sent = telegram.sent()
    assert len(sent) == 4 and all(len(m["text"]) <= 4096 for m in sent)
    assert [("reply_markup" in m) for m in sent] == [False, False, False, True]
    assert all(m["text"].startswith("Ein langer Absatz") for m in sent)


async def test_rasa_buttons_work_once_and_an_old_button_is_explained(bot):
    application, telegram, rasa = bot
    await feed(application, message(1, "Kosten"))
    reply = telegram.sent()[-1]
    button = reply["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "Mehr", "callback_data": "r:/faq/costs"}
    await feed(application, press(2, button["callback_data"], telegram.next_id))
    assert rasa.received[-1]["message"] == "/faq/costs"
    assert any(name == "answerCallbackQuery" for name, _ in telegram.calls)
    assert any(name == "editMessageReplyMarkup" for name, _ in telegram.calls)
    await feed(application, press(3, "r:/faq/costs", 1))  # a button on an earlier message
    assert telegram.texts()[-1] == text("old_button", "de")
    assert rasa.received[-1]["message"] == "/faq/costs" and len(rasa.received) == 2


async def test_forged_button_data_on_the_current_keyboard_never_reaches_rasa(bot):
    """A modified client can send any callback data; only data of a button on that message counts."""
    application, telegram, rasa = bot
    await feed(application, message(1, "Kosten"))
    reply = telegram.sent()[-1]
    real = [b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    forged = 'r:/inform{"handoff_name": "x"}'
    await feed(application, press(2, forged, telegram.next_id, keyboard=real))
    assert telegram.texts()[-1] == text("old_button", "de")
    assert [r["message"] for r in rasa.received] == ["Kosten"]


async def test_a_button_under_a_message_too_old_to_show_is_explained(bot):
    application, telegram, rasa = bot
    raw = press(1, "r:/faq/costs", 5)
    raw["callback_query"]["message"]["date"] = 0  # Telegram's InaccessibleMessage (older than 48 hours)
    raw["callback_query"]["message"].pop("text")
    await feed(application, raw)
    assert telegram.texts() == [text("old_button", "de")] and rasa.received == []


async def test_a_button_under_an_inline_message_is_only_answered(bot):
    application, telegram, rasa = bot
    raw = press(1, "r:/faq/costs", 5)
    del raw["callback_query"]["message"]
    raw["callback_query"]["inline_message_id"] = "abc"
    await feed(application, raw)
    assert telegram.texts() == [] and [n for n, _ in telegram.calls if n == "answerCallbackQuery"]


async def test_language_button_tells_rasa_and_sticks_for_gateway_messages(bot):
    application, telegram, rasa = bot
    await feed(application, message(1, "/language"))
    await feed(application, press(2, "l:en", telegram.next_id))
    assert rasa.received[-1]["message"] == '/choose_language{"language":"en"}'
    await feed(application, message(3, voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
    assert telegram.texts()[-1] == text("media_voice", "en")


@pytest.mark.parametrize("extra, key", [
    ({"voice": {"file_id": "a", "file_unique_id": "a", "duration": 2}}, "media_voice"),
    ({"photo": [{"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1}]}, "media_photo"),
    ({"document": {"file_id": "a", "file_unique_id": "a"}}, "media_document"),
    ({"sticker": {"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1, "is_animated": False,
                  "is_video": False, "type": "regular"}}, "media_sticker"),
    ({"location": {"latitude": 53.5, "longitude": 10.0}}, "media_location"),
    ({"contact": {"phone_number": "+49 40 1234", "first_name": "X"}}, "media_contact"),
    ({"text": "weitergeleitet", "forward_origin": {"type": "hidden_user", "date": 0, "sender_user_name": "Y"}},
     "forwarded"),
    ({"dice": {"emoji": "🎲", "value": 3}}, "media_other"),
])
async def test_other_kinds_of_messages_get_a_kind_reply_in_the_persons_language(bot, extra, key):
    application, telegram, rasa = bot
    await feed(application, message(1, language="ru", **extra))
    assert telegram.texts() == [text(key, "ru")]
    assert rasa.received == []


async def test_edited_messages_and_group_chats(bot):
    application, telegram, rasa = bot
    raw = message(1, "neue Frage")
    raw["edited_message"] = raw.pop("message")
    raw["edited_message"]["edit_date"] = 1
    await feed(application, raw)
    assert telegram.texts() == [text("edited", "de")]
    await feed(application, message(2, "hallo an alle", chat_type="group"))
    assert len(telegram.texts()) == 1 and rasa.received == []


async def test_rasa_down_gives_the_apology_with_contacts(bot):
    application, telegram, rasa = bot
    rasa.down = True
    await feed(application, message(1, "Hallo", language="ar"))
    assert telegram.texts() == [unavailable("ar")]


async def test_an_empty_answer_is_not_silence(bot):
    application, telegram, rasa = bot
    rasa.silent = True
    await feed(application, message(1, "Hallo", language="fa"))
    assert telegram.texts() == [unavailable("fa")]


async def test_delete_asks_then_erases_tracker_and_gateway_records(bot, tmp_path):
    application, telegram, rasa = bot
    person = pseudonym(KEY, USER)
    gateway = application.bot_data["gateway"]
    await feed(application, message(1, "Hallo"))
    await feed(application, message(2, "/delete"))
    assert telegram.texts()[-1] == text("delete_confirm", "de")
    await feed(application, press(3, "d:no", telegram.next_id))
    assert telegram.texts()[-1] == text("delete_cancelled", "de") and gateway.tracker.count(person) == 1
    await feed(application, message(4, "/delete"))
    await feed(application, press(5, "d:yes", telegram.next_id))
    assert telegram.texts()[-1] == text("delete_done", "de")
    assert gateway.tracker.count(person) == 0 and not gateway.store.holds(person)


async def test_logs_hold_no_token_text_or_names(bot, caplog):
    application, telegram, rasa = bot
    configure_logging(application.bot_data["gateway"].settings)
    caplog.set_level(logging.INFO)
    await feed(application, message(1, "Meine geheime Frage über Geld"))
    rasa.down = True
    await feed(application, message(2, "Noch eine geheime Frage"))
    logged = caplog.text
    assert "update 1 handled" in logged and "Rasa did not answer" in logged
    for secret in (TOKEN, "geheime", "Amira", "amira_k", str(USER)):
        assert secret not in logged


async def test_privacy_lets_a_person_switch_off_keeping_not_understood_questions(bot):
    application, telegram, rasa = bot
    await feed(application, message(1, "/privacy"))
    notice = telegram.sent()[-1]
    assert text("learning", "de", days=30) in notice["text"]
    [[button]] = notice["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == "p:off"
    await feed(application, press(2, "p:off", notice_id(telegram)))
    assert telegram.sent()[-1]["text"] == text("learning_off", "de")
    await feed(application, message(3, "Was kostet das?"))
    assert rasa.received[-1]["metadata"]["learn_opt_out"] is True
    await feed(application, message(4, "/privacy"))
    [[button]] = telegram.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert button["callback_data"] == "p:on"  # and it can be switched on again
    await feed(application, press(5, "p:on", notice_id(telegram)))
    await feed(application, message(6, "Und das?"))
    assert "learn_opt_out" not in rasa.received[-1]["metadata"]


def notice_id(telegram) -> int:
    return telegram.next_id
