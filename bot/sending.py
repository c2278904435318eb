"""Sending to Telegram without losing replies: PTB's AIORateLimiter keeps within Telegram's limits and
waits out a 429 (retry_after); this subclass also retries 5xx answers and network errors with back-off,
which the rate limiter alone would pass on as a dropped reply.

A request that **timed out** may have reached Telegram (the message posted, only the answer lost), and
Telegram offers no idempotency key to ask: such a send is tried once more, and a second timeout ends the
retries. So a timeout causes at most one duplicate reply, never a series of them.

**An answer before the extras of other answers.** When Telegram's 30 messages per second are used up (50
people writing for the first time within seconds: each first answer is three messages), the rate limiter
queues every message in arrival order, so the answer of someone already in a conversation waited behind
other people's "as of" notes and introductions: ~600 ms at p95 in `make bench-load`, ~9 ms with the limit
lifted (docs/measurements/gateway.md). A reply's second and later messages are sent with
`rate_limit_args=FOLLOW_UP` (bot/handlers.py: `send`); they wait while any answer's first message waits for
the budget, and enter the limiter only when it has room with a few places to spare, so no queue of
follow-ups forms ahead of a later answer. One person's messages stay in order (each is sent after the one before it returned); the budget
is the same, only the order between people changes."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Coroutine, Dict, List, Optional, Union

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONDict = Dict[str, Any]
#: courtesy calls that are not messages: they neither wait behind the replies in the rate limiter's
#: 30-per-second budget nor are retried (a lost "typing…" costs nothing)
UNLIMITED = frozenset({"sendChatAction"})
#: `rate_limit_args` of a reply's second and later messages: sent after the first messages waiting
FOLLOW_UP = "follow-up"
#: places of Telegram's per-second budget that follow-ups leave free, for answers arriving the next moment
#: (the rate is the same 30/s; only a burst of follow-ups is 25 instead of 30)
ANSWER_RESERVE = 5


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, send_retries: int = 5, first_delay: float = 0.5, max_delay: float = 30.0,
                 **limiter_options: Any) -> None:
        limiter_options.setdefault("max_retries", 5)
        super().__init__(**limiter_options)
        self.send_retries, self.first_delay, self.max_delay = send_retries, first_delay, max_delay
        self._firsts_waiting = 0  # first messages of a reply not yet let through by the limiter
        self._no_first_waiting = asyncio.Event()
        self._no_first_waiting.set()

    async def _until_no_answer_waits(self) -> None:
        """Until no first message waits and the budget has room now, and for `ANSWER_RESERVE` answers more: a
        follow-up that queued inside the limiter while no answer was waiting would still be ahead of the next
        answer."""
        limiter = self._base_limiter
        while True:
            if self._firsts_waiting:
                await self._no_first_waiting.wait()
            elif limiter is not None and not limiter.has_capacity(min(1 + ANSWER_RESERVE, limiter.max_rate)):
                await asyncio.sleep(limiter.time_period / limiter.max_rate)
            else:
                return

    def _first_passed(self) -> None:
        self._firsts_waiting -= 1
        if not self._firsts_waiting:
            self._no_first_waiting.set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Union[bool, JSONDict, List[JSONDict]]]],
        args: Any,
        kwargs: Dict[str, Any],
        endpoint: str,
        data: Dict[str, Any],
        rate_limit_args: Optional[int],
    ) -> Union[bool, JSONDict, List[JSONDict]]:
        if endpoint == "getUpdates":  # the updater already retries its long polling
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        if endpoint in UNLIMITED:
            return await callback(*args, **kwargs)
        if rate_limit_args == FOLLOW_UP:
            rate_limit_args = None  # PTB's own meaning: a number of retries
            await self._until_no_answer_waits()
            return await self._send(callback, args, kwargs, endpoint, data, rate_limit_args)
        self._firsts_waiting += 1
        self._no_first_waiting.clear()
        waiting = [True]

        async def let_through(*call_args: Any, **call_kwargs: Any) -> Any:
            if waiting:  # once, also when the send is retried
                waiting.clear()
                self._first_passed()
            return await callback(*call_args, **call_kwargs)

        try:
            return await self._send(let_through, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            if waiting:  # never let through (an error before the call)
                waiting.clear()
                self._first_passed()

    async def _send(self, callback: Callable[..., Coroutine[Any, Any, Union[bool, JSONDict, List[JSONDict]]]],
                    args: Any, kwargs: Dict[str, Any], endpoint: str, data: Dict[str, Any],
                    rate_limit_args: Optional[int]) -> Union[bool, JSONDict, List[JSONDict]]:
        delay = self.first_delay
        uncertain = 0
        for attempt in range(self.send_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # the request itself is wrong; sending it again cannot help
            except NetworkError as error:
                uncertain += isinstance(error, TimedOut)
                if attempt == self.send_retries or uncertain >= 2:
                    raise
                log.warning("Telegram %s failed (%s); retry %d in %.1f s", endpoint, error.message, attempt + 1, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_delay)
        raise AssertionError("unreachable")
