"""The counsellors' desk: a request from the Rasa form becomes a case whose card goes to the counsellors'
group; counsellors take it, write with the person through the bot (relay), offer appointments, close it.

The public face, all the gateway uses:
- `register(application, settings)`: wires the desk into the gateway's Application (below);
- `handle_handoff(context, pseudonym, chat_id, payload)`: what the gateway does with Rasa's
  `{"custom": {"handoff": payload}}` (bot/desk/intake.py);
- `HANDLER_GROUP`: the handler group of the desk (before the gateway's).

Inside, each module has one job and the imports go one way (tests/test_import_cycles.py):
models (tables, status changes) <- outbox (queue, delivery) <- cases (requests, queries, deletion) <-
texts, cards <- core (state, checks, the counsellor-command decorator, how the desk speaks) <-
closing, relay, appointments, intake <- commands <- this module.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.db import make_engine, session_factory, utcnow
from bot.desk import appointments, relay
from bot.desk.cards import CASE_BUTTON
from bot.desk.cases import create_tables, has_open_case
from bot.desk.closing import purge_closed_cases, withdraw_person
from bot.desk.commands import case_button, cases_command
from bot.desk.core import Clock, Desk, DeskConfig, desk_chats
from bot.desk.intake import annotate_redelivery, handle_handoff, report_failure, submit_handoff
from bot.desk.outbox import OutboxWorker
from bot.erase import erasure_of

log = logging.getLogger(__name__)

#: handlers of the desk run before the gateway's (group 0), so cases and relays are decided first
HANDLER_GROUP = -10

__all__ = ["HANDLER_GROUP", "Desk", "DeskConfig", "handle_handoff", "register", "submit_handoff"]


def register(application: Application, settings: Any, *, sessions: Optional[sessionmaker[Session]] = None,
             clock: Clock = utcnow, poll_interval: float = 2.0, reminder_interval: float = 60.0) -> Desk:
    """Wire the desk into the gateway's Application. Call once, after the gateway's own handlers.

    - settings: COUNSELLOR_CHAT_ID (required), DATABASE_URL, RETENTION_DAYS, optional COUNSELLOR_IDS.
    - adds handlers in group HANDLER_GROUP (before the gateway's): card and appointment buttons, /cases,
      /reply, /propose, /cancelappt, /end, replies to case messages in the group, and — while a relay is
      open — the person's messages (Rasa is then not asked);
    - JobQueue jobs: outbox delivery (every `poll_interval` s, and at once after each commit), due
      reminders (every `reminder_interval` s);
    - adds to the application's erasure registry (bot/erase.py): the desk's step of erasing a person
      (withdraw their cases, tell the counsellors), a keeper (an open case keeps a person from the
      inactivity retention) and the retention of closed cases, run by the gateway's daily retention job;
    - the gateway calls `handle_handoff` when Rasa returns `{"custom": {"handoff": payload}}`.
    """
    config = DeskConfig.from_settings(settings)
    if sessions is None:
        engine = make_engine(settings.DATABASE_URL)
        create_tables(engine)
        sessions = session_factory(engine)
    d = Desk(sessions, config, clock)
    worker = OutboxWorker(sessions, application.bot, clock=clock, annotate=annotate_redelivery(config),
                          on_failed=report_failure(sessions, config))
    d.worker = worker

    def kick() -> None:
        if not worker.busy:  # a pass under way picks up what was just committed
            application.create_task(worker.deliver_due(), name="desk-outbox")

    d._kick = kick
    application.bot_data["desk"] = d

    desk_only = desk_chats(config)
    messages = ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED
    for handler in (
        CallbackQueryHandler(case_button, pattern=f"^{CASE_BUTTON}"),
        CommandHandler("cases", cases_command, filters=desk_only),
        CommandHandler("reply", relay.reply_command, filters=desk_only),
        CommandHandler("end", relay.end_command),  # counsellors in the desk, and a person in their chat
        MessageHandler(filters.Chat(chat_id=config.group_chat_id) & filters.REPLY & messages, relay.group_reply),
        MessageHandler(filters.ChatType.PRIVATE & messages, relay.person_message),
        CommandHandler("propose", appointments.propose_command, filters=desk_only),
        CommandHandler("cancelappt", appointments.cancel_command, filters=desk_only),
        CallbackQueryHandler(appointments.appointment_button, pattern=f"^{appointments.APPOINTMENT_BUTTON}"),
    ):
        application.add_handler(handler, group=HANDLER_GROUP)

    async def deliver(context: ContextTypes.DEFAULT_TYPE) -> None:
        # in a task: a long outage must not hold up the scheduler (it would skip and warn); the kick also
        # remembers the event loop, for kicks from worker threads
        d.kick()

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        with sessions() as session:
            if appointments.enqueue_due_reminders(session, d.clock()):
                d.kick()

    if application.job_queue is not None:
        application.job_queue.run_repeating(deliver, interval=poll_interval, first=0.5, name="desk-outbox")
        application.job_queue.run_repeating(remind, interval=reminder_interval, first=1, name="desk-reminders")
    _add_erasure_steps(application, d)
    return d


def _add_erasure_steps(application: Application, d: Desk) -> None:
    """Hook /delete and the gateway's retention into the desk: erasing a person withdraws their cases, the
    inactivity retention leaves people with an open case alone, and closed cases follow RETENTION_DAYS."""
    def erase_desk_cases(person: str) -> int:
        with d.sessions() as session:
            count = withdraw_person(session, d.config, person)
        d.kick()
        return count

    def has_open_desk_case(person: str) -> bool:
        with d.sessions() as session:
            return has_open_case(session, person)

    def purge_closed_desk_cases() -> int:
        with d.sessions() as session:
            removed = purge_closed_cases(session, d.config, d.clock())
        d.kick()
        if removed:
            log.info("retention: removed %d closed case(s)", removed)
        return removed

    erasure = erasure_of(application)
    erasure.add_eraser(erase_desk_cases)
    erasure.add_keeper(has_open_desk_case)
    erasure.add_retention_step(purge_closed_desk_cases)
