"""The fake Bot API: raw HTTP behaviour, injected updates, faults, and python-telegram-bot on top."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fakes.telegram_api import FakeTelegram, parse_body

TOKEN = "123456:TEST-token"


def call(fake: FakeTelegram, method: str, body: dict | None = None, form: bool = False,
         timeout: float = 10) -> tuple[int, dict]:
    """POST one Bot API call as JSON (or form-encoded like PTB) and return (status, answer)."""
    if form:
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (body or {}).items()}
        data, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    else:
        data, ctype = json.dumps(body or {}).encode(), "application/json"
    request = urllib.request.Request(f"{fake.base_url}{TOKEN}/{method}", data,
                                     {"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def test_send_message_numbers_per_chat_and_records_markup(fake):
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]}
    _, first = call(fake, "sendMessage", {"chat_id": 5, "text": "Hallo", "reply_markup": markup},
                    form=True)
    _, second = call(fake, "sendMessage", {"chat_id": 5, "text": "Noch da?"})
    _, other = call(fake, "sendMessage", {"chat_id": 6, "text": "123"}, form=True)
    assert first["ok"] and first["result"]["chat"]["id"] == 5
    assert [first["result"]["message_id"], second["result"]["message_id"]] == [1, 2]
    assert other["result"]["message_id"] == 1 and other["result"]["text"] == "123"
    assert first["result"]["reply_markup"] == markup and first["result"]["from"]["is_bot"]
    assert [m["text"] for m in fake.sent(5)] == ["Hallo", "Noch da?"]
    assert fake.calls[0] == ("sendMessage", {"chat_id": 5, "text": "Hallo",
                                             "reply_markup": markup})


def test_unknown_method_and_empty_text_are_errors(fake):
    assert call(fake, "sendTelepathy") == (404, {"ok": False, "error_code": 404,
                                                 "description": "Not Found"})
    status, answer = call(fake, "sendMessage", {"chat_id": 1, "text": " "})
    assert status == 400 and not answer["ok"] and fake.sent() == []


def test_multipart_body_is_decoded():
    body = (b"--XX\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100\r\n"
            b"--XX\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n42\r\n"
            b"--XX\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\nJPEGDATA\r\n--XX--\r\n")
    params = parse_body("multipart/form-data; boundary=XX", body)
    assert params == {"chat_id": -100, "caption": "42", "photo": {"upload": 8}}


def in_background(function, *args) -> tuple[threading.Thread, list]:
    """Runs function(*args) in a thread; the list receives its result."""
    result: list = []
    thread = threading.Thread(target=lambda: result.append(function(*args)))
    thread.start()
    return thread, result


def test_get_updates_long_polls_and_respects_offset(fake):
    _, empty = call(fake, "getUpdates", {"timeout": 0.3})
    assert empty["result"] == []

    poller, answers = in_background(call, fake, "getUpdates", {"timeout": 60})
    fake.wait_for(lambda f: len(f.calls_of("getUpdates")) == 2)
    assert call(fake, "getMe")[0] == 200 and poller.is_alive()  # held open while other calls are answered
    fake.user_message(42, "Hallo")
    poller.join(30)  # far below the poll's 60 s: only the update can have ended it
    assert not poller.is_alive(), "an update must end the long poll at once"
    [update] = answers[0][1]["result"]
    assert update["message"]["text"] == "Hallo" and update["message"]["chat"]["type"] == "private"
    assert update["message"]["from"]["language_code"] == "de"

    again = call(fake, "getUpdates", {"offset": update["update_id"], "timeout": 0})[1]["result"]
    assert [u["update_id"] for u in again] == [update["update_id"]]
    confirmed = call(fake, "getUpdates", {"offset": update["update_id"] + 1, "timeout": 0})[1]
    assert confirmed["result"] == []


def test_all_confirmed_once_an_offset_passed_every_queued_update(fake):
    assert fake.all_confirmed()
    first, second = fake.user_message(1, "eins"), fake.user_message(2, "zwei")
    assert not fake.all_confirmed()
    call(fake, "getUpdates", {"offset": first["update_id"] + 1, "timeout": 0})
    assert not fake.all_confirmed()
    call(fake, "getUpdates", {"offset": second["update_id"] + 1, "timeout": 0})
    assert fake.all_confirmed()
    fake.user_message(3, "drei")
    assert not fake.all_confirmed()


def test_a_waiting_long_poll_sees_an_update_queued_while_other_calls_came_in(fake):
    poller, answers = in_background(call, fake, "getUpdates", {"timeout": 60})
    fake.wait_for(lambda f: len(f.calls_of("getUpdates")) == 1)
    for _ in range(5):  # wake-ups that change nothing
        assert call(fake, "getMe")[0] == 200
    assert poller.is_alive()
    update = fake.user_message(42, "Hallo")
    poller.join(30)
    assert not poller.is_alive() and [u["update_id"] for u in answers[0][1]["result"]] == [update["update_id"]]


def test_duplicate_update_is_handed_out_twice(fake):
    update = fake.user_message(1, "eins")
    fake.queue_update(update)
    ids = [u["update_id"] for u in call(fake, "getUpdates", {"timeout": 0})[1]["result"]]
    assert ids == [update["update_id"]] * 2


def test_update_builders(fake):
    cmd = fake.command(7, "start", "campaign-x")["message"]
    assert cmd["text"] == "/start campaign-x"
    assert cmd["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    group = fake.group_message(7, "hi")["message"]
    assert group["chat"]["id"] < 0 and group["chat"]["type"] == "supergroup"
    with pytest.raises(ValueError):
        fake.user_message(7, "x", chat_type="group", chat_id=5)
    fwd = fake.forwarded_message(7, "weitergeleitet")["message"]
    assert fwd["forward_origin"]["type"] == "hidden_user"
    reply = fake.reply(7, "Antwort", reply_to_message_id=cmd["message_id"])["message"]
    assert reply["reply_to_message"]["text"] == "/start campaign-x"
    edited = fake.edited_message(7, reply["message_id"], "Antwort neu")
    assert edited["edited_message"]["text"] == "Antwort neu" and "edit_date" in edited["edited_message"]
    voice = fake.voice(7)["message"]["voice"]
    assert fake.photo(7, caption="Bild")["message"]["caption"] == "Bild"
    assert fake.document(7)["message"]["document"]["file_name"] == "bescheid.pdf"
    assert fake.sticker(7)["message"]["sticker"]["emoji"] == "👍"
    assert fake.location(7)["message"]["location"]["latitude"] == 52.52
    assert fake.contact(7)["message"]["contact"]["user_id"] == 7
    ids = [u["update_id"] for u in call(fake, "getUpdates", {"timeout": 0})[1]["result"]]
    assert ids == sorted(ids) and len(set(ids)) == 11
    _, file = call(fake, "getFile", {"file_id": voice["file_id"]})
    url = f"{fake.file_base_url}{TOKEN}/{file['result']['file_path']}"
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"OggS fake voice"


def test_callback_query_on_the_bots_message(fake):
    _, sent = call(fake, "sendMessage", {"chat_id": 9, "text": "Frage",
                                         "reply_markup": {"inline_keyboard": [[
                                             {"text": "A", "callback_data": "a"}]]}})
    query = fake.callback_query(9, "a", sent["result"]["message_id"])["callback_query"]
    assert query["data"] == "a" and query["message"]["text"] == "Frage"
    with pytest.raises(KeyError):
        fake.callback_query(9, "a", 999)


def test_edit_and_delete(fake):
    _, sent = call(fake, "sendMessage", {"chat_id": 3, "text": "alt",
                                         "reply_markup": {"inline_keyboard": []}})
    key = {"chat_id": 3, "message_id": sent["result"]["message_id"]}
    _, edited = call(fake, "editMessageText", {**key, "text": "neu"})
    assert edited["result"]["text"] == "neu" and fake.sent(3)[0]["text"] == "neu"
    status, answer = call(fake, "editMessageText", {**key, "text": "neu"})
    assert status == 400 and "not modified" in answer["description"]
    assert call(fake, "deleteMessage", key)[1]["result"] is True
    assert fake.sent(3) == [] and call(fake, "deleteMessage", key)[0] == 400


def test_commands_per_scope_and_language(fake):
    cmds = [{"command": "start", "description": "Start"}]
    call(fake, "setMyCommands", {"commands": cmds, "language_code": "de"})
    assert call(fake, "getMyCommands", {"language_code": "de"})[1]["result"] == cmds
    assert call(fake, "getMyCommands", {})[1]["result"] == []
    scope = {"type": "chat", "chat_id": -5}
    assert call(fake, "getMyCommands", {"scope": scope, "language_code": "de"})[1]["result"] == []
    call(fake, "deleteMyCommands", {"language_code": "de"})
    assert call(fake, "getMyCommands", {"language_code": "de"})[1]["result"] == []


def test_chat_member_status_is_configurable(fake):
    fake.set_member(-100, 5, "administrator")
    fake.set_member(-100, 6)
    status = [call(fake, "getChatMember", {"chat_id": -100, "user_id": u})[1]["result"]["status"]
              for u in (5, 6, 7)]
    assert status == ["administrator", "member", "left"]


def test_webhook_blocks_get_updates(fake):
    call(fake, "setWebhook", {"url": "https://example.org/hook", "secret_token": "s"})
    assert call(fake, "getWebhookInfo")[1]["result"]["url"] == "https://example.org/hook"
    assert call(fake, "getUpdates", {"timeout": 0})[0] == 409
    call(fake, "deleteWebhook", {})
    assert call(fake, "getUpdates", {"timeout": 0})[0] == 200


def test_fail_next_and_delay(fake):
    fake.fail_next("sendMessage", 429, retry_after=3)
    fake.fail_next("getMe", 502, times=2)
    status, answer = call(fake, "sendMessage", {"chat_id": 1, "text": "x"})
    assert status == 429 and answer == {"ok": False, "error_code": 429,
                                        "description": "Too Many Requests: retry after 3",
                                        "parameters": {"retry_after": 3}}
    assert call(fake, "sendMessage", {"chat_id": 1, "text": "x"})[0] == 200
    assert [call(fake, "getMe")[0] for _ in range(3)] == [502, 502, 200]
    fake.delay("getMe", 60)
    held, answers = in_background(call, fake, "getMe")
    fake.wait_for(lambda f: f.calls[-1][0] == "getMe")
    assert call(fake, "sendChatAction", {"chat_id": 1, "action": "typing"})[0] == 200
    assert held.is_alive() and not answers  # the delayed call is still held; a later one was answered
    fake.delay("getMe", 0)  # removing the delay answers it
    held.join(30)
    assert answers[0][0] == 200


def test_stop_and_start_on_the_same_port(fake):
    port = fake.port
    fake.stop()
    with pytest.raises(urllib.error.URLError):
        call(fake, "getMe", timeout=2)
    fake.start()
    assert fake.port == port and call(fake, "getMe")[1]["result"]["is_bot"]


def test_wait_for_messages_and_latencies(fake):
    update = fake.user_message(11, "Hallo")
    fake.user_message(12, "unbeantwortet")
    call(fake, "sendMessage", {"chat_id": 11, "text": "zu früh"})   # before hand-out: ignored

    def bot() -> None:
        call(fake, "getUpdates", {"timeout": 0})
        time.sleep(0.2)
        call(fake, "sendMessage", {"chat_id": 11, "text": "Antwort"})
        call(fake, "sendMessage", {"chat_id": 11, "text": "zweite"})

    threading.Thread(target=bot).start()
    messages = fake.wait_for_messages(11, 3, timeout=5)
    assert [m["text"] for m in messages] == ["zu früh", "Antwort", "zweite"]
    with pytest.raises(TimeoutError):
        fake.wait_for_messages(12, 1, timeout=0.2)
    first, second = fake.latencies()
    answer_at = [c.at for c in fake.call_log if c.method == "sendMessage" and c.params["text"] == "Antwort"]
    assert first.update_id == update["update_id"] and first.replied_at == answer_at[0]  # not "zu früh"
    assert first.delivered_at <= first.replied_at
    assert second.chat_id == 12 and second.delivered_at is not None and second.seconds is None


async def test_async_wait_for(fake):
    threading.Timer(0.1, call, (fake, "sendMessage", {"chat_id": 4, "text": "x"})).start()
    assert (await fake.async_wait_for_messages(4, 1, timeout=5))[0]["text"] == "x"


def test_post_webhook_sends_secret_header(fake):
    seen = {}

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            seen["secret"] = self.headers.get("X-Telegram-Bot-Api-Secret-Token")
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200 if seen["secret"] == "geheim" else 403)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/telegram"
        update = fake.user_message(1, "per Webhook")
        assert fake.post_webhook(url, update, secret_token="geheim") == 200
        assert seen["body"] == update
        assert fake.post_webhook(url, update) == 403
    finally:
        server.shutdown()
        server.server_close()


async def test_python_telegram_bot_against_the_fake(fake):
    telegram = pytest.importorskip("telegram")
    from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup

    async with telegram.Bot(TOKEN, base_url=fake.base_url,
                            base_file_url=fake.file_base_url) as bot:
        me = await bot.get_me()
        assert me.username == "wegweiser_test_bot"
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
        sent = await bot.send_message(42, "Willkommen", reply_markup=markup)
        assert sent.message_id == 1 and sent.reply_markup == markup
        assert fake.sent(42)[0]["reply_markup"] == markup.to_dict()

        fake.callback_query(42, "yes", sent.message_id)
        [update] = await bot.get_updates(timeout=1)
        assert update.callback_query.data == "yes"
        assert await bot.answer_callback_query(update.callback_query.id)
        edited = await bot.edit_message_reply_markup(42, sent.message_id, reply_markup=None)
        assert edited.reply_markup is None and "reply_markup" not in fake.sent(42)[0]
        assert await bot.send_chat_action(42, "typing")
        assert await bot.set_my_commands([BotCommand("start", "Beginnen")], language_code="de")
        assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start"]

        fake.user_message(42, "/start campaign-x")
        updates = await bot.get_updates(offset=update.update_id + 1, timeout=1)
        assert [u.message.text for u in updates] == ["/start campaign-x"]
        assert updates[0].message.entities[0].type == "bot_command"
        assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0.5) == ()
        assert fake.calls_of("getUpdates")[-1]["timeout"] == 0.5  # a long poll, held by the fake (tested above)

        fake.fail_next("sendMessage", 429, retry_after=2)
        with pytest.raises(telegram.error.RetryAfter) as raised:
            await bot.send_message(42, "zu schnell")
        retry = raised.value.retry_after   # int in PTB 22, a timedelta later
        assert getattr(retry, "total_seconds", lambda: retry)() == 2
    assert ("getUpdates", {"offset": update.update_id + 1, "timeout": 1}) in [
        (m, {k: v for k, v in p.items() if k in ("offset", "timeout")}) for m, p in fake.calls]


def test_stop_hangs_up_a_waiting_long_poll(fake):
    errors = []

    def poll() -> None:
        try:
            call(fake, "getUpdates", {"timeout": 30})
        except Exception as err:  # noqa: BLE001 - the connection is dropped without an answer
            errors.append(err)

    poller = threading.Thread(target=poll)
    poller.start()
    fake.wait_for(lambda f: f.calls_of("getUpdates"), timeout=5)
    fake.stop()
    poller.join(20)  # the poll asked for 30 s: only the hang-up can have ended it by now
    assert not poller.is_alive() and errors


async def test_python_telegram_bot_application_polls_and_replies(fake):
    pytest.importorskip("telegram")
    from telegram.ext import Application, MessageHandler, filters

    async def echo(update, context) -> None:
        await update.message.reply_text(update.message.text.upper())

    app = Application.builder().token(TOKEN).base_url(fake.base_url) \
        .base_file_url(fake.file_base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            fake.user_message(21, "hallo")
            fake.user_message(22, "servus")
            assert (await fake.async_wait_for_messages(21, 1))[0]["text"] == "HALLO"
            assert (await fake.async_wait_for_messages(22, 1))[0]["text"] == "SERVUS"
        finally:
            await app.updater.stop()
            await app.stop()
    assert [lat.chat_id for lat in fake.latencies()] == [21, 22]
    assert all(lat.delivered_at <= lat.replied_at for lat in fake.latencies())
    assert fake.calls_of("deleteWebhook"), "run_polling-style start removes the webhook first"
