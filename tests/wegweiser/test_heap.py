"""wegweiser/heap.py: the servers' start-up objects are frozen out of full garbage collections."""
from __future__ import annotations

import asyncio
import gc

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
