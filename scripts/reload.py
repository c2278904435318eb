"""`make reload` / `make rollback`: swap the model of the running Rasa server without a restart.

reload:   <data dir>/models/current.tar.gz -> previous.tar.gz, models/wegweiser.tar.gz -> current.tar.gz,
          then Rasa's `PUT /model` (HTTP API on loopback, token from RASA_API_TOKEN or <data dir>/api-token).
rollback: previous.tar.gz and current.tar.gz change places, then `PUT /model`.

Rasa loads the new model next to the old one and then switches; conversations live in the tracker store
and survive the switch; messages that arrive while the model loads wait and are answered (tested in
tests/scripts/test_reload.py). If loading fails, the files are put back and the old model keeps serving.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

import requests

from scripts.launch import MODEL, api_token, copy_atomically, served_model

ROOT = Path(__file__).resolve().parent.parent

LOAD_TIMEOUT_S = 300


class ReloadError(RuntimeError):
    """The server did not take the model; what it served before is still served."""


def previous_model(data_dir: Path) -> Path:
    return served_model(data_dir).with_name("previous.tar.gz")


def model_id(rasa_url: str, token: str) -> Optional[str]:
    response = requests.get(f"{rasa_url}/status", params={"token": token}, timeout=30)
    response.raise_for_status()
    return response.json().get("model_id")


def put_model(rasa_url: str, token: str, model: Path) -> None:
    response = requests.put(f"{rasa_url}/model", params={"token": token}, json={"model_file": str(model)},
                            timeout=LOAD_TIMEOUT_S)
    if response.status_code != 204:
        raise ReloadError(f"Rasa refused the model ({response.status_code}): {response.text[:500]}")


def _swap(first: Path, second: Path) -> None:
    parked = first.with_name("swap.tar.gz")
    os.replace(first, parked)
    os.replace(second, first)
    os.replace(parked, second)


def reload(rasa_url: str, data_dir: Path, token: str, model: Path = MODEL) -> float:
    """Publishes `model`; keeps what was served as previous.tar.gz. Returns the seconds the swap took."""
    current, previous = served_model(data_dir), previous_model(data_dir)
    if not model.exists():
        raise ReloadError(f"{model} does not exist — run make train")
    had_current = current.exists()
    if had_current:
        copy_atomically(current, previous)
    copy_atomically(model, current)
    start = time.monotonic()
    try:
        put_model(rasa_url, token, current)
    except (ReloadError, requests.RequestException):
        if had_current:
            copy_atomically(previous, current)
        raise
    return time.monotonic() - start


def rollback(rasa_url: str, data_dir: Path, token: str) -> float:
    current, previous = served_model(data_dir), previous_model(data_dir)
    if not previous.exists():
        raise ReloadError(f"no previous model in {previous.parent} — nothing to roll back to")
    _swap(current, previous)
    start = time.monotonic()
    try:
        put_model(rasa_url, token, current)
    except (ReloadError, requests.RequestException):
        _swap(current, previous)
        raise
    return time.monotonic() - start


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["reload", "rollback"])
    args = parser.parse_args(argv)
    data_dir = Path(os.environ.get("WEGWEISER_DATA_DIR", ROOT / ".data"))
    rasa_url = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    token = api_token(data_dir)
    try:
        before = model_id(rasa_url, token)
        seconds = (reload(rasa_url, data_dir, token) if args.command == "reload"
                   else rollback(rasa_url, data_dir, token))
        after = model_id(rasa_url, token)
    except requests.ConnectionError:
        print(f"No Rasa server on {rasa_url} — start it with make serve (RASA_PORT, WEGWEISER_DATA_DIR as "
              "for the server)", file=sys.stderr)
        return 1
    except (ReloadError, requests.RequestException) as error:
        print(f"{args.command} failed, the server keeps its model: {error}", file=sys.stderr)
        return 1
    change = "same model as before" if before == after else f"model {before} -> {after}"
    print(f"{args.command}: done in {seconds:.1f} s ({change}); previous model kept in "
          f"{previous_model(data_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
