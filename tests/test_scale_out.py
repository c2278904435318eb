"""The scale-out set-up (docs/scaling.md): two Rasa workers and two action-server workers sharing a PostgreSQL
tracker store and a Redis lock store, started by scripts/launch.py from TRACKER_DB_URL, LOCK_STORE_URL,
RASA_WORKERS and ACTION_WORKERS. 50 conversations at once, each waiting for its answer before the next
message: every message is answered, and each conversation's events in the tracker store are complete, in
order and its own. Order and outcome only, no timing. Uses a database created for this run and dropped
after it; skips only when PostgreSQL or Redis is not reachable on this machine."""
from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import pytest
import requests

from scripts.launch import Services
from tests.conftest import free_port
from wegweiser.maintenance.evaluation import heldout_examples, language_of

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
CONVERSATIONS = 50
MESSAGES = 4


def reachable() -> str:
    """Why the scale-out test cannot run here, or '' when it can."""
    try:
        import psycopg2

        psycopg2.connect(POSTGRES, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL to test against
        return f"PostgreSQL not reachable at {POSTGRES} ({type(error).__name__})"
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        return f"Redis not reachable at {REDIS} ({type(error).__name__})"
    return ""


@pytest.fixture(scope="module")
def database():
    """A fresh PostgreSQL database for this run (other sessions use the same server), dropped afterwards."""
    reason = reachable()
    if reason:
        pytest.skip(f"scale-out test skipped: {reason}")
    import psycopg2

    name = f"wegweiser_scale_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(POSTGRES)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def scaled(database, tmp_path_factory):
    # the conversations' ids are new (uuid), so their locks in the shared Redis cannot collide with others'
    settings = {"TRACKER_DB_URL": database, "LOCK_STORE_URL": REDIS, "RASA_WORKERS": "2", "ACTION_WORKERS": "2"}
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    services = Services(free_port(), free_port(), tmp_path_factory.mktemp("scaled"), quiet=True)
    try:
        services.start()
        yield services, database
    finally:
        services.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def conversation_texts() -> List[List[str]]:
    """MESSAGES held-out questions per conversation, each conversation in one language."""
    by_language: Dict[str, List[str]] = defaultdict(list)
    for _, text in heldout_examples():
        by_language[language_of(text)].append(text)
    languages = sorted(by_language)
    result = []
    for index in range(CONVERSATIONS):
        texts = by_language[languages[index % len(languages)]]
        start = (index // len(languages)) * MESSAGES
        result.append([texts[(start + k) % len(texts)] for k in range(MESSAGES)])
    return result


def chat(url: str, sender: str, texts: List[str]) -> List[List[dict]]:
    with requests.Session() as session:
        replies = []
        for text in texts:
            response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                    timeout=120)
            response.raise_for_status()
            replies.append(response.json())
        return replies


def stored_events(database: str, sender: str) -> List[dict]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, data FROM events WHERE sender_id = :s ORDER BY id"),
                                      {"s": sender}).fetchall()
    finally:
        engine.dispose()
    return [dict(json.loads(data), _id=row_id) for row_id, data in rows]


def rasa_workers(services: Services) -> int:
    """Worker processes of the Rasa server (Sanic forks them from the process the launcher started)."""
    pid = services.processes[1].pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return len(children)


def test_fifty_conversations_on_two_workers(scaled):
    services, database = scaled
    url = f"http://127.0.0.1:{services.rasa_port}"
    assert rasa_workers(services) == 2
    senders = [f"scale-{index}-{uuid.uuid4().hex[:8]}" for index in range(CONVERSATIONS)]
    texts = conversation_texts()
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        replies = list(pool.map(lambda item: chat(url, *item), zip(senders, texts)))

    for sender, sent, answers in zip(senders, texts, replies):
        # every message answered, each reply addressed to its own conversation
        assert len(answers) == MESSAGES
        for answer in answers:
            assert answer and any(message.get("text") for message in answer), (sender, answer)
            assert {message["recipient_id"] for message in answer} == {sender}

        events = stored_events(database, sender)
        ids = [event["_id"] for event in events]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        timestamps = [event["timestamp"] for event in events]
        assert timestamps == sorted(timestamps), sender

        # complete and in order: the user messages as sent, each followed by exactly the answer sent back
        user_positions = [i for i, event in enumerate(events) if event["event"] == "user"]
        assert [events[i]["text"] for i in user_positions] == sent, sender
        turns = [events[start:end] for start, end in zip(user_positions, user_positions[1:] + [len(events)])]
        for turn, answer in zip(turns, replies[senders.index(sender)]):
            said = [event.get("text") for event in turn if event["event"] == "bot" and event.get("text")]
            # the REST channel sends a text's paragraphs as separate messages
            assert "\n\n".join(said) == "\n\n".join(m["text"] for m in answer if m.get("text")), sender
            assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen", sender
        # one session, started once before the first message
        assert [event["event"] for event in events[: user_positions[0]]].count("session_started") == 1
