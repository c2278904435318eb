"""The desk acts only in the counsellors' group (and allow-listed ids' private chats); other groups are
left politely; malformed case numbers and button data get a clear refusal, never an exception."""
from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot import groups
from bot.desk import texts as desk_texts
from bot.desk.core import button_data, case_number
from bot.texts import text
from bot.updates import OrderedUpdateProcessor
from desk_support import (  # noqa: F401 - fixtures
    COUNSELLOR,
    GROUP,
    OUTSIDER,
    PERSON,
    Clock,
    DeskHarness,
    FakeBotAPI,
    Session,
    engine,
)

OTHER_GROUP = -2002


@pytest.fixture
def harness_for(Session):
    def make(**kwargs):
        api = FakeBotAPI(members=(COUNSELLOR,))
        return DeskHarness(Session, kwargs.pop("clock", Clock.soon()), api, **kwargs)

    return make


@pytest.mark.parametrize("word", ["²", "١٢", "12a", "-1", "", "#", "1" * 10, "9" * 400, "1.5", " 1"])
def test_odd_case_numbers_are_no_case_numbers(word):
    assert case_number(word) is None


def test_case_numbers_and_button_data_that_are_well_formed():
    assert case_number("#12") == 12 and case_number("999999999") == 999999999
    assert button_data("case:12:take", "case:") == (12, "take")
    for forged in ("case:", "case:12", "case:12:", "case:²:take", "case:1e3:take", "case:-1:take",
                   "case:" + "9" * 60 + ":take", "appt:1:0", None, "x" * 65):
        assert button_data(forged, "case:") is None, forged


async def test_desk_commands_do_nothing_in_another_group_even_for_counsellors(harness_for, caplog):
    async with harness_for(counsellor_ids=(OUTSIDER,)) as h:
        case = h.submit()
        await h.deliver()
        sent_before = len(h.api.sent(PERSON))
        for user in (COUNSELLOR, OUTSIDER):
            await h.send(user, OTHER_GROUP, "/cases")
            await h.send(user, OTHER_GROUP, f"/reply {case.number} hallo aus der falschen Gruppe")
            await h.send(user, OTHER_GROUP, f"/propose {case.number} 2030-01-01 10:00")
            await h.send(user, OTHER_GROUP, f"/end {case.number}")
            await h.press(user, OTHER_GROUP, f"case:{case.number}:close")
        await h.deliver()
        assert h.case(case.number).status == "new"
    assert h.api.sent(OTHER_GROUP) == []
    assert len(h.api.sent(PERSON)) == sent_before
    assert all(a["text"] == desk_texts.desk("refused") for a in h.api.answers())


async def test_an_allow_listed_counsellor_acts_from_their_private_chat_only(harness_for):
    async with harness_for(counsellor_ids=(OUTSIDER,)) as h:
        case = h.submit()
        await h.deliver()
        await h.send(OUTSIDER, OUTSIDER, "/cases")
        assert h.api.sent(OUTSIDER)[-1].text.startswith("Offene Fälle:")
        await h.press(OUTSIDER, OUTSIDER, f"case:{case.number}:take")
        assert h.case(case.number).status == "taken"


MALFORMED_COMMANDS = ["/reply ² hallo", "/reply 12a hallo", "/reply 99999999999999999999 hallo", "/reply",
                      "/propose ²", "/propose 99999999999999999999 2030-01-01 10:00", "/propose",
                      "/cancelappt ²", "/cancelappt 99999999999999999999", "/end ²", "/end 99999999999999999999",
                      "/reply 0 hallo"]
MALFORMED_BUTTONS = ["case:", "case:1", "case:²:take", "case:99999999999999999999:take", "case:1:explode",
                     "appt:", "appt:5", "appt:²:1", "appt:1:²", "appt:99999999999999999999:0",
                     "appt:1:99999999999999999999"]


async def test_malformed_case_numbers_and_button_data_get_a_refusal_never_an_exception(harness_for, caplog):
    caplog.set_level(logging.DEBUG)
    async with harness_for() as h:
        h.submit()
        await h.deliver()
        group_before = len(h.api.sent(GROUP))
        for command in MALFORMED_COMMANDS:
            await h.send(COUNSELLOR, GROUP, command)
        for data in MALFORMED_BUTTONS:
            await h.press(COUNSELLOR, GROUP, data)
            await h.press(PERSON, PERSON, data)
        await h.deliver()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]
    replies = h.api.sent(GROUP)[group_before:]
    assert len(replies) == len(MALFORMED_COMMANDS)  # one clear answer per command
    assert all(reply.text for reply in replies)
    assert len(h.api.answers()) == 2 * len(MALFORMED_BUTTONS)  # every press answered


def chat_member_update(update_id: int, chat_id: int, chat_type: str, status: str, language: str = "ar") -> dict:
    user = {"id": OUTSIDER, "is_bot": False, "first_name": "Someone", "language_code": language}
    bot = {"id": 999, "is_bot": True, "first_name": "Wegweiser"}
    return {"update_id": update_id, "my_chat_member": {
        "chat": {"id": chat_id, "type": chat_type, "title": "Irgendeine Gruppe"}, "from": user, "date": 0,
        "old_chat_member": {"status": "left", "user": bot},
        "new_chat_member": {"status": status, "user": bot}}}


async def test_the_bot_leaves_any_other_group_politely_and_stays_in_the_counsellors_group(harness_for):
    async with harness_for() as h:
        groups.register(h.app, GROUP)
        await h.app.process_update(Update.de_json(chat_member_update(1, OTHER_GROUP, "supergroup", "member"), h.app.bot))
        await h.app.process_update(Update.de_json(chat_member_update(2, GROUP, "supergroup", "member"), h.app.bot))
        await h.send(COUNSELLOR, -3003, "hallo")  # a group it was added to before this guard existed
        await h.send(PERSON, PERSON, "hallo")
    [farewell] = h.api.sent(OTHER_GROUP)
    assert farewell.text == text("leaving_group", "ar")
    left = [int(p["chat_id"]) for name, p in h.api.calls if name == "leaveChat"]
    assert left == [OTHER_GROUP, -3003]
    assert h.rasa_saw == ["hallo"]  # only the private message reached the gateway's handlers


async def test_updates_from_groups_the_bot_leaves_are_stored_nowhere(tmp_path):
    from bot.store import Store

    store = Store(f"sqlite:///{tmp_path / 'g.db'}")
    processor = OrderedUpdateProcessor(store, lambda u: "p", ignored=lambda u: groups.foreign_group(u, GROUP))
    bot = None
    handled = []

    async def work():
        handled.append(1)

    await processor.do_process_update(Update.de_json(chat_member_update(5, OTHER_GROUP, "group", "member"), bot), work())
    await processor.do_process_update(Update.de_json(chat_member_update(6, GROUP, "supergroup", "member"), bot), work())
    assert handled == [1, 1]
    with store.engine.connect() as connection:
        stored = [row[0] for row in connection.exec_driver_sql("SELECT update_id FROM gateway_updates")]
    assert stored == [6]
    store.close()
