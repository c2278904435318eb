"""Rasa's Redis lock store with each step one atomic round trip (a Lua script in Redis) instead of several.

Rasa 3.6's `RedisLockStore` serialises one conversation's messages with a ticket lock kept as JSON under
`lock:<sender>`, through Rasa's `LockStore.lock`: issue a ticket (GET, SET), check that it is served
(GET), and afterwards finish (GET, SET), ask whether anyone waits (GET) and delete (DEL) — seven calls per
message on a synchronous client, i.e. seven waits in which the worker's event loop does nothing else
(~9 % of a scale-out worker's busy samples, docs/measurements/latency.md, sixth round). Each step also
reads, changes and writes the lock in separate calls, so two workers issuing a ticket for the same sender at
the same moment could both get the same number.

`AtomicRedisLockStore` (configured by scripts/launch.py as the lock store's `type`) keeps Rasa's key, JSON
format, ticket numbers, lifetimes and waiting loop, and does each step in one script that Redis runs
atomically:

- `issue_ticket`: drop expired tickets, append the next number, save; answers the number and the lock as
  saved, so when the new ticket is the one served (nobody ahead: the usual case) the lock is acquired
  without another call;
- `cleanup`: drop this ticket and the expired ones, then save the rest or delete the key when none is left.

Two calls per message instead of seven; what waits for whom is unchanged (a ticket ahead of ours is waited
for with Rasa's own loop, `_acquire_lock`). Time is the caller's clock, as in Rasa (`time.time()`), so
processes of this store and of Rasa's can share the locks. Tests: tests/components/test_lock_store.py (on the
machine's Redis).
"""
from __future__ import annotations

import json
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

# KEYS[1] the lock's key; ARGV[1] now, ARGV[2] the new ticket's lifetime (s), ARGV[3] the conversation id.
# Rasa's format: {"conversation_id": ..., "tickets": ["{\"number\": 0, \"expires\": 1.7e9}", ...]}
_LIVE_TICKETS = """
local now = tonumber(ARGV[1])
local tickets = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  for _, encoded in ipairs(cjson.decode(raw)['tickets'] or {}) do
    local ticket = cjson.decode(encoded)
    if tonumber(ticket['expires']) >= now then table.insert(tickets, ticket) end
  end
end
local function save(list)
  local encoded = {}
  for i, ticket in ipairs(list) do
    encoded[i] = string.format('{"number": %d, "expires": %.6f}', ticket['number'], ticket['expires'])
  end
  local lock = cjson.encode({conversation_id = ARGV[3], tickets = encoded})
  redis.call('SET', KEYS[1], lock)
  return lock
end
"""

ISSUE_TICKET = _LIVE_TICKETS + """
local number = 0
if #tickets > 0 then number = tickets[#tickets]['number'] + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[2])})
return {number, save(tickets)}
"""

FINISH = _LIVE_TICKETS + """
local rest = {}
for _, ticket in ipairs(tickets) do
  if ticket['number'] ~= tonumber(ARGV[4]) then table.insert(rest, ticket) end
end
if #rest == 0 then return redis.call('DEL', KEYS[1]) end
save(rest)
return 0
"""


class AtomicRedisLockStore(RedisLockStore):
    """`RedisLockStore` whose ticket is issued, and finished, in one atomic call each."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # Rasa builds a custom lock store from its endpoints.yml entry
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(ISSUE_TICKET)
        self._finish = self.red.register_script(FINISH)
        self._issued: Optional[TicketLock] = None

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            number, saved = self._issue(keys=[self.key_prefix + conversation_id],
                                        args=[repr(time.time()), repr(float(lock_lifetime)), conversation_id])
        except Exception as e:  # noqa: BLE001 - as Rasa's issue_ticket: any failure is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        self._issued = TicketLock.from_dict(json.loads(saved))
        return int(number)

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        """Rasa's `LockStore.lock`, without asking Redis again when the ticket just issued is the one served."""
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        issued, self._issued = self._issued, None  # no await in between: no other message's ticket
        try:
            if issued is not None and not issued.is_locked(ticket):
                yield issued
            else:
                yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        deleted = self._finish(keys=[self.key_prefix + conversation_id],
                               args=[repr(time.time()), "0", conversation_id, str(ticket_number)])
        if deleted:
            self._log_deletion(conversation_id, True)
