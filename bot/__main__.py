"""python -m bot: the Telegram gateway (settings from the environment; see .env.example).

`python -m bot --check` only checks the settings (scripts/launch.py does so before starting Rasa).
"""
from __future__ import annotations

import sys

from bot.app import configure_logging, run
from bot.settings import load_settings
from wegweiser.private_files import owner_only


def main() -> None:
    owner_only()  # its databases hold names and phone numbers: files it creates are 0600
    settings = load_settings()  # exits with a clear message when something required is missing
    if "--check" in sys.argv[1:]:
        return
    configure_logging(settings)
    run(settings)


if __name__ == "__main__":
    main()
