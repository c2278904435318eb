"""Groups and channels other than the counsellors' group: the bot says politely why it leaves, and leaves.

A person's questions belong in their private chat with the bot; a group added by anyone would let others
read along and could reach the desk's commands. The guard runs before every other handler (group
GUARD_GROUP): an update from any group, supergroup or channel that is not COUNSELLOR_CHAT_ID is answered at
most by the farewell (when the bot was just added) and by leaving, and no other handler sees it, so nothing
is stored for it.
"""
from __future__ import annotations

import logging
from typing import Optional

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.texts import pick_language, text

log = logging.getLogger(__name__)

GUARD_GROUP = -100  # before the desk (-10) and the gateway (0)
PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.RESTRICTED}


def foreign_group(update: Update, counsellors_chat: Optional[int]) -> bool:
    """From a group, supergroup or channel that is not the counsellors' group."""
    chat = update.effective_chat
    return bool(chat is not None and chat.type != ChatType.PRIVATE and chat.id != counsellors_chat)


def register(application: Application, counsellors_chat: Optional[int]) -> None:
    async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not isinstance(update, Update) or not foreign_group(update, counsellors_chat):
            return
        chat = update.effective_chat
        joined = update.my_chat_member is not None and update.my_chat_member.new_chat_member.status in PRESENT
        if update.my_chat_member is None or joined:
            try:
                if joined and chat.type != ChatType.CHANNEL:
                    user = update.effective_user
                    language = pick_language(None, None, user.language_code if user else None)
                    await context.bot.send_message(chat.id, text("leaving_group", language))
                await context.bot.leave_chat(chat.id)
                log.info("left a %s the bot was added to", chat.type)
            except TelegramError as error:  # already removed, or not allowed to write: nothing else to do
                log.info("leaving a %s: %s", chat.type, type(error).__name__)
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass
        raise ApplicationHandlerStop

    application.add_handler(TypeHandler(Update, guard), group=GUARD_GROUP)
