"""The card's buttons (take, propose, close) and /cases: what counsellors do with a case as a whole.

Relaying (bot/desk/relay.py) and appointments (bot/desk/appointments.py) have their own commands."""
from __future__ import annotations

from typing import Optional

from bot.desk.appointments import propose_help
from bot.desk.cards import CASE_ACTIONS, CASE_BUTTON, cases_overview
from bot.desk.closing import close_case
from bot.desk.core import Command, counsellor_command
from bot.desk.models import CLOSED
from bot.desk.relay import take
from bot.desk.texts import desk


@counsellor_command(button=CASE_BUTTON, actions=CASE_ACTIONS)
def case_button(command: Command) -> Optional[str]:
    """A card button: only counsellors may act; everyone else is refused."""
    case = command.case()
    if case is None:
        return desk("no_such_case", number=command.number)
    if case.status == CLOSED:
        return desk("case_is_closed", number=command.number)
    if command.rest == "take":
        take(command.session, command.config, case, command.update.effective_user.id, command.counsellor)
    elif command.rest == "close":
        close_case(command.session, command.config, case, command.counsellor, command.desk.clock())
    elif command.rest == "propose":
        return propose_help(case)
    return None


@counsellor_command(strangers_pass=True)
def cases_command(command: Command) -> Optional[str]:
    """/cases: the open cases, for counsellors (anyone else: the gateway answers it like any unknown command)."""
    return cases_overview(command.session)
