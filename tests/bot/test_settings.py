"""Settings: required values fail at start with a clear message; relative SQLite paths are the project's."""
from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from wegweiser.paths import PROJECT_ROOT

KEY = "0123456789abcdef0123"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("TELEGRAM_TOKEN", "PSEUDONYM_KEY", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "TRACKER_DB_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_missing_token_and_key_are_named_without_secrets(monkeypatch):
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert "TELEGRAM_TOKEN: missing" in str(error.value) and "PSEUDONYM_KEY: missing" in str(error.value)


def test_a_short_key_is_refused(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("PSEUDONYM_KEY", "short")
    with pytest.raises(SettingsError, match="PSEUDONYM_KEY: too short"):
        load_settings(_env_file=None)


def test_webhook_needs_a_secret(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("TRACKER_DB_URL", "sqlite:///.data/tracker.db")
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/telegram")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET is required"):
        load_settings(_env_file=None)
    monkeypatch.setenv("WEBHOOK_SECRET", "bad secret!")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(_env_file=None)
    monkeypatch.setenv("WEBHOOK_SECRET", "good_secret-1")
    assert load_settings(_env_file=None).webhook


def test_without_the_tracker_store_the_gateway_does_not_start(monkeypatch):
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("PSEUDONYM_KEY", KEY)
    with pytest.raises(SettingsError, match="TRACKER_DB_URL is missing"):
        load_settings(_env_file=None)


def test_defaults_and_relative_sqlite_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:abc")
    monkeypatch.setenv("PSEUDONYM_KEY", KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/g.db")
    monkeypatch.setenv("TRACKER_DB_URL", "sqlite:///.data/tracker.db")
    settings = load_settings(_env_file=None)
    assert settings.TELEGRAM_BASE_URL == "https://api.telegram.org/bot"
    assert settings.RETENTION_DAYS == 30 and settings.RASA_URL == "http://127.0.0.1:5005"
    assert settings.TRACKER_DB_URL == f"sqlite:///{PROJECT_ROOT}/.data/tracker.db"
    assert "1:abc" not in repr(settings) and KEY not in repr(settings)
