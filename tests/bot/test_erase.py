"""One delete function for everything held about a person: Rasa's events, gateway rows, registered steps."""
from __future__ import annotations

from bot.erase import Erasure
from bot.store import Store
from bot.tracker import TrackerDatabase
from tests.bot.test_tracker import add_event, tracker_url  # noqa: F401 - the fixture


def test_erase_person_deletes_tracker_events_gateway_rows_and_registered_records(tracker_url, tmp_path):
    for sender in ("p1", "p1", "p2"):
        add_event(tracker_url, sender, "user", None, {"event": "user"})
    store = Store(f"sqlite:///{tmp_path / 'gateway.db'}")
    store.touch("p1")
    store.record_update(1, "p1", "{}")
    cases = {"p1": ["case"], "p2": ["case"]}

    def delete_cases(person: str) -> int:
        return len(cases.pop(person, []))

    erasure = Erasure()
    erasure.add_eraser(delete_cases)
    removed = erasure.erase_person("p1", store, TrackerDatabase(tracker_url))
    assert removed == {"tracker_events": 2, "delete_cases": 1, "gateway_rows": 2}
    tracker = TrackerDatabase(tracker_url)
    assert tracker.count("p1") == 0 and tracker.count("p2") == 1
    assert not store.holds("p1") and "p1" not in cases and "p2" in cases


def test_each_application_has_its_own_steps():
    """Registries live on the application: a second one (a test, a restart in-process) sees none of the first."""
    from telegram.ext import Application

    from bot.erase import erasure_of

    first = Application.builder().token("1:first").build()
    second = Application.builder().token("2:second").build()
    erasure_of(first).add_keeper(lambda person: True)
    erasure_of(first).add_eraser(len)
    assert erasure_of(first).kept("p1") and erasure_of(first) is erasure_of(first)
    assert not erasure_of(second).kept("p1") and erasure_of(second).erasers == []
