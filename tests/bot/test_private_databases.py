"""The gateway's and the desk's SQLite databases are created readable by their owner only."""
from __future__ import annotations

import os
import stat

from bot import db
from bot.desk import cases
from bot.settings import load_settings
from bot.store import Store


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_gateway_store_and_case_database_are_owner_only(tmp_path):
    previous = os.umask(0o022)
    try:
        store = Store(f"sqlite:///{tmp_path / 'data' / 'gateway.db'}")
        store.touch("p1")
        engine = db.make_engine(f"sqlite:///{tmp_path / 'desk' / 'cases.db'}")
        cases.create_tables(engine)
        load_settings(TELEGRAM_TOKEN="1:x", PSEUDONYM_KEY="k" * 16, TRACKER_DB_URL="sqlite:///:memory:",
                      DATABASE_URL=f"sqlite:///{tmp_path / 'fresh' / 'gateway.db'}")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "data") == 0o700 and mode(tmp_path / "desk") == 0o700 and mode(tmp_path / "fresh") == 0o700
    for path in list((tmp_path / "data").iterdir()) + list((tmp_path / "desk").iterdir()):
        assert mode(path) == 0o600, path.name
    store.close()
    engine.dispose()
