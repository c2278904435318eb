"""`action_fact_note` answered inside Rasa (components/in_process_actions.py): the same bot messages and
events as through the action server, no request to it, and Rasa's own failure when it is not reachable."""
from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from components import in_process_actions
from tests.components.test_slot_mappings import parse, tracker_for
from tests.conftest import free_port
from wegweiser.content import language_codes, load_topics
from wegweiser.paths import PROJECT_ROOT as ROOT

NAME = "action_fact_note"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture(scope="module")
def listening():
    """An address that accepts connections (and closes them) but answers no request."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)

    def accept():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed at the end of the module
                return
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/webhook"
    server.close()


class ActionServerInTest(EndpointConfig):
    """The action server as Rasa reaches it: rasa_sdk's executor on the JSON body, its answer as JSON."""

    executor = None

    async def request(self, method="post", subpath=None, content_type="application/json", compress=False,
                      **kwargs):
        if ActionServerInTest.executor is None:
            ActionServerInTest.executor = ActionExecutor()
            ActionServerInTest.executor.register_package("actions")
        body = json.loads(json.dumps(kwargs["json"]))
        return json.loads(json.dumps(await ActionServerInTest.executor.run(body)))


def run(domain, tracker, endpoint, original=False):
    action = RemoteAction(NAME, endpoint)
    arguments = (CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain)
    runner = in_process_actions._original_run if original else RemoteAction.run
    events = asyncio.run(runner(action, *arguments))
    return [{key: value for key, value in event.as_dict().items() if key != "timestamp"} for event in events]


def test_installed_when_components_are_loaded():
    assert RemoteAction.run is in_process_actions.run


def cases():
    for language in language_codes():
        for topic in load_topics():
            yield parse("?", topic=topic), language
        yield parse("Was gilt in meinem Fall?", intent="legal_own_case"), language
        yield parse("Hallo", intent="greet"), language


def test_same_messages_and_events_as_through_the_action_server(domain, listening, monkeypatch):
    def no_request(*args, **kwargs):
        raise AssertionError("in-process: no request to the action server")

    compared = notes = 0
    for data, language in cases():
        tracker = tracker_for(domain, data, (("language", language),))
        expected = run(domain, tracker, ActionServerInTest(url=listening), original=True)
        with monkeypatch.context() as patch:
            patch.setattr(EndpointConfig, "request", no_request)
            assert run(domain, tracker, EndpointConfig(url=listening)) == expected, (data, language)
        compared += 1
        notes += bool(expected)
    assert compared > 100 and notes > 20  # the notes' cases are covered, not only empty answers


def test_the_action_reads_no_events(domain):
    """The in-process tracker has no events (converting them was the cost): the action must not need them."""
    class Unsent(list):
        def __getattribute__(self, name):
            raise AssertionError("action_fact_note read the tracker's events")

        def __iter__(self):
            raise AssertionError("action_fact_note read the tracker's events")

        def __len__(self):
            raise AssertionError("action_fact_note read the tracker's events")

    for data, language in cases():
        tracker = in_process_actions.sdk_tracker(tracker_for(domain, data, (("language", language),)))
        tracker.events = Unsent()
        asyncio.run(in_process_actions.IN_PROCESS[NAME]().run(CollectingDispatcher(), tracker, {}))


@pytest.mark.parametrize("endpoint", [None, "closed port"])
def test_no_action_server_fails_as_before(domain, endpoint):
    """Rasa's call failed then (the processor logs it and the turn goes on without the note)."""
    if endpoint:
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")
    tracker = tracker_for(domain, parse("?", topic="travel_allowance"), (("language", "de"),))
    with pytest.raises(RasaException):
        run(domain, tracker, endpoint)
