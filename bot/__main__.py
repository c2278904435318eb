"""python -m bot: the Telegram gateway (settings from the environment; see .env.example)."""
from __future__ import annotations

from bot.app import configure_logging, run
from bot.settings import load_settings


def main() -> None:
    settings = load_settings()  # exits with a clear message when something required is missing
    configure_logging(settings)
    run(settings)


if __name__ == "__main__":
    main()
