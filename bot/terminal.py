"""A chat with the assistant in the terminal, over the same REST channel the Telegram gateway uses.

Buttons are shown numbered; typing the number presses the button. /quit (or Ctrl-D) ends the chat.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import sys
from typing import List

from bot.rasa_client import Button, RasaClient, RasaUnavailable
from wegweiser.content import default_language, load_safety
from wegweiser.handoff import load_handoff_texts
from wegweiser.render import centre_values
from wegweiser.texts import localised, message


def language_hint() -> str | None:
    """The terminal's locale (LANG=de_DE.UTF-8 -> "de"), passed to Rasa as a hint like Telegram's."""
    lang = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    code = lang.split(".", 1)[0].split("_", 1)[0].lower()
    return code if code.isalpha() and len(code) in (2, 3) else None


def unavailable_text() -> str:
    try:
        values = dict(centre_values(default_language()))
        values.update({k: str(v) for k, v in load_safety()["numbers"].items()})
        return message("service_unavailable", default_language(), values)
    except Exception:  # noqa: BLE001 - the terminal chat must never crash on its own error message
        return "The assistant is not available right now. Please try again later."


def handoff_text(request: dict) -> str:
    """What the terminal chat says for a confirmed handoff request: it has no gateway to send it."""
    language = str(request.get("language") or default_language())
    try:
        values = dict(centre_values(language))
    except Exception:  # noqa: BLE001 - the terminal chat must never crash on its own message
        values = {"centre_name": "", "centre_contact": ""}
    return localised(load_handoff_texts()["form"]["terminal_no_send"], language, values)


async def chat(url: str) -> None:
    client = RasaClient(url)
    sender = "terminal-" + secrets.token_hex(8)
    metadata = {"language_code": language_hint()} if language_hint() else {}
    buttons: List[Button] = []
    print("Wegweiser - write your question (any of: Deutsch, English, العربية, فارسی, Русский, Türkçe). /quit ends.")
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                break
            text = line.strip()
            if text in ("/quit", "/exit"):
                break
            if not text:  # Rasa's REST channel answers an empty message with silence
                print(message("empty_message", metadata.get("language_code") or default_language(), {}))
                continue
            if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
                text = buttons[int(text) - 1].payload
            try:
                replies = await client.send(sender, text, metadata)
            except RasaUnavailable:
                print(unavailable_text())
                continue
            buttons = []
            for reply in replies:
                if reply.text:
                    print(reply.text)
                if reply.custom and isinstance(reply.custom.get("handoff"), dict):
                    print(handoff_text(reply.custom["handoff"]))
                for button in reply.buttons:
                    buttons.append(button)
                    print(f"  [{len(buttons)}] {button.title}")
    finally:
        await client.aclose()


def main() -> None:
    url = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    try:
        asyncio.run(chat(url))
    except KeyboardInterrupt:
        pass
    print()
    sys.exit(0)


if __name__ == "__main__":
    main()
