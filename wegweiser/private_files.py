"""Files with people's data (tracker, gateway and desk databases, unanswered questions, logs, the API token)
are readable by their owner only.

Every process that writes into the data dir calls `owner_only()` first: the umask 0o077 makes every file
and folder it creates afterwards (SQLite databases and their journals, logs, the served model) mode 0600 /
0700, whatever the login's umask; `private_dir()` creates a folder 0700 and tightens one that exists from
an earlier run, with everything in it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

UMASK = 0o077


def owner_only() -> None:
    """From now on, files and folders this process (and its children) create are private to its user."""
    os.umask(UMASK)


def _tighten(path: Path) -> None:
    mode = stat.S_IMODE(path.lstat().st_mode)
    if path.is_symlink():
        return
    if mode & 0o077:
        path.chmod(mode & 0o700)


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter; what is already in it loses group and other access."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path)
    for root, folders, files in os.walk(path):
        for name in folders + files:
            _tighten(Path(root) / name)
    return path


def sqlite_file(url: str):
    """The file of a `sqlite:///...` URL (None for other databases and in-memory SQLite)."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and ":memory:" not in url and len(url) > len(prefix):
        return Path(url[len(prefix):].split("?", 1)[0])
    return None


def private_sqlite(path: Path) -> Path:
    """A SQLite database file (created empty if missing) of mode 0600 in a folder of mode 0700.

    SQLite gives its journal and WAL files the database file's mode, so they are private too.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path.parent)
    if not path.exists():
        path.touch(mode=0o600)
    _tighten(path)
    return path
