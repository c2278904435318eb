"""The per-message slot updates run inside Rasa (components/slot_mappings.py): no call to the action server,
the same SlotSet events the action server's `action_validate_slot_mappings` answers with."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slot_mappings import ValidateSlotMappings
from components import slot_mappings
from tests.conftest import free_port
from wegweiser.paths import PROJECT_ROOT as ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


def parse(text, intent="faq", entities=(), metadata=None, topic=None, **extra):
    data = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities),
            "metadata": metadata or {}, **extra}
    if topic:
        data["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}, "ranking": []}}
    return data


def tracker_for(domain, data, slots=(), loop=None):
    events = [ActionExecuted("action_listen")] + [SlotSet(name, value) for name, value in slots]
    if loop:
        events.append(ActiveLoop(loop))
    events.append(UserUttered(data["text"], data["intent"], list(data["entities"]), parse_data=data,
                              metadata=data["metadata"]))
    return DialogueStateTracker.from_events("tester", events, slots=domain.slots)


@pytest.fixture(scope="module")
def listening():
    """An address that accepts connections but answers no request: only the in-process path sets slots."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield EndpointConfig(url=f"http://127.0.0.1:{server.getsockname()[1]}/webhook")


def in_rasa(domain, tracker, endpoint):
    """`action_extract_slots` as Rasa runs it after a user message."""
    events = asyncio.run(ActionExtractSlots(endpoint).run(None, None, tracker, domain))
    assert all(isinstance(event, SlotSet) for event in events)
    return {event.key: event.value for event in events}


def in_action_server(tracker):
    """What the action server answers for the tracker Rasa would have sent it."""
    state = json.loads(json.dumps(tracker.current_state(EventVerbosity.AFTER_RESTART)))
    events = asyncio.run(ValidateSlotMappings().run(CollectingDispatcher(), Tracker.from_dict(state), {}))
    return {event["name"]: event["value"] for event in events}


def test_installed_when_components_are_loaded():
    assert ActionExtractSlots._execute_validation_action is slot_mappings._execute_validation_action


CASES = [
    (parse("Сколько стоит билет домой?"), (), None),
    (parse("5"), (("language", "ru"), ("language_locked", False)), None),
    (parse('/choose_language{"language":"fa"}', intent="choose_language",
           entities=[{"entity": "language", "value": "fa"}]), (("language", "de"),), None),
    (parse("👍", metadata={"language_code": "tr"}), (), None),
    (parse("Ich werde zu Hause geschlagen, was soll ich tun?", intent="crisis"), (), None),
    (parse("I am from Iraq with a tolerated stay, am I eligible?", topic="eligibility",
           language_detection={"language": "en", "confidence": 0.97}), (("language", "de"),), None),
    (parse("English please", intent="change_language"), (("language", "de"), ("language_locked", True)), None),
    (parse("arabisch", intent="faq"), (("language", "de"), ("requested_slot", "handoff_counselling_language")),
     "handoff_form"),
]


@pytest.mark.parametrize("data,slots,loop", CASES)
def test_same_slot_events_as_the_action_server(domain, listening, data, slots, loop):
    tracker = tracker_for(domain, data, slots, loop)
    assert in_rasa(domain, tracker, listening) == in_action_server(tracker)


def test_first_message_sets_the_language_without_a_request_to_the_action_server(domain, listening):
    slots = in_rasa(domain, tracker_for(domain, parse("Сколько стоит билет домой?"), ()), listening)
    assert slots == {"language": "ru", "language_locked": False}


def watch_the_warning(monkeypatch) -> list:
    """The module's warnings, as a list of messages (caplog lost them after Rasa's own logging set-up ran
    earlier in the same session)."""
    warned: list = []
    monkeypatch.setattr(slot_mappings.logger, "warning", lambda message, *args, **kwargs: warned.append(message))
    return warned


@pytest.mark.parametrize("endpoint", [None, "closed port"])
def test_no_action_server_sets_nothing_as_before(domain, endpoint, monkeypatch):
    """Rasa's call failed then: no language, no answer, the gateway's apology (tests/bot/test_end_to_end.py)."""
    if endpoint:
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")
    warned = watch_the_warning(monkeypatch)
    assert in_rasa(domain, tracker_for(domain, parse("Hallo, wer bezahlt das Ticket?"), ()), endpoint) == {}
    assert any("action_validate_slot_mappings" in message for message in warned)


def test_a_failure_sets_nothing(domain, listening, monkeypatch):
    def broken(slots, latest):
        raise ValueError("broken")

    monkeypatch.setattr(slot_mappings, "updates", broken)
    warned = watch_the_warning(monkeypatch)
    assert in_rasa(domain, tracker_for(domain, parse("Hallo"), ()), listening) == {}
    assert any("action_validate_slot_mappings" in message for message in warned)


def test_no_validation_action_in_the_domain_leaves_the_extracted_slots(domain):
    tracker = tracker_for(domain, parse("Hallo"), ())
    bare = Domain.from_dict({**domain.as_dict(), "actions": [a for a in domain.user_actions
                                                              if a != "action_validate_slot_mappings"]})
    extracted = [SlotSet("language", "tr")]
    result = asyncio.run(slot_mappings._execute_validation_action(ActionExtractSlots(None), extracted, None, None,
                                                                  tracker, bare))
    assert result == extracted
