"""Appointments: a counsellor proposes slots, the person picks one (or asks for others), both sides get the
confirmation, a reminder goes out the day before, and either side can cancel.

`/propose <case> <YYYY-MM-DD HH:MM> [<YYYY-MM-DD HH:MM> …]` (the centre's local time) sends the slots as
buttons (`appt:<id>:<slot>`, `appt:<id>:other`); the confirmation carries a cancel button
(`appt:<id>:cancel`); `/cancelappt <case>` cancels from the desk; proposing again moves an appointment.
Reminders are rows in the database (`reminder_at`, `reminder_sent`) that a JobQueue job scans with an
injectable clock, so they survive restarts.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.desk.closing import case_appointments
from bot.desk.core import (
    Command,
    DeskConfig,
    button_data,
    case_number,
    counsellor_command,
    desk_of,
    notify_group,
    refresh_card,
    tell_person,
)
from bot.desk.models import CONFIRMATION, CONFIRMED, OPEN_STATUSES, PROPOSED, REMINDER, UPDATE, Appointment, Case
from bot.desk.texts import CENTRE_TZ, centre_values, desk, format_when, say

APPOINTMENT_BUTTON = "appt:"
REMINDER_BEFORE = dt.timedelta(days=1)
_SLOT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})")


class SlotError(ValueError):
    """The counsellor's slots could not be read; the message says why, in German."""


def parse_slots(text: str, now: dt.datetime) -> List[dt.datetime]:
    """'2026-12-01 10:00 2026-12-02 14:30' (centre time) -> aware UTC datetimes, in the future."""
    found = _SLOT.findall(text)
    leftover = _SLOT.sub("", text).strip()
    if not found or leftover:
        raise SlotError(desk("propose_format"))
    slots = []
    for day, time in found:
        try:
            local = dt.datetime.strptime(f"{day} {time}", "%Y-%m-%d %H:%M").replace(tzinfo=CENTRE_TZ)
        except ValueError:
            raise SlotError(desk("propose_format")) from None
        if local <= now:
            raise SlotError(f"{day} {time} {desk('propose_past')}")
        slots.append(local.astimezone(dt.timezone.utc))
    return sorted(set(slots))


def propose_help(case: Case) -> str:
    return desk("propose_help", number=case.number)


def place_text(case: Case, language: str) -> str:
    """Where the appointment happens, for the person: the centre's address, or the contact way they chose."""
    if case.contact == "in_person":
        return say("place_in_person", language, **centre_values())
    return say(f"place_{case.contact}", language)


def _desk_place(case: Case) -> str:
    values = centre_values()
    return f"{values['centre_name']}, {values['centre_address']}" if case.contact == "in_person" else desk(
        f"contact.{case.contact}", phone=case.phone or desk("not_given"))


def _live(session: Session, number: int) -> List[Appointment]:
    return [a for a in case_appointments(session, number) if a.is_live]


def _when(appointment: Appointment, language: str) -> str:
    moment = appointment.chosen or appointment.slot_times()[0]
    return format_when(moment, language)


# --- plain functions (the caller commits) -----------------------------------------------------------

def propose(session: Session, config: DeskConfig, case: Case, slots: Sequence[dt.datetime]) -> Appointment:
    """Offer the slots to the person; an earlier offer or appointment of the case is replaced."""
    for old in _live(session, case.number):
        if old.status == CONFIRMED:  # a booked appointment is moved: the person is told it no longer holds
            tell_person(session, case, UPDATE, say("appointment_cancelled", case.language,
                                                   when=_when(old, case.language)))
        old.withdraw()
    case.offer()
    appointment = Appointment(case_number=case.number, slots=[s.isoformat() for s in slots], status=PROPOSED,
                              place=_desk_place(case))
    session.add(appointment)
    session.flush()
    buttons = [[{"text": format_when(slot, case.language), "data": f"{APPOINTMENT_BUTTON}{appointment.id}:{i}"}]
               for i, slot in enumerate(slots)]
    buttons.append([{"text": say("slots_other_button", case.language),
                     "data": f"{APPOINTMENT_BUTTON}{appointment.id}:other"}])
    tell_person(session, case, UPDATE, say("slots_offer", case.language), buttons)
    notify_group(session, config, case.number, desk(
        "slots_sent", number=case.number, slots="; ".join(format_when(s, "de") for s in slots)))
    refresh_card(session, config, case)
    return appointment


def choose(session: Session, config: DeskConfig, appointment: Appointment, index: int, now: dt.datetime) -> bool:
    """The person picked slot `index`: confirmation to both sides, reminder scheduled. False if stale."""
    slots = appointment.slot_times()
    if appointment.status != PROPOSED or not 0 <= index < len(slots) or slots[index] <= now:
        return False
    case = session.get(Case, appointment.case_number)
    chosen = slots[index]
    case.book(appointment, chosen, chosen - REMINDER_BEFORE, now)  # too close: no "tomorrow" reminder
    language = case.language
    text = say("appointment_confirmed", language, when=format_when(chosen, language),
               place=place_text(case, language), bring=say("bring", language))
    tell_person(session, case, CONFIRMATION, text,
                [[{"text": say("cancel_button", language), "data": f"{APPOINTMENT_BUTTON}{appointment.id}:cancel"}]])
    notify_group(session, config, case.number, desk("slot_chosen", number=case.number,
                                                    when=format_when(chosen, "de"), place=appointment.place))
    refresh_card(session, config, case)
    return True


def ask_other_times(session: Session, config: DeskConfig, appointment: Appointment) -> bool:
    if appointment.status != PROPOSED:
        return False
    case = session.get(Case, appointment.case_number)
    appointment.withdraw()
    tell_person(session, case, UPDATE, say("slots_other_sent", case.language))
    notify_group(session, config, case.number, desk("other_times", number=case.number))
    return True


def cancel(session: Session, config: DeskConfig, appointment: Appointment, by_person: bool) -> bool:
    if not appointment.is_live:
        return False
    case = session.get(Case, appointment.case_number)
    case.cancel(appointment)
    when_person, when_desk = _when(appointment, case.language), _when(appointment, "de")
    if by_person:
        tell_person(session, case, UPDATE, say("appointment_cancelled_by_you", case.language, when=when_person))
        notify_group(session, config, case.number, desk("cancelled_by_person", number=case.number, when=when_desk))
    else:
        tell_person(session, case, UPDATE, say("appointment_cancelled", case.language, when=when_person))
        notify_group(session, config, case.number, desk("cancelled_by_desk", number=case.number, when=when_desk))
    refresh_card(session, config, case)
    return True


def enqueue_due_reminders(session: Session, now: dt.datetime) -> int:
    """Queue the reminders that are due and mark them sent, in one transaction; returns how many."""
    due = session.scalars(
        select(Appointment).join(Case, Case.number == Appointment.case_number).where(
            Appointment.status == CONFIRMED, Appointment.reminder_sent.is_(False),
            Appointment.reminder_at <= now, Appointment.chosen > now, Case.status.in_(OPEN_STATUSES))
    ).all()
    for appointment in due:
        case = session.get(Case, appointment.case_number)
        language = case.language
        tell_person(session, case, REMINDER, say("reminder", language, when=format_when(appointment.chosen, language),
                                                 place=place_text(case, language), bring=say("bring", language)))
        appointment.reminder_sent = True
    session.commit()
    return len(due)


# --- handlers ----------------------------------------------------------------------------------------

@counsellor_command()
def propose_command(command: Command) -> Optional[str]:
    """/propose <case> <YYYY-MM-DD HH:MM> …: offer appointment slots to the person."""
    case = command.case()
    if case is None:
        return (desk("no_such_case", number=command.number) if command.number is not None
                else desk("propose_help", number="<Fallnummer>"))
    if not case.is_open:
        return desk("case_is_closed", number=command.number)
    now = command.desk.clock()
    try:
        slots = parse_slots(command.rest, now)
    except SlotError as error:
        example = (now + dt.timedelta(days=2)).astimezone(CENTRE_TZ).strftime("%Y-%m-%d 10:00")
        return desk("propose_bad", problem=str(error), number=command.number, example=example)
    propose(command.session, command.config, case, slots)
    return None


@counsellor_command()
def cancel_command(command: Command) -> Optional[str]:
    """/cancelappt <case>: cancel the case's appointment (or open offer) and tell the person."""
    live = _live(command.session, command.number) if command.number is not None else []
    for appointment in live:
        cancel(command.session, command.config, appointment, by_person=False)
    return None if live else desk("no_appointment", number=command.number if command.number is not None else "?")


async def appointment_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The person's slot, "other times" or cancel button."""
    d = desk_of(context)
    query = update.callback_query
    parsed = button_data(query.data, APPOINTMENT_BUTTON)
    appointment_id, choice = parsed if parsed is not None else (None, "")
    done = False
    language = None
    with d.sessions() as session:
        appointment = session.get(Appointment, appointment_id) if appointment_id is not None else None
        case = session.get(Case, appointment.case_number) if appointment else None
        if case is not None and case.chat_id == update.effective_chat.id and case.is_open:
            language = case.language
            if choice == "other":
                done = ask_other_times(session, d.config, appointment)
            elif choice == "cancel":
                done = cancel(session, d.config, appointment, by_person=True)
            elif case_number(choice) is not None:
                done = choose(session, d.config, appointment, case_number(choice), d.clock())
        session.commit()
    await query.answer(None if done else say("offer_expired", language or "de"), show_alert=not done)
    if done and query.message is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass
    d.kick()
    raise ApplicationHandlerStop

