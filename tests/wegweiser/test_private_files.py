"""The data dir and everything in it is readable by its owner only (issue 18, point 2)."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wegweiser import unanswered
from wegweiser.private_files import owner_only, private_dir, private_sqlite, sqlite_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def loose_umask():
    previous = os.umask(0o022)  # what most logins have: new files world-readable
    yield
    os.umask(previous)


def test_an_existing_data_dir_from_an_earlier_run_is_tightened(tmp_path, loose_umask):
    data = tmp_path / ".data"
    (data / "logs").mkdir(parents=True)
    (data / "tracker.db").write_text("x")
    (data / "logs" / "rasa.log").write_text("y")
    os.chmod(data / "tracker.db", 0o644)
    private_dir(data)
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    assert mode(data / "tracker.db") == 0o600 and mode(data / "logs" / "rasa.log") == 0o600


def test_after_owner_only_new_files_and_folders_are_private(tmp_path, loose_umask):
    owner_only()
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "file").write_text("z")
    assert mode(tmp_path / "new") == 0o700 and mode(tmp_path / "new" / "file") == 0o600


def test_a_sqlite_file_and_its_journal_are_private(tmp_path, loose_umask):
    import sqlite3

    database = private_sqlite(tmp_path / "d" / "x.db")
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (a)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    for path in (tmp_path / "d").iterdir():
        assert mode(path) == 0o600, path.name
    assert mode(tmp_path / "d") == 0o700
    connection.close()


def test_the_unanswered_questions_store_is_private(tmp_path, loose_umask):
    settings = unanswered.Settings(database=tmp_path / "data" / "unanswered.db", retention_days=30)
    assert unanswered.store(settings, "Wie bekomme ich einen Termin beim Amt?", "de", None)
    assert mode(tmp_path / "data") == 0o700 and mode(settings.database) == 0o600


def test_sqlite_urls_name_their_file():
    assert sqlite_file("sqlite:////a/b.db") == Path("/a/b.db")
    assert sqlite_file("sqlite:///:memory:") is None and sqlite_file("postgresql://x@h/db") is None
