"""scripts/action_server.py and scripts/rasa_server.py: the real servers' Sanic apps get the heap listener
(wegweiser/heap.py), the action server keeps rasa_sdk's arguments."""
from __future__ import annotations

import gc

from scripts import action_server, rasa_server
from scripts.children import actions_command
from wegweiser import heap


def after_start_listeners(app):
    """Sanic 21.12 keeps "after_server_start" listeners as signals "server.init.after" until the app runs."""
    return [signal.handler.keywords.get("listener") for signal in app._future_signals
            if signal.event == "server.init.after"]


def test_the_action_server_app_freezes_its_heap_after_start():
    import rasa_sdk.endpoint

    original = rasa_sdk.endpoint.create_app
    try:
        action_server.with_frozen_heap()
        action_server.with_frozen_heap()  # twice: one listener
        app = rasa_sdk.endpoint.create_app("actions")
        assert after_start_listeners(app).count(heap.freeze_when_ready) == 1
        # the actions are registered as before
        assert any(route.path.endswith("webhook") for route in app.router.routes)
    finally:
        rasa_sdk.endpoint.create_app = original
        gc.unfreeze()


def test_rasas_app_freezes_its_heap_after_the_model_is_loaded():
    import rasa.core.run

    original = rasa.core.run.configure_app
    try:
        rasa_server.with_frozen_heap()
        rasa_server.with_frozen_heap()
        app = rasa.core.run.configure_app(input_channels=None, enable_api=False, port=0)
        assert after_start_listeners(app).count(heap.freeze_when_ready) == 1
        assert list(app.response_middleware).count(heap.refreeze_after_model_change) == 1
    finally:
        rasa.core.run.configure_app = original


def test_the_action_server_is_started_through_the_wrapper_with_rasa_sdks_arguments():
    command = actions_command(5055)
    assert command[1].endswith("scripts/action_server.py")
    assert command[2:] == ["--actions", "actions", "-p", "5055"]
