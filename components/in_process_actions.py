"""`action_fact_note` (the dated note after an FAQ answer with programme facts) run inside Rasa's process.

After every FAQ answer Rasa 3.6 runs the custom action `action_fact_note` (`RemoteAction.run`): it turns the
whole tracker into JSON (~5.6 % of Rasa's CPU, docs/measurements/latency.md, fourth round), opens a new HTTP
connection (a new aiohttp session per call) and posts it to the action server, which decodes it, reads the
latest message's topic and the `language` slot, and answers with at most one text. Since the third round
this was the only action-server call of a plain FAQ turn.

`install()` replaces `RemoteAction.run` with one that, for the actions in `IN_PROCESS` only, runs the action
server's own action class (actions/answers.py) in Rasa's process, on what the action server would have
read — the tracker's state as JSON without its events (the slots, the latest message, loop and latest
action; `ActionFactNote` reads no events, which tests/components/test_in_process_actions.py checks) —
passes the answer through JSON and rasa_sdk's event check as the action server's HTTP answer was, and
then does what Rasa does with that answer (`_validate_action_result`, `_utter_responses`,
`deserialise_events`). The action stays in the domain and in the action server, so a Rasa without this
module behaves as before.

With no action server (none configured, or nothing accepting connections on its port) Rasa's call failed,
Rasa logged the error and the turn went on without the note. To keep that, the action runs in-process only
when a TCP connection to the action server's address succeeds (components/slot_mappings.py); otherwise
Rasa's own `RemoteAction.run` runs and fails exactly as before. Content edits reach the in-process action as
they reach the language decision: `slot_mappings.updates` calls `refresh_if_changed` on every user message.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

from components.slot_mappings import action_server_reachable

_original_run: Any = None


def _fact_note() -> Any:
    from actions.answers import ActionFactNote

    return ActionFactNote()


#: actions answered in Rasa's process (when the action server is reachable), by name
IN_PROCESS: Dict[str, Callable[[], Any]] = {"action_fact_note": _fact_note}


def _as_sent(value: Any) -> Any:
    """The value as it crosses the HTTP call: through JSON."""
    return json.loads(json.dumps(value))


def sdk_tracker(tracker: Any) -> Any:
    """The rasa_sdk tracker the action server would build, without the events (not read by IN_PROCESS)."""
    from rasa.shared.core.trackers import EventVerbosity
    from rasa_sdk import Tracker

    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = []
    return Tracker.from_dict(_as_sent(state))


async def answer(name: str, tracker: Any) -> Dict[str, Any]:
    """What the action server answers for `name` (rasa_sdk's `ActionExecutor.run`), as JSON."""
    from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

    dispatcher = CollectingDispatcher()
    events = await IN_PROCESS[name]().run(dispatcher, sdk_tracker(tracker), {}) or []
    executor = ActionExecutor()
    return _as_sent(executor._create_api_response(executor.validate_events(events, name), dispatcher.messages))


async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    """`RemoteAction.run`, with the actions in IN_PROCESS answered in Rasa's process."""
    if self.name() not in IN_PROCESS or not await action_server_reachable(self.action_endpoint):
        return await _original_run(self, output_channel, nlg, tracker, domain)
    from rasa.shared.core import events

    response = await answer(self.name(), tracker)
    self._validate_action_result(response)
    bot_messages = await self._utter_responses(response.get("responses", []), output_channel, nlg, tracker)
    return list(bot_messages) + events.deserialise_events(response.get("events", []))


def install() -> None:
    global _original_run
    from rasa.core.actions.action import RemoteAction

    if RemoteAction.run is not run:
        _original_run = RemoteAction.run
        RemoteAction.run = run
