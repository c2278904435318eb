"""`python -m rasa_sdk ...` (the action server) with its start-up heap frozen once it serves (wegweiser/heap.py).

rasa_sdk builds its Sanic app in `rasa_sdk.endpoint.create_app`, which its `run` looks up when it starts;
the wrapper adds the heap's listener to the app it returns. Arguments are rasa_sdk's own.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wegweiser import heap  # noqa: E402


def with_frozen_heap() -> None:
    """Makes rasa_sdk's `create_app` register the heap listener on every app it creates."""
    import rasa_sdk.endpoint

    create_app = rasa_sdk.endpoint.create_app
    if getattr(create_app, "freezes_heap", False):
        return

    def create_app_freezing_heap(*args, **kwargs):
        return heap.register(create_app(*args, **kwargs))

    create_app_freezing_heap.freezes_heap = True
    rasa_sdk.endpoint.create_app = create_app_freezing_heap


def main() -> None:
    with_frozen_heap()
    from rasa_sdk.__main__ import main as rasa_sdk_main

    sys.argv = ["rasa_sdk", *sys.argv[1:]]
    rasa_sdk_main()


if __name__ == "__main__":
    main()
