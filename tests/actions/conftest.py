from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(text: str = "", intent: str = "faq", slots: Optional[Dict[str, Any]] = None,
                 entities: Optional[List[dict]] = None, topic: Optional[str] = None,
                 ranking: Optional[List[str]] = None, events: Optional[List[dict]] = None,
                 metadata: Optional[dict] = None) -> Tracker:
    latest: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.9},
                              "entities": entities or [], "metadata": metadata or {}}
    if topic or ranking:
        latest["response_selector"] = {"faq": {
            "response": {"intent_response_key": f"faq/{topic}" if topic else None},
            "ranking": [{"intent_response_key": f"faq/{t}", "confidence": 0.3} for t in ranking or []],
        }}
    return Tracker("tester", slots or {}, latest, events or [{"event": "user", "parse_data": latest}],
                   False, None, None, "action_listen")


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Actions that keep data (the unanswered-question store) write into a throw-away folder."""
    monkeypatch.setenv("WEGWEISER_DATA_DIR", str(tmp_path))
    return tmp_path
