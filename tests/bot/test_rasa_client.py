"""The REST channel client, against httpx.MockTransport."""
from __future__ import annotations

import json

import httpx
import pytest

from bot.rasa_client import RasaClient, RasaUnavailable, parse_replies


@pytest.mark.asyncio
async def test_sends_sender_text_and_metadata_and_parses_buttons():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return httpx.Response(200, json=[{"text": "Hallo"}, {"text": "Sprache?", "buttons": [
            {"title": "English", "payload": '/choose_language{"language":"en"}'}]}])

    client = RasaClient("http://rasa", transport=httpx.MockTransport(handler))
    replies = await client.send("abc", "hi", {"language_code": "de"})
    await client.aclose()
    assert seen == {"sender": "abc", "message": "hi", "metadata": {"language_code": "de"}}
    assert [r.text for r in replies] == ["Hallo", "Sprache?"]
    assert replies[1].buttons[0].title == "English"


@pytest.mark.asyncio
@pytest.mark.parametrize("response", [httpx.Response(500), httpx.Response(200, content=b"not json")])
async def test_errors_become_rasa_unavailable(response):
    client = RasaClient("http://rasa", transport=httpx.MockTransport(lambda request: response))
    with pytest.raises(RasaUnavailable):
        await client.send("abc", "hi")
    await client.aclose()


@pytest.mark.asyncio
async def test_connection_refused_becomes_rasa_unavailable():
    def refuse(request):
        raise httpx.ConnectError("refused")

    client = RasaClient("http://rasa", transport=httpx.MockTransport(refuse))
    with pytest.raises(RasaUnavailable):
        await client.send("abc", "hi")
    await client.aclose()


def test_empty_replies_are_dropped():
    assert parse_replies([{"recipient_id": "x"}, {"text": ""}]) == []
    assert parse_replies({"unexpected": True}) == []
