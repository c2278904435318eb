"""How updates are taken in: each one is stored before Telegram can count it as delivered (so none is lost
when the gateway dies, a duplicate is handled once, and a restart finishes what a crash interrupted), and
the updates of one chat are handled one after another while different chats are handled at the same time.

Where an update is stored: python-telegram-bot's Updater puts each fetched update into the application's
update queue (`await update_queue.put(update)`) and only after the whole batch moves the getUpdates offset
that confirms it to Telegram; its webhook server, too, answers Telegram only after `put` returned. The
processor's `StoringQueue` (given to `ApplicationBuilder.update_queue`) stores the update in `put`, so an
update is in the database before Telegram forgets it, whether it is handled at once or waits for one of
the CONCURRENT_UPDATES slots. An update that reaches the processor another way (`process_update` called
directly, as the tests do) is stored when its slot comes, as before."""
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
        #: stored updates not finished yet, queued or being handled, by update id: the Update object that
        #: was accepted (so a duplicate, or the same object fed twice, is recognised)
        self._held: Dict[int, Update] = {}
        #: update ids being handled now
        self._taken: Set[int] = set()
        #: updates stored but unfinished before a restart, being handled again now: the handler checks
        #: whether Rasa already took the message (bot/handlers.py: ask_rasa) instead of asking twice
        self.reruns: Set[int] = set()
        # the writes run in one worker thread, one after another: the event loop keeps answering other
        # chats while a burst of updates is being stored (measured: docs/measurements/gateway.md)
        self._writer: Optional[ThreadPoolExecutor] = None
        #: the application's update queue (bot/app.py passes it to ApplicationBuilder.update_queue)
        self.queue = StoringQueue(self)

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

    def stored_here(self, update: object) -> bool:
        """Whether the update is one the gateway stores (not a foreign group's, not a custom object)."""
        return isinstance(update, Update) and not self.ignored(update)

    async def accept(self, update: Update) -> bool:
        """Stores the update (committed when this returns). False: it must not be handled again (handled
        before, or already queued or being handled in this process). A database error is raised."""
        update_id = update.update_id
        if update_id in self._held:
            log.info("update %d is a duplicate of one queued or being handled; skipped", update_id)
            return False
        self._held[update_id] = update  # before the write: a duplicate arriving meanwhile is recognised
        try:
            seen = await self._write(self.store.record_update, update_id, self.person_of(update),
                                     json.dumps(update.to_dict()))
        except BaseException:
            del self._held[update_id]
            raise
        if seen is Seen.DONE:
            del self._held[update_id]
            log.info("update %d was handled before; skipped", update_id)
            return False
        if seen is Seen.PENDING:  # stored by an earlier run of the gateway and not finished there
            self.reruns.add(update_id)
        return True

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update) or not self.stored_here(update):
            await coroutine
            return
        update_id = update.update_id
        if update_id in self._taken:
            coroutine.close()  # type: ignore[attr-defined]
            log.info("update %d is a duplicate of one being handled; skipped", update_id)
            return
        self._taken.add(update_id)
        try:
            # through the StoringQueue it was stored in put(); fed here directly, it is stored now
            if self._held.get(update_id) is not update and not await self.accept(update):
                coroutine.close()  # type: ignore[attr-defined]
                return
            chat = update.effective_chat
            started = time.perf_counter()
            if chat is None:
                await coroutine
            else:
                await self.locks.run(chat.id, coroutine)
            await self._write(self.store.finish_update, update_id)
            log.info("update %d handled in %.0f ms%s", update_id, (time.perf_counter() - started) * 1000,
                     " (after a restart)" if update_id in self.reruns else "")
        finally:
            self._taken.discard(update_id)
            if self._held.get(update_id) is update:
                del self._held[update_id]
                self.reruns.discard(update_id)


class StoringQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The application's update queue: `put` returns once the update is stored (or known as a duplicate,
    which is then not queued). PTB's Updater moves the getUpdates offset, and its webhook answers Telegram,
    only after `put` returned, so an update Telegram counts as delivered is always in the database.

    While the database cannot be written, `put` waits and tries again (with back-off): the Updater then
    fetches nothing more and Telegram keeps the updates, instead of the polling loop dying on the error."""

    first_delay, max_delay = 0.5, 30.0

    def __init__(self, processor: OrderedUpdateProcessor) -> None:
        super().__init__()
        self.processor = processor

    async def put(self, item: object) -> None:
        if not isinstance(item, Update) or not self.processor.stored_here(item):
            await super().put(item)  # PTB's stop signal, custom updates, foreign groups: as they are
            return
        delay = self.first_delay
        while True:
            try:
                accepted = await self.processor.accept(item)
                break
            except Exception as error:  # noqa: BLE001 - stored or not at all; Telegram keeps it meanwhile
                log.warning("update %d could not be stored (%s); trying again in %.1f s", item.update_id,
                            type(error).__name__, delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_delay)
        if accepted:
            await super().put(item)


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
