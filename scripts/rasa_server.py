"""`rasa ...` with the HTTP API token taken from the environment instead of the command line.

Rasa 3.6 reads its API token only from `--auth-token`, and a process's arguments are visible to every
local user (`ps`). scripts/launch.py starts this script with RASA_API_TOKEN in the environment (visible to
the same user only); the token is added to the argument list inside this process, which changes what
Rasa's parser reads but not /proc/<pid>/cmdline, then removed from the environment.

It also freezes the server's start-up heap once the model is loaded (wegweiser/heap.py): Rasa builds its Sanic
app in `rasa.core.run.configure_app`, which `serve_application` looks up when it runs; the wrapper adds the
heap's listener (and, for model swaps, its response middleware) to the app it returns.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def arguments(argv: list, environ: dict) -> list:
    """argv with `--auth-token=<token>` appended when RASA_API_TOKEN is set (and a token is not given)."""
    token = environ.pop("RASA_API_TOKEN", None)
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in argv):
        raise SystemExit("rasa_server.py: pass the API token as RASA_API_TOKEN, not on the command line")
    # one argument with "=": a token that starts with "-" (token_urlsafe can) is not read as an option
    return [*argv, f"--auth-token={token}"] if token else list(argv)


def with_frozen_heap() -> None:
    """Makes Rasa's `configure_app` register the heap listener on every app it configures."""
    import rasa.core.run

    from wegweiser import heap

    configure_app = rasa.core.run.configure_app
    if getattr(configure_app, "freezes_heap", False):
        return

    def configure_app_freezing_heap(*args, **kwargs):
        return heap.register(configure_app(*args, **kwargs), model_changes=True)

    configure_app_freezing_heap.freezes_heap = True
    rasa.core.run.configure_app = configure_app_freezing_heap


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    with_frozen_heap()
    sys.argv = ["rasa", *arguments(sys.argv[1:], os.environ)]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
