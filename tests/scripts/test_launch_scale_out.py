"""scripts/launch.py turns the scale-out settings into Rasa's endpoints and the workers' environment."""
from __future__ import annotations

import pytest
import yaml

from scripts import launch

SETTINGS = ("TRACKER_DB_URL", "LOCK_STORE_URL", "RASA_WORKERS", "ACTION_WORKERS")


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


def endpoints(tmp_path):
    return yaml.safe_load(launch.write_endpoints(tmp_path, 5055).read_text(encoding="utf-8"))


def test_unset_means_sqlite_in_the_data_dir_one_worker_no_lock_store(tmp_path):
    written = endpoints(tmp_path)
    assert written["tracker_store"] == {"type": launch.TRACKER_STORE_TYPE, "dialect": "sqlite",
                                        "db": str((tmp_path / "tracker.db").resolve())}
    assert "lock_store" not in written
    assert written["nlg"]["type"] == "components.nlg.PlaceholderNaturalLanguageGenerator"
    assert launch.scale_out_env() == {"SANIC_WORKERS": "1", "ACTION_SERVER_SANIC_WORKERS": "1"}


def test_postgresql_redis_and_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB_URL", "postgresql+psycopg2://rasa:s%40cret@db.local:6543/wegweiser")
    monkeypatch.setenv("LOCK_STORE_URL", "redis://:pw@cache.local:6380/3")
    monkeypatch.setenv("RASA_WORKERS", "4")
    monkeypatch.setenv("ACTION_WORKERS", "2")
    written = endpoints(tmp_path)
    assert written["tracker_store"] == {"type": launch.TRACKER_STORE_TYPE, "dialect": "postgresql",
                                        "url": "db.local", "port": 6543, "db": "wegweiser", "username": "rasa",
                                        "password": "s@cret"}
    assert written["lock_store"] == {"type": launch.LOCK_STORE_TYPE, "url": "cache.local", "port": 6380, "db": 3,
                                     "use_ssl": False, "password": "pw"}
    assert (tmp_path / "endpoints.yml").stat().st_mode & 0o077 == 0
    assert launch.scale_out_env() == {"SANIC_WORKERS": "4", "ACTION_SERVER_SANIC_WORKERS": "2",
                                      "SANIC_KEEP_ALIVE": "False"}


def test_several_workers_serve_without_keep_alive_unless_the_operator_says_otherwise(monkeypatch):
    """Sanic's workers share one socket: kept-alive connections stay with the worker that accepted them in a
    burst (one held 16 of 20 while the other idled); without keep-alive each request finds a free worker."""
    monkeypatch.setenv("LOCK_STORE_URL", "redis://127.0.0.1:6379")
    monkeypatch.setenv("RASA_WORKERS", "2")
    assert launch.scale_out_env()["SANIC_KEEP_ALIVE"] == "False"
    monkeypatch.setenv("SANIC_KEEP_ALIVE", "True")
    assert launch.scale_out_env()["SANIC_KEEP_ALIVE"] == "True"
    monkeypatch.setenv("RASA_WORKERS", "1")
    monkeypatch.delenv("SANIC_KEEP_ALIVE")
    assert "SANIC_KEEP_ALIVE" not in launch.scale_out_env()


def test_several_rasa_workers_need_the_lock_store(monkeypatch):
    monkeypatch.setenv("RASA_WORKERS", "2")
    with pytest.raises(SystemExit, match="LOCK_STORE_URL"):
        launch.scale_out_env()


@pytest.mark.parametrize("name,value", [("RASA_WORKERS", "0"), ("ACTION_WORKERS", "two")])
def test_worker_counts_are_checked(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=name):
        launch.scale_out_env()


def test_other_databases_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB_URL", "mysql://x@y/z")
    with pytest.raises(SystemExit, match="TRACKER_DB_URL"):
        launch.write_endpoints(tmp_path, 5055)


def test_no_action_call_carries_the_domain(tmp_path):
    """Selective domain: the ~110 KB domain is sent to no action. rasa_sdk's FormValidationAction reads the
    form's required slots from it in its own `run`, which both form validations replace (their tests run
    them with an empty domain); sending it cost ~8 % of Rasa's CPU time in form turns
    (docs/measurements/latency.md, fourth round)."""
    from rasa.shared.core.domain import Domain
    from rasa_sdk.forms import FormValidationAction

    from actions.handoff import ValidateHandoffForm
    from actions.lookup import ValidateSupportForm

    assert endpoints(tmp_path)["action_endpoint"]["enable_selective_domain"] is True
    domain = Domain.load(str(launch.ROOT / "domain"))
    needing = {name for name in domain.user_actions if domain.does_custom_action_explicitly_need_domain(name)}
    assert needing == set()
    assert ValidateHandoffForm.run is not FormValidationAction.run
    assert ValidateSupportForm.run is not FormValidationAction.run
