"""The gateway's settings: one typed object read from the environment (and .env), checked at start-up."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from wegweiser.paths import PROJECT_ROOT
from wegweiser.private_files import private_dir, sqlite_file

TELEGRAM_API = "https://api.telegram.org/bot"


class SettingsError(SystemExit):
    """Raised at start-up when a required setting is missing or malformed; the message says which."""


class Settings(BaseSettings):
    """Names are the environment variables' names; .env.example explains each one."""

    model_config = SettingsConfigDict(env_file=str(PROJECT_ROOT / ".env"), extra="ignore", case_sensitive=True)

    TELEGRAM_TOKEN: SecretStr
    PSEUDONYM_KEY: SecretStr = Field(min_length=16)
    TELEGRAM_BASE_URL: str = TELEGRAM_API
    COUNSELLOR_CHAT_ID: Optional[int] = None
    #: Telegram user ids allowed to act on cases besides the group's members: "111,222" or "[111, 222]"
    COUNSELLOR_IDS: Annotated[List[int], NoDecode] = []
    DATABASE_URL: str = f"sqlite:///{PROJECT_ROOT / '.data' / 'gateway.db'}"
    #: Rasa's tracker store, so /delete and retention can delete a person's conversation events (required
    #: by load_settings: the gateway never tells a person their data is deleted while Rasa still holds it)
    TRACKER_DB_URL: Optional[str] = None
    #: the data dir of the action server, where the not-understood questions are kept (unanswered.db)
    WEGWEISER_DATA_DIR: Path = PROJECT_ROOT / ".data"
    RASA_URL: str = "http://127.0.0.1:5005"
    RASA_TIMEOUT: float = Field(default=15.0, gt=0)
    #: "typing…" is shown when Rasa's answer takes longer than this (seconds); 0 shows it for every message
    TYPING_DELAY: float = Field(default=1.0, ge=0)
    RETENTION_DAYS: int = Field(default=30, ge=1)
    #: how long the action server keeps not-understood questions (same variable as on the Rasa side)
    UNANSWERED_RETENTION_DAYS: int = Field(default=30, ge=1)
    #: send retries after a 5xx or network error from Telegram (a 429 is retried by the rate limiter)
    SEND_RETRIES: int = Field(default=5, ge=0)
    #: updates handled at the same time (each chat's one after another); the others wait in the update queue,
    #: already stored (bot/updates.py), so the number bounds the work in flight, not what a crash can lose.
    #: 64 rather than PTB's 256: httpcore's pool bookkeeping grows with the requests in flight (fuzz test CPU,
    #: docs/measurements/faults.md); 64 is far above what Rasa (~20 messages/s) and Telegram (30/s) take.
    CONCURRENT_UPDATES: int = Field(default=64, ge=1)
    WEBHOOK_URL: Optional[str] = None
    WEBHOOK_SECRET: Optional[SecretStr] = None
    WEBHOOK_LISTEN: str = "127.0.0.1"
    WEBHOOK_PORT: int = 8443

    @field_validator("DATABASE_URL", "TRACKER_DB_URL")
    @classmethod
    def _relative_sqlite_from_root(cls, url: Optional[str]) -> Optional[str]:
        """sqlite:///.data/x.db means the project's .data folder, whatever the working directory."""
        prefix = "sqlite:///"
        if url and url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(PROJECT_ROOT / url[len(prefix):])
        return url

    @field_validator("COUNSELLOR_IDS", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in value.replace("[", " ").replace("]", " ").replace(",", " ").split() if part]
        return value

    @field_validator("WEBHOOK_SECRET")
    @classmethod
    def _secret_token_alphabet(cls, value: Optional[SecretStr]) -> Optional[SecretStr]:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in secret_token
        secret = value.get_secret_value() if value else None
        if secret is not None and not (0 < len(secret) <= 256 and all(c.isalnum() or c in "_-" for c in secret)):
            raise ValueError("1-256 characters: letters, digits, _ and -")
        return value

    @property
    def webhook(self) -> bool:
        return bool(self.WEBHOOK_URL)


def load_settings(**overrides: object) -> Settings:
    """The settings, or a clear SettingsError naming what is missing (never echoing secret values)."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            name = ".".join(str(part) for part in item["loc"])
            if item["type"] == "missing":
                problem = "missing"
            elif item["type"] == "too_short":
                problem = f"too short (at least {item['ctx']['min_length']} characters)"
            else:
                problem = item["msg"]
            problems.append(f"  {name}: {problem}")
        raise SettingsError("The Telegram gateway cannot start; check these settings (see .env.example):\n"
                            + "\n".join(problems)) from None
    if not settings.TRACKER_DB_URL:
        raise SettingsError("The Telegram gateway cannot start: TRACKER_DB_URL is missing. /delete and the retention "
                            "job must delete the person's conversation in Rasa's tracker store; without it they "
                            "would tell people their data is gone while Rasa still holds it. `make run` sets it.")
    if settings.webhook and not settings.WEBHOOK_SECRET:
        raise SettingsError("The Telegram gateway cannot start: WEBHOOK_URL is set, so WEBHOOK_SECRET is required "
                            "(Telegram sends it with every update; requests without it are refused).")
    database = sqlite_file(settings.DATABASE_URL)
    if database is not None:
        private_dir(database.parent)
    return settings
