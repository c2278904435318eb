"""How updates are taken in: each one is stored before it is handled (so a duplicate is handled once and
a restart finishes what a crash interrupted), and the updates of one chat are handled one after another
while different chats are handled at the same time."""
from __future__ import annotations

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable, Dict, Optional, Set

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.store import Seen, Store

log = logging.getLogger(__name__)

#: who an update belongs to: the person's pseudonym, or None (e.g. a group or channel update)
PersonOf = Callable[[Update], Optional[str]]


class ChatLocks:
    """One asyncio.Lock per chat, dropped again when nobody waits for it."""

    def __init__(self) -> None:
        self._locks: Dict[int, asyncio.Lock] = {}
        self._users: Dict[int, int] = {}

    async def run(self, chat_id: int, work: Awaitable[Any]) -> Any:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                return await work
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id], self._locks[chat_id]

    def __len__(self) -> int:
        return len(self._locks)


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """PTB's concurrent update processing with persistence, deduplication and per-chat order."""

    def __init__(self, store: Store, person_of: PersonOf, max_concurrent_updates: int = 256,
                 ignored: Optional[Callable[[Update], bool]] = None) -> None:
        super().__init__(max_concurrent_updates)
        self.store, self.person_of = store, person_of
        #: updates stored nowhere (a group the bot leaves: bot/groups.py); they are only handled
        self.ignored = ignored or (lambda update: False)
        self.locks = ChatLocks()
        self._in_flight: Set[int] = set()
        #: updates stored but unfinished before a restart, being handled again now: the handler checks
        #: whether Rasa already took the message (bot/handlers.py: ask_rasa) instead of asking twice
        self.reruns: Set[int] = set()
        # the two writes per update run in one worker thread, one after another: the event loop keeps
        # answering other chats while a burst of updates is being stored (measured: docs/measurements/gateway.md)
        self._writer: Optional[ThreadPoolExecutor] = None

    async def initialize(self) -> None:
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gateway-store")

    async def shutdown(self) -> None:
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    async def _write(self, function: Callable[..., Any], *args: Any) -> Any:
        if self._writer is None:  # used without initialize() (unit tests): write in the loop
            return function(*args)
        return await asyncio.get_running_loop().run_in_executor(self._writer, function, *args)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update) or self.ignored(update):
            await coroutine
            return
        update_id = update.update_id
        if update_id in self._in_flight:
            coroutine.close()  # type: ignore[attr-defined]
            log.info("update %d is a duplicate of one being handled; skipped", update_id)
            return
        self._in_flight.add(update_id)
        try:
            seen = await self._write(self.store.record_update, update_id, self.person_of(update),
                                     json.dumps(update.to_dict()))
            if seen is Seen.DONE:
                coroutine.close()  # type: ignore[attr-defined]
                log.info("update %d was handled before; skipped", update_id)
                return
            if seen is Seen.PENDING:
                self.reruns.add(update_id)
            chat = update.effective_chat
            started = time.perf_counter()
            if chat is None:
                await coroutine
            else:
                await self.locks.run(chat.id, coroutine)
            await self._write(self.store.finish_update, update_id)
            log.info("update %d handled in %.0f ms%s", update_id, (time.perf_counter() - started) * 1000,
                     " (after a restart)" if seen is Seen.PENDING else "")
        finally:
            self._in_flight.discard(update_id)
            self.reruns.discard(update_id)


async def requeue_unfinished(store: Store, queue: "asyncio.Queue[object]", bot: Any) -> int:
    """Puts updates stored but not answered before the last stop back in the queue."""
    count = 0
    for update_id, payload in store.unfinished_updates():
        try:
            await queue.put(Update.de_json(json.loads(payload), bot))
            count += 1
        except (ValueError, TypeError, KeyError):
            log.warning("update %d could not be read back; dropped", update_id)
            store.finish_update(update_id)
    if count:
        log.info("%d unfinished updates from before the restart queued again", count)
    return count
