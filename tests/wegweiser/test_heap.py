"""wegweiser/heap.py: the servers' start-up objects are frozen out of full garbage collections."""
from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from wegweiser import heap


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


class Start:
    """An object alive at start-up that refers to itself (a container only the cyclic collector frees)."""

    def __init__(self) -> None:
        self.me = self


def test_objects_alive_at_start_up_are_frozen_and_garbage_is_not(unfrozen):
    kept = Start()
    garbage = Start()
    garbage_id = id(garbage)
    del garbage
    frozen = heap.freeze_start_up_heap()
    assert frozen == gc.get_freeze_count() > 1000
    # a full collection no longer sees what was alive at start-up, and the cycle was collected first
    tracked = {id(o) for o in gc.get_objects()}
    assert id(kept) not in tracked
    assert garbage_id not in tracked or not any(isinstance(o, Start) and id(o) == garbage_id
                                                for o in gc.get_objects())


def test_objects_made_after_the_freeze_are_still_collected(unfrozen):
    heap.freeze_start_up_heap()
    later = Start()
    assert id(later) in {id(o) for o in gc.get_objects()}
    del later
    assert gc.collect() >= 1


def test_the_listener_freezes_and_registers_on_a_sanic_app(unfrozen):
    class App:
        def __init__(self) -> None:
            self.listeners = []

        def register_listener(self, listener, event):
            self.listeners.append((listener, event))

    app = App()
    assert heap.register(app) is app
    assert app.listeners == [(heap.freeze_when_ready, "after_server_start")]
    assert gc.get_freeze_count() == 0
    asyncio.run(heap.freeze_when_ready(app, None))
    assert gc.get_freeze_count() > 0


class Request:
    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path


class Response:
    def __init__(self, status: int) -> None:
        self.status = status


def after_middleware(request, response) -> None:
    async def respond() -> None:
        await heap.refreeze_after_model_change(request, response)
        await asyncio.sleep(0)  # what the middleware scheduled runs

    asyncio.run(respond())


def test_a_model_swap_lets_the_old_models_cycles_be_collected(unfrozen):
    old_model = Start()
    alive = weakref.ref(old_model)
    heap.freeze_start_up_heap()
    del old_model  # the old model unreachable after `PUT /model`; its cycle is frozen
    gc.collect()
    assert alive() is not None
    after_middleware(Request("GET", "/status"), Response(200))
    after_middleware(Request("PUT", "/model"), Response(500))  # a failed swap keeps the old model
    assert alive() is not None
    after_middleware(Request("PUT", "/model"), Response(204))
    assert alive() is None
    assert gc.get_freeze_count() > 1000  # and the new heap is frozen again


def test_rasas_app_registers_the_middleware_only_when_asked(unfrozen):
    class App:
        def __init__(self) -> None:
            self.middleware = []

        def register_listener(self, listener, event):
            pass

        def register_middleware(self, middleware, attach_to):
            self.middleware.append((middleware, attach_to))

    assert heap.register(App()).middleware == []
    assert heap.register(App(), model_changes=True).middleware == [(heap.refreeze_after_model_change, "response")]
