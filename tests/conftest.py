"""Shared fixtures for the tests that run in Rasa's virtualenv. The gateway's tests (.venv/bot) load this file
too, so it imports nothing at module level that only Rasa's virtualenv has."""
from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from scripts.launch import Services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RestChat:
    """Talks to the real Rasa server through the REST channel, as the gateway does."""

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, text: str, sender: str | None = None, metadata: Dict[str, Any] | None = None) -> List[Dict[str, Any]]:
        import requests  # Rasa's virtualenv only; .venv/bot loads this conftest too

        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender or new_sender(), "message": text, "metadata": metadata or {}},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def new_sender() -> str:
    return "test-" + uuid.uuid4().hex[:12]


@pytest.fixture(scope="session")
def rasa_services(tmp_path_factory) -> Services:
    """The real Rasa and action servers, on free loopback ports with a throw-away data dir."""
    data_dir: Path = tmp_path_factory.mktemp("rasa-data")
    services = Services(free_port(), free_port(), data_dir, quiet=True)
    try:
        services.start()
        yield services
    finally:
        services.stop()


@pytest.fixture(scope="session")
def rasa_chat(rasa_services: Services) -> RestChat:
    return RestChat(f"http://127.0.0.1:{rasa_services.rasa_port}")
