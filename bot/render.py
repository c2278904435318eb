"""Rasa's replies as Telegram messages: plain text (nothing to escape, nothing to inject), at most 4,096
characters each, split at paragraph boundaries, and Rasa's buttons as an inline keyboard."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Sequence, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rasa_client import Reply

#: Telegram's limit, counted like Telegram does: in UTF-16 code units
MAX_TEXT = 4096
#: Telegram's limit for a media caption, in UTF-16 code units
MAX_CAPTION = 1024
#: Telegram's limit for the text of a callback query's answer (the alert a button press shows)
MAX_ANSWER = 200
#: Telegram's limit for callback_data, in bytes
MAX_CALLBACK = 64
ELLIPSIS = "…"
#: callback data prefixes: a Rasa payload, a language choice, the /delete confirmation
RASA, LANGUAGE, DELETE, LEARNING = "r:", "l:", "d:", "p:"

_SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+")


@dataclass(frozen=True)
class Outgoing:
    text: str
    buttons: Tuple[Tuple[str, str], ...] = field(default_factory=tuple)  # (title, callback data)

    def markup(self, per_row: int = 1) -> Optional[InlineKeyboardMarkup]:
        return keyboard(self.buttons, per_row)


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit(text: str, limit: int = MAX_TEXT) -> str:
    """`text` if it fits in `limit` UTF-16 units, else cut to fit with "…" at the end (never half a
    surrogate pair: an emoji is kept whole or left out)."""
    if units(text) <= limit:
        return text
    encoded = text.encode("utf-16-le")[: 2 * (limit - units(ELLIPSIS))]
    return encoded.decode("utf-16-le", errors="ignore").rstrip() + ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Pieces of at most `limit` units: whole paragraphs where possible, then lines, sentences, words."""
    text = text.strip()
    if units(text) <= limit:
        return [text] if text else []
    for separator, pattern in (("\n\n", re.compile(r"\n\s*\n")), ("\n", re.compile(r"\n")),
                               (" ", _SENTENCE_END), (" ", re.compile(r"\s+"))):
        parts = [p.strip() for p in pattern.split(text) if p.strip()]
        if len(parts) > 1:
            return _pack(parts, separator, limit)
    return _hard_cut(text, limit)


def _pack(parts: Sequence[str], separator: str, limit: int) -> List[str]:
    pieces: List[str] = []
    current = ""
    for part in parts:
        if units(part) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(split_text(part, limit))
            continue
        candidate = f"{current}{separator}{part}" if current else part
        if units(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = part
    if current:
        pieces.append(current)
    return pieces


def _hard_cut(text: str, limit: int) -> List[str]:
    pieces, current = [], ""
    for char in text:
        if units(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return pieces + ([current] if current else [])


def callback_for(payload: str, title: str) -> str:
    """Rasa's payload as callback data; a payload too long for Telegram sends the title as text instead."""
    data = RASA + payload
    if len(data.encode("utf-8")) <= MAX_CALLBACK:
        return data
    shortened = title
    while len((RASA + shortened).encode("utf-8")) > MAX_CALLBACK:
        shortened = shortened[:-1]
    return RASA + shortened


def keyboard(buttons: Iterable[Tuple[str, str]], per_row: int = 1) -> Optional[InlineKeyboardMarkup]:
    items = [InlineKeyboardButton(title[:200], callback_data=data) for title, data in buttons]
    if not items:
        return None
    return InlineKeyboardMarkup([items[i:i + per_row] for i in range(0, len(items), per_row)])


def render(replies: Iterable[Reply]) -> List[Outgoing]:
    """One or more messages per reply; the buttons go with the last piece of their reply."""
    messages: List[Outgoing] = []
    for reply in replies:
        pieces = split_text(reply.text) or ([""] if reply.buttons else [])
        buttons = tuple((b.title, callback_for(b.payload, b.title)) for b in reply.buttons)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            messages.append(Outgoing(piece or "…", buttons if last else ()))
    return messages
