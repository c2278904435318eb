"""Appointments: slots as buttons, confirmation to both sides, the reminder the day before, cancelling."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.desk import appointments, models
from bot.desk.texts import desk, format_when, say
from desk_support import COUNSELLOR, GROUP, PERSON, Clock, DeskHarness, FakeBotAPI, Session, engine  # noqa: F401

UTC = dt.timezone.utc
# Wednesday 25 November 2026, 11:00 in Hamburg
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# Tuesday 1 December 10:00 and Wednesday 2 December 14:30, Hamburg time (UTC+1 in winter)
FIRST = dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SECOND = dt.datetime(2026, 12, 2, 13, 30, tzinfo=UTC)
PROPOSAL = "2026-12-01 10:00 2026-12-02 14:30"


def test_slots_are_read_as_centre_time_and_must_lie_ahead():
    assert appointments.parse_slots(PROPOSAL, NOW) == [FIRST, SECOND]
    assert appointments.parse_slots("2027-07-01T10:00", NOW) == [dt.datetime(2027, 7, 1, 8, 0, tzinfo=UTC)]  # summer time
    with pytest.raises(appointments.SlotError, match="Vergangenheit"):
        appointments.parse_slots("2026-11-24 10:00", NOW)
    for bad in ("", "morgen 10 Uhr", "2026-13-01 10:00", "2026-12-01 10:00 und"):
        with pytest.raises(appointments.SlotError):
            appointments.parse_slots(bad, NOW)


@pytest.fixture
async def proposed(Session):
    """A taken case with two proposed slots; yields (harness, case number, the offer message)."""
    async with DeskHarness(Session, Clock(NOW), FakeBotAPI(members=(COUNSELLOR,))) as h:
        case = h.submit()
        await h.deliver()
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        await h.send(COUNSELLOR, GROUP, f"/propose {case.number} {PROPOSAL}")
        await h.deliver()
        yield h, case.number, h.api.sent(PERSON)[-1]


async def test_the_person_gets_the_slots_as_buttons_in_their_language(proposed):
    h, number, offer = proposed
    assert offer.text == say("slots_offer", "ar")
    titles = [b["text"] for row in offer.buttons for b in row]
    assert titles == [format_when(FIRST, "ar"), format_when(SECOND, "ar"), say("slots_other_button", "ar")]
    assert "الثلاثاء" in titles[0]  # Tuesday
    assert h.api.sent(GROUP)[-1].text.startswith(f"Fall #{number}: Terminvorschläge")
    assert all(len(data.encode()) <= 64 for data in offer.button_data())


async def test_confirming_a_slot_tells_both_sides_and_the_reminder_comes_the_day_before(proposed):
    h, number, offer = proposed
    await h.press(PERSON, PERSON, offer.button_data()[1], offer.message_id)
    await h.deliver()
    confirmation = h.api.sent(PERSON)[-1]
    assert confirmation.text == say("appointment_confirmed", "ar", when=format_when(SECOND, "ar"),
                                    place=say("place_in_person", "ar", centre_name="Flüchtlingszentrum Hamburg",
                                              centre_address="Adenauerallee 10, 20097 Hamburg"),
                                    bring=say("bring", "ar"))
    assert confirmation.button_data() == [offer.button_data()[0].rsplit(":", 1)[0] + ":cancel"]
    assert h.api.sent(GROUP)[-1].text.startswith(f"Fall #{number}: Termin bestätigt: Mittwoch, 2. Dezember 2026, 14:30")
    assert "Adenauerallee 10" in h.api.sent(GROUP)[-1].text
    assert h.case(number).status == "appointment"

    sent_before = len(h.api.sent(PERSON))
    h.clock.now = SECOND - dt.timedelta(days=1, minutes=1)
    with h.sessions() as session:
        assert appointments.enqueue_due_reminders(session, h.clock()) == 0
    h.clock.advance(minutes=2)
    with h.sessions() as session:
        assert appointments.enqueue_due_reminders(session, h.clock()) == 1
        assert appointments.enqueue_due_reminders(session, h.clock()) == 0
    await h.deliver()
    reminders = h.api.sent(PERSON)[sent_before:]
    assert [m.text.split("\n")[0] for m in reminders] == [
        say("reminder", "ar", when=format_when(SECOND, "ar"), place="", bring="").split("\n")[0]]


async def test_a_reminder_survives_a_restart(Session):
    async with DeskHarness(Session, Clock(NOW), FakeBotAPI(members=(COUNSELLOR,))) as h:
        case = h.submit()
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        await h.send(COUNSELLOR, GROUP, f"/propose {case.number} {PROPOSAL}")
        await h.deliver()
        offer = h.api.sent(PERSON)[-1]
        await h.press(PERSON, PERSON, offer.button_data()[0], offer.message_id)
        await h.deliver()
    # the gateway restarts: a new application and worker over the same database, a day before
    api = FakeBotAPI(members=(COUNSELLOR,))
    async with DeskHarness(Session, Clock(FIRST - dt.timedelta(hours=20)), api) as again:
        with again.sessions() as session:
            assert appointments.enqueue_due_reminders(session, again.clock()) == 1
        await again.deliver()
    [reminder] = api.sent(PERSON)
    assert format_when(FIRST, "ar") in reminder.text


async def test_other_times_tells_the_counsellors(proposed):
    h, number, offer = proposed
    await h.press(PERSON, PERSON, offer.button_data()[-1], offer.message_id)
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("slots_other_sent", "ar")
    assert h.api.sent(GROUP)[-1].text == desk("other_times", number=number)
    await h.press(PERSON, PERSON, offer.button_data()[0], offer.message_id)  # the old offer is gone
    assert h.api.answers()[-1]["text"] == say("offer_expired", "ar")
    assert h.case(number).status == "taken"


async def test_the_person_cancels_a_confirmed_appointment(proposed):
    h, number, offer = proposed
    await h.press(PERSON, PERSON, offer.button_data()[0], offer.message_id)
    await h.deliver()
    cancel = h.api.sent(PERSON)[-1].button_data()[0]
    await h.press(PERSON, PERSON, cancel)
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("appointment_cancelled_by_you", "ar", when=format_when(FIRST, "ar"))
    assert h.api.sent(GROUP)[-1].text == desk("cancelled_by_person", number=number, when=format_when(FIRST, "de"))
    assert h.case(number).status == "taken"
    h.clock.now = FIRST - dt.timedelta(hours=12)
    with h.sessions() as session:
        assert appointments.enqueue_due_reminders(session, h.clock()) == 0


async def test_the_desk_cancels_and_someone_else_cannot_press_the_persons_buttons(proposed):
    h, number, offer = proposed
    await h.press(COUNSELLOR, COUNSELLOR, offer.button_data()[0], offer.message_id)
    assert h.case(number).status == "taken"  # a button of another chat does nothing
    await h.press(PERSON, PERSON, offer.button_data()[0], offer.message_id)
    await h.send(COUNSELLOR, GROUP, f"/cancelappt {number}")
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("appointment_cancelled", "ar", when=format_when(FIRST, "ar"))
    assert h.api.sent(GROUP)[-1].text == desk("cancelled_by_desk", number=number, when=format_when(FIRST, "de"))


async def test_proposing_again_moves_the_appointment(proposed):
    h, number, offer = proposed
    await h.press(PERSON, PERSON, offer.button_data()[0], offer.message_id)
    await h.send(COUNSELLOR, GROUP, f"/propose {number} 2026-12-03 09:00")
    await h.deliver()
    texts = [m.text for m in h.api.sent(PERSON)[-2:]]
    assert texts == [say("appointment_cancelled", "ar", when=format_when(FIRST, "ar")), say("slots_offer", "ar")]
    with h.sessions() as session:
        states = [a.status for a in session.query(models.Appointment).order_by(models.Appointment.id)]
    assert states == ["cancelled", "proposed"]


async def test_a_bad_proposal_is_explained(proposed):
    h, number, offer = proposed
    await h.send(COUNSELLOR, GROUP, f"/propose {number} morgen früh")
    assert h.api.sent(GROUP)[-1].text.startswith("Das habe ich nicht verstanden")
    await h.press(COUNSELLOR, GROUP, f"case:{number}:propose")
    assert h.api.answers()[-1]["text"] == desk("propose_help", number=number)
