"""Sends are retried after a 5xx / network error and a 429, but not after a bad request."""
from __future__ import annotations

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.sending import RetryingRateLimiter


class Flaky:
    def __init__(self, *errors: Exception) -> None:
        self.errors, self.calls = list(errors), 0

    async def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return {"ok": True}


async def send(limiter: RetryingRateLimiter, callback: Flaky, endpoint: str = "sendMessage"):
    await limiter.initialize()
    try:
        return await limiter.process_request(callback, (), {}, endpoint, {"chat_id": 1}, None)
    finally:
        await limiter.shutdown()


async def test_server_errors_are_retried_until_the_message_goes_out():
    callback = Flaky(NetworkError("Internal Server Error (500)"), NetworkError("Bad Gateway"))
    assert await send(RetryingRateLimiter(send_retries=3, first_delay=0.01), callback) == {"ok": True}
    assert callback.calls == 3


async def test_retry_after_is_waited_out_by_the_rate_limiter():
    callback = Flaky(RetryAfter(0.05))
    assert await send(RetryingRateLimiter(send_retries=0), callback) == {"ok": True}
    assert callback.calls == 2


async def test_bad_requests_are_not_repeated_and_retries_end():
    callback = Flaky(BadRequest("message is too long"))
    with pytest.raises(BadRequest):
        await send(RetryingRateLimiter(send_retries=3, first_delay=0.01), callback)
    assert callback.calls == 1
    callback = Flaky(*[NetworkError("down")] * 5)
    with pytest.raises(NetworkError):
        await send(RetryingRateLimiter(send_retries=2, first_delay=0.01), callback)
    assert callback.calls == 3


async def test_a_timed_out_send_is_tried_once_more_at_most():
    """A timeout may hide a delivered message: one more try (at most one duplicate), then give up."""
    from telegram.error import TimedOut

    once = Flaky(TimedOut("read timeout"), NetworkError("Bad Gateway"))
    assert await send(RetryingRateLimiter(send_retries=5, first_delay=0.01), once) == {"ok": True}
    assert once.calls == 3  # a 502 after the timeout is certain not-sent: retried
    twice = Flaky(TimedOut("read timeout"), TimedOut("read timeout"), NetworkError("Bad Gateway"))
    with pytest.raises(TimedOut):
        await send(RetryingRateLimiter(send_retries=5, first_delay=0.01), twice)
    assert twice.calls == 2


async def test_an_answers_first_message_goes_before_other_answers_follow_ups_when_the_budget_is_used_up():
    import asyncio

    from bot.sending import FOLLOW_UP

    limiter = RetryingRateLimiter(overall_max_rate=2, overall_time_period=0.2)  # the budget: 2 per 0.2 s
    await limiter.initialize()
    order = []

    def message(name: str):
        async def call(*args, **kwargs):
            order.append(name)
            return {"ok": True}
        return call

    async def request(name: str, follow_up: bool):
        await limiter.process_request(message(name), (), {}, "sendMessage", {"chat_id": 7},
                                      FOLLOW_UP if follow_up else None)

    try:
        # the budget used up by two answers; a third waits; a note of an earlier answer, then a fourth answer
        sends = [asyncio.create_task(request(f"answer {i}", False)) for i in range(3)]
        await asyncio.sleep(0.01)
        sends.append(asyncio.create_task(request("note", True)))
        await asyncio.sleep(0.01)
        sends.append(asyncio.create_task(request("answer 3", False)))
        await asyncio.wait_for(asyncio.gather(*sends), timeout=10)
    finally:
        await limiter.shutdown()
    assert sorted(order) == ["answer 0", "answer 1", "answer 2", "answer 3", "note"]  # everything sent
    assert order[-1] == "note"  # in arrival order it would have gone before "answer 3"
    assert limiter._firsts_waiting == 0


async def test_a_failed_first_message_does_not_hold_up_the_follow_ups():
    import asyncio

    from bot.sending import FOLLOW_UP

    limiter = RetryingRateLimiter(send_retries=0)
    await limiter.initialize()
    try:
        with pytest.raises(BadRequest):
            await limiter.process_request(Flaky(BadRequest("chat not found")), (), {}, "sendMessage", {"chat_id": 1},
                                          None)
        result = await asyncio.wait_for(limiter.process_request(Flaky(), (), {}, "sendMessage", {"chat_id": 1},
                                                                 FOLLOW_UP), timeout=5)
        assert result == {"ok": True}
    finally:
        await limiter.shutdown()


async def test_follow_ups_leave_places_for_answers_but_always_go_out():
    import asyncio

    from bot.sending import ANSWER_RESERVE, FOLLOW_UP

    limiter = RetryingRateLimiter(overall_max_rate=30, overall_time_period=1)
    await limiter.initialize()
    sent = []

    async def call(*args, **kwargs):
        sent.append(1)
        return {"ok": True}

    try:
        burst = [asyncio.create_task(limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 3}, FOLLOW_UP))
                 for _ in range(40)]
        await asyncio.sleep(0.02)
        # the follow-ups used the budget only up to the reserve: an answer now goes at once
        assert len(sent) == 30 - ANSWER_RESERVE
        assert limiter._base_limiter.has_capacity(ANSWER_RESERVE)
        await asyncio.wait_for(asyncio.gather(*burst), timeout=10)  # and the rest follow at Telegram's rate
        assert len(sent) == 40
    finally:
        await limiter.shutdown()
