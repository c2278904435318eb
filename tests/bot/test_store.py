"""The gateway store on SQLite and PostgreSQL: dedup, persist-before-process, people, deletion."""
from __future__ import annotations

import datetime as dt

from bot.store import Seen, Store, utcnow


def make_store(database: dict) -> Store:
    options = {"connect_args": database["connect_args"]} if "connect_args" in database else {}
    return Store(database["url"], **options)


def test_an_update_is_new_then_pending_then_done(database):
    store = make_store(database)
    assert store.record_update(7, "p1", '{"update_id": 7}') is Seen.NEW
    assert store.record_update(7, "p1", '{"update_id": 7}') is Seen.PENDING
    assert store.unfinished_updates() == [(7, '{"update_id": 7}')]
    store.finish_update(7)
    assert store.record_update(7, "p1", '{"update_id": 7}') is Seen.DONE
    assert store.unfinished_updates() == []
    store.close()


def test_answered_updates_keep_no_content(database):
    store = make_store(database)
    store.record_update(8, "p1", '{"message": {"text": "secret question"}}')
    store.finish_update(8)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT payload FROM gateway_updates").scalar() is None
    store.close()


def test_people_are_updated_found_inactive_and_deleted(database):
    store = make_store(database)
    store.touch("p1")
    store.update_person("p1", language="fa", source="campaign_a", keyboard_message=42)
    store.update_person("p2", language="ru")
    store.record_update(9, "p1", "{}")
    row = store.person("p1")
    assert (row.language, row.source, row.keyboard_message) == ("fa", "campaign_a", 42)
    assert set(store.inactive_people(utcnow() + dt.timedelta(seconds=1))) == {"p1", "p2"}
    assert store.inactive_people(utcnow() - dt.timedelta(days=1)) == []
    assert store.holds("p1")
    assert store.delete_person("p1") == 2
    assert not store.holds("p1") and store.holds("p2")
    store.close()


def test_old_answered_updates_are_pruned(database):
    store = make_store(database)
    store.record_update(10, "p1", "{}")
    store.record_update(11, "p1", "{}")
    store.finish_update(10)
    assert store.prune_updates(utcnow() + dt.timedelta(seconds=1)) == 1
    assert store.unfinished_updates() == [(11, "{}")]
    store.close()
