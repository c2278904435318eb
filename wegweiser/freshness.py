"""Content changes take effect in the running action server on the next message, without a restart.

The loaders cache what they read (functools.lru_cache). Every user message, the action server calls
`refresh_if_changed()`: when any file under content/ (or the centre file) has a newer modification time
or was added or removed, every cached loader in `wegweiser` and `actions` is cleared, so the next answer
is built from the edited files. Checking costs a few `stat` calls, at most once a second.
"""
from __future__ import annotations

import sys
import time
from typing import Optional, Tuple

from wegweiser.paths import centre_file, content_dir

CHECK_EVERY_S = 1.0
_state = {"signature": None, "checked": 0.0}


def signature() -> Tuple[Tuple[str, int], ...]:
    paths = sorted(content_dir().rglob("*.yml")) + [centre_file()]
    return tuple((str(path), path.stat().st_mtime_ns) for path in paths if path.exists())


def clear_caches() -> int:
    """Clears every lru_cache-wrapped function in our own modules; returns how many."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if not (name.startswith("wegweiser.") or name.startswith("actions.")) or module is None:
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()
                cleared += 1
    return cleared


def refresh_if_changed(now: Optional[float] = None) -> bool:
    """Clears the caches when content changed since the last check; True if it did."""
    now = time.monotonic() if now is None else now
    if now - _state["checked"] < CHECK_EVERY_S and _state["signature"] is not None:
        return False
    _state["checked"] = now
    current = signature()
    previous, _state["signature"] = _state["signature"], current
    if previous is None or previous == current:
        return False
    clear_caches()
    return True
