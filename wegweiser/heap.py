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

A model swap (`make reload`, `make rollback`: Rasa's `PUT /model`, also `DELETE /model`) leaves the old model
unreachable, and its reference cycles can only be freed by a collection that sees them: frozen objects are
never collected. `refreeze_after_model_change`, a response middleware of Rasa's app, unfreezes, collects and
freezes again once such a request has succeeded, on the event loop right after the response (one full
collection, ~0.3 s, once per model swap).
"""
from __future__ import annotations

import asyncio
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


def refreeze() -> int:
    """After the long-lived objects changed (a new model): let the collector see them again, then freeze."""
    gc.unfreeze()
    return freeze_start_up_heap()


MODEL_CHANGES = {("PUT", "/model"), ("DELETE", "/model")}


async def refreeze_after_model_change(request: Any, response: Any) -> None:
    """Sanic response middleware: after a successful model swap, `refreeze` once the response has gone."""
    if (request.method, request.path) in MODEL_CHANGES and 200 <= getattr(response, "status", 500) < 300:
        asyncio.get_running_loop().call_soon(refreeze)


def register(app: Any, model_changes: bool = False) -> Any:
    """Adds `freeze_when_ready` to a Sanic app's "after_server_start" listeners (and, for Rasa's app,
    `refreeze_after_model_change` to its response middleware); returns the app."""
    app.register_listener(freeze_when_ready, "after_server_start")
    if model_changes:
        app.register_middleware(refreeze_after_model_change, "response")
    return app
