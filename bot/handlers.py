"""The PTB handlers: what a person sees for each kind of update. Only private chats are answered.

Every handler works on the pseudonym; the Telegram id is used only to address the chat.
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, TypeVar

from telegram import Message, Update, User
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.desk import handle_handoff
from bot.erase import Erasure
from bot.pseudonym import pseudonym
from bot.rasa_client import RasaClient, RasaUnavailable, Reply, parse_replies
from bot.render import DELETE, LANGUAGE, LEARNING, RASA, Outgoing, render
from bot.sending import FOLLOW_UP
from bot.settings import Settings
from bot.store import Store
from bot.texts import language_choices, pick_language, text, unavailable
from bot.tracker import TrackerDatabase

log = logging.getLogger(__name__)

#: Telegram's alphabet for deep-link parameters (/start <parameter>)
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: what Rasa understands as an explicit language choice (data/nlu/language.yml, domain/responses.yml)
CHOOSE_LANGUAGE = '/choose_language{{"language":"{code}"}}'
REQUEST_HUMAN = "/request_human"


@dataclass
class Gateway:
    """What the handlers share; built by bot.app and kept in application.bot_data["gateway"]."""

    settings: Settings
    store: Store
    tracker: Optional[TrackerDatabase]
    rasa: RasaClient
    #: the application's erase and retention steps (bot/erase.py); the desk adds its own
    erasure: Erasure = field(default_factory=Erasure)

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Database work in a worker thread with a deadline: a locked SQLite file or a slow PostgreSQL
        holds up this chat only (DatabaseTimeout after DB_TIMEOUT s), never the event loop and every chat."""
        try:
            return await asyncio.wait_for(asyncio.to_thread(function, *args, **kwargs), DB_TIMEOUT)
        except asyncio.TimeoutError:
            raise DatabaseTimeout(getattr(function, "__qualname__", "database call")) from None

    @property
    def unanswered_db(self) -> Optional[Path]:
        """The action server's store of not-understood questions (erased with the person)."""
        data_dir = getattr(self.settings, "WEGWEISER_DATA_DIR", None)
        return Path(data_dir) / "unanswered.db" if data_dir else None

    def person(self, user: User) -> str:
        return pseudonym(self.settings.PSEUDONYM_KEY.get_secret_value(), user.id)

    def language(self, user: User) -> str:
        """For the gateway's own sentences: a choice made in Rasa (typed or button) > a /language button
        the gateway stored > the language Rasa last answered in > Telegram's language_code > default."""
        person = self.person(user)
        rasa_language, locked = self.tracker.language(person) if self.tracker else (None, False)
        row = self.store.person(person)
        chosen = rasa_language if locked else (row.language if row else None)
        return pick_language(chosen, rasa_language, user.language_code)


class DatabaseTimeout(Exception):
    """A database call did not finish within DB_TIMEOUT seconds (it may still finish in its thread)."""


T = TypeVar("T")
#: seconds a database call of a handler may take (the driver's own busy/statement timeouts are shorter)
DB_TIMEOUT = 10.0


def gateway(context: ContextTypes.DEFAULT_TYPE) -> Gateway:
    return context.application.bot_data["gateway"]


async def send(chat_id: int, outgoing: Sequence[Outgoing], context: ContextTypes.DEFAULT_TYPE,
               person: str, per_row: int = 1) -> None:
    """Sends in order; the newest keyboard is remembered so older ones can be recognised. The second and later
    messages give way to other people's answers when Telegram's budget is used up (bot/sending.py)."""
    for index, item in enumerate(outgoing):
        sent = await context.bot.send_message(chat_id, item.text, reply_markup=item.markup(per_row),
                                              rate_limit_args=FOLLOW_UP if index else None)
        if item.buttons:
            await gateway(context).db(gateway(context).store.update_person, person, keyboard_message=sent.message_id)


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **values: object) -> None:
    """Sends one of the gateway's own sentences in the person's language."""
    g = gateway(context)
    await context.bot.send_message(update.effective_chat.id, text(key, await g.db(g.language, update.effective_user), **values))


async def ask_rasa(update: Update, context: ContextTypes.DEFAULT_TYPE, message_text: str) -> None:
    """Sends the text (or a button payload) to Rasa under the pseudonym and relays the answer."""
    g = gateway(context)
    user, chat = update.effective_user, update.effective_chat
    person = g.person(user)
    row = await g.db(g.store.person, person)
    metadata = {"language_code": user.language_code} if user.language_code else {}
    if row and row.source:
        metadata["start"] = row.source
    if row and row.learn_opt_out:
        metadata["learn_opt_out"] = True
    metadata["update_id"] = update.update_id  # kept by Rasa in the user event: see below
    if update.update_id in getattr(context.application.update_processor, "reruns", ()) and g.tracker:
        # handled before a restart and not finished: if Rasa already took this message, its answers are
        # in the tracker; send those instead of making Rasa run the turn a second time
        earlier = await g.db(g.tracker.answers_to_update, person, update.update_id)
        if earlier:
            log.info("update %d: Rasa answered it before the restart; its answers are sent", update.update_id)
            await _answer(update, context, person, parse_replies(earlier))
            return
    typing = _Typing(context, chat.id, g.settings.TYPING_DELAY)
    try:
        replies = await g.rasa.send(person, message_text, metadata)
    except RasaUnavailable as error:
        log.warning("Rasa did not answer (%s); sent the apology", error)
        replies = None
    await typing.done()
    await _answer(update, context, person, replies)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, person: str,
                  replies: Optional[List[Reply]]) -> None:
    """Rasa's replies to the person (or the apology when there are none), then a handoff to the desk."""
    g, user, chat = gateway(context), update.effective_user, update.effective_chat
    if not replies:
        # every turn of this assistant answers something; nothing at all means the action server failed
        if replies is not None:
            log.warning("Rasa answered nothing (is the action server down?); sent the apology")
        await context.bot.send_message(chat.id, unavailable(await g.db(g.language, user)))
        return
    await send(chat.id, render(replies), context, person)
    for reply in replies:  # a confirmed request from the handoff form (docs/handoff.md): to the desk
        handoff = (reply.custom or {}).get("handoff")
        if isinstance(handoff, dict):
            await handle_handoff(context, person, chat.id, handoff, request_id=f"update-{update.update_id}")


class _Typing:
    """"typing…" while Rasa works, shown only when the answer takes longer than `delay` seconds: a quick answer
    needs no indicator, and each one is a Bot API call that counts against Telegram's limits under load."""

    def __init__(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float) -> None:
        self._sending = False
        self._task = asyncio.create_task(self._after(context, chat_id, delay))

    async def _after(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        self._sending = True
        try:  # "typing…" is a courtesy: it must never hold up or break the answer
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass

    async def done(self) -> None:
        """Not shown yet: never shown. Being sent: the answer waits for it (up to 2 s), or Telegram would
        show "typing…" under the answer."""
        if self._sending:
            await asyncio.wait([self._task], timeout=2)
        self._task.cancel()


# --- commands ---
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [parameter]: who the assistant is, the privacy notice and the language choice."""
    g = gateway(context)
    person = g.person(update.effective_user)
    parameter = context.args[0] if context.args and _START_PARAMETER.match(context.args[0]) else None
    if parameter:
        await g.db(g.store.update_person, person, source=parameter)
    language = await g.db(g.language, update.effective_user)
    intro = "\n\n".join([text("welcome", language), text("privacy", language, retention_days=g.settings.RETENTION_DAYS),
                         text("learning", language, days=g.settings.UNANSWERED_RETENTION_DAYS)])
    await context.bot.send_message(update.effective_chat.id, intro)
    await language_keyboard(update, context)


async def language_keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: the languages as buttons, each in its own name."""
    g = gateway(context)
    person = g.person(update.effective_user)
    buttons = tuple((name, LANGUAGE + code) for code, name in language_choices())
    outgoing = Outgoing(text("choose_language", await g.db(g.language, update.effective_user)), buttons)
    await send(update.effective_chat.id, [outgoing], context, person, per_row=2)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: what the assistant does and its commands."""
    await say(update, context, "help")


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy: the privacy notice, with a button to switch keeping not-understood questions off (or on)."""
    g = gateway(context)
    person = g.person(update.effective_user)
    language = await g.db(g.language, update.effective_user)
    row = await g.db(g.store.person, person)
    notice = "\n\n".join([text("privacy", language, retention_days=g.settings.RETENTION_DAYS),
                           text("learning", language, days=g.settings.UNANSWERED_RETENTION_DAYS)])
    opted_out = bool(row and row.learn_opt_out)
    button = (text("learning_on_button", language), LEARNING + "on") if opted_out else \
        (text("learning_off_button", language), LEARNING + "off")
    await send(update.effective_chat.id, [Outgoing(notice, (button,))], context, person)


async def counsellor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/counsellor: Rasa's answer for wanting a person (the centre's contacts)."""
    await ask_rasa(update, context, REQUEST_HUMAN)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete: asks for confirmation with two buttons."""
    g = gateway(context)
    language = await g.db(g.language, update.effective_user)
    buttons = ((text("delete_yes", language), DELETE + "yes"), (text("delete_no", language), DELETE + "no"))
    await send(update.effective_chat.id, [Outgoing(text("delete_confirm", language), buttons)], context,
               g.person(update.effective_user))


# --- messages ---
async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A written message: to Rasa, and Rasa's answer back."""
    await ask_rasa(update, context, update.effective_message.text)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: the help text (Rasa would read it as an intent name)."""
    await say(update, context, "help")


def media_reply(key: str):  # type: ignore[no-untyped-def]
    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A kind word on what the assistant can and cannot do with this kind of message."""
        await say(update, context, key)

    reply.__name__ = f"reply_{key}"
    return reply


# --- buttons ---
async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed inline button: answered, its keyboard removed, then acted on (an old one only explained)."""
    g = gateway(context)
    query = update.callback_query
    await _quietly(query.answer())
    if update.effective_chat is None or update.effective_chat.type != update.effective_chat.PRIVATE:
        return  # an inline message or a group: not a conversation with this person
    person = g.person(update.effective_user)
    row = await g.db(g.store.person, person)
    data = query.data or ""
    message = query.message if isinstance(query.message, Message) else None  # None: older than 48 hours
    if message is not None:
        await _quietly(message.edit_reply_markup(reply_markup=None))
    # only data of a button on that message counts: Telegram sends the message with its keyboard, so a
    # modified client cannot slip in other data (e.g. an intent for Rasa) under the current keyboard
    offered = {b.callback_data for line in (message.reply_markup.inline_keyboard if message is not None
                                            and message.reply_markup else ()) for b in line}
    if message is None or row is None or row.keyboard_message != message.message_id or data not in offered:
        await say(update, context, "old_button")
        return
    await g.db(g.store.update_person, person, keyboard_message=None)
    if data.startswith(LANGUAGE):
        code = data[len(LANGUAGE):]
        if code in dict(language_choices()):
            await g.db(g.store.update_person, person, language=code)
            await ask_rasa(update, context, CHOOSE_LANGUAGE.format(code=code))
            return
    elif data.startswith(LEARNING):
        off = data[len(LEARNING):] == "off"
        await g.db(g.store.update_person, person, learn_opt_out=off)
        await say(update, context, "learning_off" if off else "learning_on")
        return
    elif data.startswith(DELETE):
        await confirm_delete(update, context, data[len(DELETE):] == "yes")
        return
    elif data.startswith(RASA):
        await ask_rasa(update, context, data[len(RASA):])
        return
    await say(update, context, "old_button")


async def confirm_delete(update: Update, context: ContextTypes.DEFAULT_TYPE, confirmed: bool) -> None:
    g = gateway(context)
    language = await g.db(g.language, update.effective_user)  # read before the records that decide it are gone
    if not confirmed:
        await context.bot.send_message(update.effective_chat.id, text("delete_cancelled", language))
        return
    try:
        await g.db(g.erasure.erase_person, g.person(update.effective_user), g.store, g.tracker, g.unanswered_db)
    except Exception:  # noqa: BLE001 - the person must hear that it failed, and may try again
        log.exception("deleting a person's records failed")
        await context.bot.send_message(update.effective_chat.id, text("delete_failed", language))
        return
    await context.bot.send_message(update.effective_chat.id, text("delete_done", language))


async def _quietly(request) -> None:  # type: ignore[no-untyped-def]
    try:
        await request
    except (BadRequest, Forbidden):  # e.g. the query is too old to answer, or the keyboard is already gone
        pass


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error (type and traceback, no update content) and keeps the bot running."""
    log.error("handling update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(private & filters.UpdateType.EDITED, media_reply("edited")))
    for name, callback in (("start", start), ("help", help_command), ("language", language_keyboard),
                           ("privacy", privacy), ("delete", delete), ("counsellor", counsellor)):
        application.add_handler(CommandHandler(name, callback, filters=private))
    application.add_handler(MessageHandler(private & filters.FORWARDED, media_reply("forwarded")))
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, text_message))
    media = ((filters.VOICE, "media_voice"), (filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE, "media_audio"),
             (filters.PHOTO, "media_photo"), (filters.Document.ALL, "media_document"),
             (filters.Sticker.ALL, "media_sticker"), (filters.LOCATION | filters.VENUE, "media_location"),
             (filters.CONTACT, "media_contact"))
    for kind, key in media:
        application.add_handler(MessageHandler(private & kind, media_reply(key)))
    application.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, media_reply("media_other")))
    application.add_handler(CallbackQueryHandler(button))
    application.add_error_handler(error_handler)


def command_names() -> List[str]:
    return ["start", "help", "language", "counsellor", "privacy", "delete"]
