"""The servers' start-up objects kept out of the garbage collector's full collections (`gc.freeze`).

CPython's full (generation 2) collection walks every container object alive. Once Rasa has loaded its model
and the action server its content, those objects live as long as the process, yet each full collection walked
them again: ~70 ms in the action server and ~330 ms in Rasa, started whenever enough new objects had
survived, i.e. at an arbitrary message. One landed inside a reply and made it 121 ms instead of ~50
(docs/measurements/latency.md, "Garbage collection"). `gc.freeze()` moves every object alive into a permanent
generation that collections skip; a full collection then walks only what was made since start-up. Nothing is
kept alive longer than before: frozen objects were reachable for the process's life anyway, and garbage
collected before the freeze is not frozen.

Both servers are Sanic apps; `freeze_when_ready` is their "after_server_start" listener, which runs once the
model and actions are loaded (Rasa loads its agent in "before_server_start"), in each worker.
"""
from __future__ import annotations

import gc
import logging
from typing import Any

logger = logging.getLogger(__name__)


def freeze_start_up_heap() -> int:
    """Collects what start-up left as garbage, then freezes the rest; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.debug("%d start-up objects frozen out of full garbage collections", frozen)
    return frozen


async def freeze_when_ready(app: Any, loop: Any) -> None:
    """Sanic "after_server_start" listener (Sanic calls listeners with the app and the event loop)."""
    freeze_start_up_heap()


def register(app: Any) -> Any:
    """Adds `freeze_when_ready` to a Sanic app's "after_server_start" listeners; returns the app."""
    app.register_listener(freeze_when_ready, "after_server_start")
    return app
