"""Sending to Telegram without losing replies: PTB's AIORateLimiter keeps within Telegram's limits and
waits out a 429 (retry_after); this subclass also retries 5xx answers and network errors with back-off,
which the rate limiter alone would pass on as a dropped reply.

A request that **timed out** may have reached Telegram (the message posted, only the answer lost), and
Telegram offers no idempotency key to ask: such a send is tried once more, and a second timeout ends the
retries. So a timeout causes at most one duplicate reply, never a series of them."""
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


class RetryingRateLimiter(AIORateLimiter):
    def __init__(self, send_retries: int = 5, first_delay: float = 0.5, max_delay: float = 30.0,
                 **limiter_options: Any) -> None:
        limiter_options.setdefault("max_retries", 5)
        super().__init__(**limiter_options)
        self.send_retries, self.first_delay, self.max_delay = send_retries, first_delay, max_delay

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
