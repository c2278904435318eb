"""Builds the Telegram application from the settings and runs it (long polling, or a webhook)."""
from __future__ import annotations

import importlib.util
import logging
import sys
from typing import Optional

import httpx
from telegram import BotCommand, Update
from telegram.ext import Application
from telegram.request import BaseRequest

from bot import desk, groups, handlers, report_command
from bot.handlers import Gateway
from bot.pseudonym import pseudonym
from bot.rasa_client import RasaClient
from bot.erase import erasure_of
from bot.retention import apply_retention, schedule_retention
from bot.sending import RetryingRateLimiter
from bot.settings import Settings
from bot.store import Store
from bot.texts import text
from bot.tracker import TrackerDatabase
from bot.updates import OrderedUpdateProcessor, requeue_unfinished
from wegweiser.content import default_language, language_codes

log = logging.getLogger(__name__)

#: connections to the Bot API, and how long a request waits for a free one (seconds); see build_application
BOT_API_CONNECTIONS = 16
BOT_API_POOL_WAIT = 10.0


class RedactSecrets(logging.Filter):
    """Replaces the bot token (and the pseudonym key) in any log line, whoever logs it."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<redacted>")
            record.msg, record.args = message, None
        return True


class NoDatabaseDetail(logging.Filter):
    """A database error in a log line shows its kind, never its text: SQLAlchemy prints bound parameters
    (hidden by `hide_parameters=True` on every engine), but PostgreSQL's own message quotes the failing
    statement's values (psycopg2 interpolates them before sending), e.g. a name or a raw update."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _is_database_error(error):
            original = getattr(error, "orig", None)
            code = getattr(original, "pgcode", None) or ""
            record.msg = f"{record.getMessage()} [{type(error).__name__}/{type(original).__name__} {code}]".rstrip()
            record.args, record.exc_info, record.exc_text = None, None, None
        return True


def _is_database_error(error: BaseException) -> bool:
    from sqlalchemy.exc import SQLAlchemyError

    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, SQLAlchemyError) or type(error).__module__.split(".")[0] in ("psycopg2", "sqlite3"):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines hold the bot token
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    redact = RedactSecrets(settings.TELEGRAM_TOKEN.get_secret_value(), settings.PSEUDONYM_KEY.get_secret_value())
    for handler in logging.getLogger().handlers:
        handler.addFilter(NoDatabaseDetail())
        handler.addFilter(redact)


def stop_sniffio_search() -> None:
    """httpcore runs `import sniffio` for every lock, event and cancellation shield of every request; anyio 4
    no longer brings sniffio, and a failed import searches every sys.path folder again each time: about a
    quarter of the gateway's event-loop time under load (measured with py-spy on tests/bot/test_fuzz.py,
    docs/measurements/faults.md). sniffio is therefore pinned in requirements/bot.lock.txt; this guard is
    for a gateway installed without it: a None in sys.modules makes that import fail at once (httpcore then
    takes asyncio). Where sniffio is installed, as it is by `make setup`, nothing changes."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def file_url(base_url: str) -> str:
    """Telegram's file URL next to the API URL: .../bot -> .../file/bot."""
    return base_url[: -len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url.rstrip("/") + "/file/bot"


def build_application(settings: Settings, rasa_transport: Optional[httpx.AsyncBaseTransport] = None,
                      request: Optional[BaseRequest] = None) -> Application:
    """The application; tests inject a Rasa transport and a Telegram request class instead of the network."""
    stop_sniffio_search()
    store = Store(settings.DATABASE_URL)
    tracker = TrackerDatabase(settings.TRACKER_DB_URL) if settings.TRACKER_DB_URL else None
    key = settings.PSEUDONYM_KEY.get_secret_value()

    def person_of(update: Update) -> Optional[str]:
        return pseudonym(key, update.effective_user.id) if update.effective_user else None

    async def post_init(application: Application) -> None:
        erasure = erasure_of(application)
        gateway = Gateway(settings, store, tracker, RasaClient(settings.RASA_URL, settings.RASA_TIMEOUT, rasa_transport),
                          erasure)
        application.bot_data["gateway"] = gateway

        def gateway_retention() -> object:
            return apply_retention(gateway)

        erasure.add_retention_step(gateway_retention)
        await set_commands(application)
        schedule_retention(application)  # the one daily job: the gateway's step and the desk's
        await requeue_unfinished(store, application.update_queue, application.bot)

    async def post_shutdown(application: Application) -> None:
        gateway = application.bot_data.get("gateway")
        if gateway is not None:
            await gateway.rasa.aclose()
        store.close()
        if tracker is not None:
            tracker.close()

    # stores each update in the update queue's put(), before the getUpdates offset (or the webhook's answer)
    # confirms it to Telegram, and handles up to CONCURRENT_UPDATES at a time, each chat in order
    processor = OrderedUpdateProcessor(store, person_of, max_concurrent_updates=settings.CONCURRENT_UPDATES,
                                       ignored=lambda update: groups.foreign_group(update, settings.COUNSELLOR_CHAT_ID))
    builder = Application.builder()
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # httpcore checks every pooled connection on every request (has_expired: a syscall each), so PTB's
        # default of 256 connections cost a third of the gateway's CPU under load (fuzz test profile,
        # docs/measurements/faults.md); Telegram's ~30 messages/s need far fewer. A request waits up to
        # BOT_API_POOL_WAIT seconds for a free connection instead of PTB's 1 s.
        builder = builder.connection_pool_size(BOT_API_CONNECTIONS).pool_timeout(BOT_API_POOL_WAIT)
    application = (
        builder
        .token(settings.TELEGRAM_TOKEN.get_secret_value())
        .base_url(settings.TELEGRAM_BASE_URL)
        .base_file_url(file_url(settings.TELEGRAM_BASE_URL))
        .rate_limiter(RetryingRateLimiter(settings.SEND_RETRIES))
        .update_queue(processor.queue)
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    handlers.register(application)
    groups.register(application, settings.COUNSELLOR_CHAT_ID)  # leaves any other group, politely
    if settings.COUNSELLOR_CHAT_ID is not None:  # the counsellors' desk: cases, relay, appointments
        desk.register(application, settings)
        report_command.register(application, settings, desk.HANDLER_GROUP)  # /report: the needs report
    return application


async def set_commands(application: Application) -> None:
    """The command menu in every language (and the default language for everyone else)."""
    try:
        for code in [None, *language_codes()]:
            language = code or default_language()
            commands = [BotCommand(name, text(f"command_{name}", language)) for name in handlers.command_names()]
            await application.bot.set_my_commands(commands, language_code=code)
    except Exception as error:  # noqa: BLE001 - a missing menu must not stop the bot answering
        log.warning("could not set the command menu: %s", type(error).__name__)


def run(settings: Settings) -> None:
    application = build_application(settings)
    if settings.webhook:
        log.info("webhook mode on %s:%d", settings.WEBHOOK_LISTEN, settings.WEBHOOK_PORT)
        application.run_webhook(
            listen=settings.WEBHOOK_LISTEN,
            port=settings.WEBHOOK_PORT,
            url_path="telegram",
            webhook_url=settings.WEBHOOK_URL,
            secret_token=settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("long polling mode")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
