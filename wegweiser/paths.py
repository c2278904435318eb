"""Where content lives. Paths are resolved from this package, never from the working directory."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """The content folder; WEGWEISER_CONTENT_DIR overrides it (tests, deployments with their own copy)."""
    return Path(os.environ.get("WEGWEISER_CONTENT_DIR", PROJECT_ROOT / "content"))


def centre_file() -> Path:
    """The counselling centre's data; CENTRE_FILE points a deployment at its own."""
    return Path(os.environ.get("CENTRE_FILE", content_dir() / "centre.yml"))
