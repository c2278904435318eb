"""A client for Rasa's REST channel: POST /webhooks/rest/webhook with {sender, message, metadata}."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import httpx


class RasaUnavailable(Exception):
    """Rasa (or the action server behind it) did not answer in time or answered with an error."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str = ""
    buttons: List[Button] = field(default_factory=list)
    #: a custom message from an action, e.g. {"handoff": {...}} (docs/handoff.md)
    custom: Optional[Dict[str, Any]] = None


def parse_replies(body: Any) -> List[Reply]:
    replies = []
    for item in body if isinstance(body, list) else []:
        buttons = [Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in item.get("buttons") or []]
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        if item.get("text") or buttons or custom:
            replies.append(Reply(text=item.get("text") or "", buttons=buttons, custom=custom))
    return replies


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 15.0, transport: Optional[httpx.AsyncBaseTransport] = None):
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, transport=transport)

    async def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Reply]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata or {}}
            )
            response.raise_for_status()
            return parse_replies(response.json())
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def aclose(self) -> None:
        await self._client.aclose()
