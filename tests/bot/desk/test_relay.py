"""The relay: counsellor and person write to each other through the bot; Rasa is silent meanwhile."""
from __future__ import annotations

import pytest

from bot.desk.texts import desk, say
from desk_support import COUNSELLOR, GROUP, OUTSIDER, PERSON, Clock, DeskHarness, FakeBotAPI, Session, engine  # noqa: F401


@pytest.fixture
async def taken(Session):
    """A delivered case that a counsellor has taken; yields (harness, case number, card message id)."""
    async with DeskHarness(Session, Clock.soon(), FakeBotAPI(members=(COUNSELLOR,))) as h:
        case = h.submit()
        await h.deliver()
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        await h.deliver()
        yield h, case.number, h.api.sent(GROUP)[0].message_id


async def test_a_reply_to_the_card_reaches_the_person_framed_in_their_language(taken):
    h, number, card = taken
    await h.send(COUNSELLOR, GROUP, "Guten Tag, wann passt es Ihnen?", reply_to=card)
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("relay_frame", "ar", text="Guten Tag, wann passt es Ihnen?")


async def test_reply_command_reaches_the_person(taken):
    h, number, card = taken
    await h.send(COUNSELLOR, GROUP, f"/reply {number} Bitte bringen Sie Ihren Pass mit.")
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("relay_frame", "ar", text="Bitte bringen Sie Ihren Pass mit.")


async def test_the_persons_messages_go_to_the_case_thread_not_to_rasa(taken):
    h, number, card = taken
    await h.person_says("شكراً، يوم الثلاثاء مناسب")
    await h.deliver()
    notice = h.api.sent(GROUP)[-1]
    assert notice.text == desk("person_writes", number=number, text="شكراً، يوم الثلاثاء مناسب")
    assert notice.reply_to == card
    assert h.rasa_saw == []
    # a counsellor may answer the relayed message itself, not only the card
    await h.send(COUNSELLOR, GROUP, "Gut, Dienstag.", reply_to=notice.message_id)
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("relay_frame", "ar", text="Gut, Dienstag.")


async def test_the_person_ends_the_relay_and_the_assistant_answers_again(taken):
    h, number, card = taken
    await h.person_says("/end")
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("relay_ended", "ar")
    assert h.api.sent(GROUP)[-1].text == desk("relay_ended", number=number, who=desk("the_person"))
    await h.person_says("كم تبلغ المساعدة؟")
    assert h.rasa_saw == ["كم تبلغ المساعدة؟"]
    assert h.case(number).status == "taken"  # the case stays open for the counsellors


async def test_a_counsellor_ends_the_relay_by_number(taken):
    h, number, card = taken
    await h.send(COUNSELLOR, GROUP, f"/end {number}")
    await h.deliver()
    assert not h.case(number).relay_open
    assert h.api.sent(PERSON)[-1].text == say("relay_ended", "ar")
    # writing after the end is not relayed; the counsellor is told how to reopen
    await h.send(COUNSELLOR, GROUP, "Noch eine Frage", reply_to=card)
    await h.deliver()
    assert h.api.sent(PERSON)[-1].text == say("relay_ended", "ar")
    assert h.api.sent(GROUP)[-1].text == desk("not_taken", number=number)


async def test_replies_before_taking_are_not_relayed(Session):
    async with DeskHarness(Session, Clock.soon(), FakeBotAPI(members=(COUNSELLOR,))) as h:
        case = h.submit()
        await h.deliver()
        await h.send(COUNSELLOR, GROUP, "Hallo", reply_to=h.api.sent(GROUP)[0].message_id)
        await h.person_says("مرحبا")
        await h.deliver()
    assert [m.text for m in h.api.sent(PERSON)][1:] == []
    assert h.api.sent(GROUP)[-1].text == desk("not_taken", number=case.number)
    assert h.rasa_saw == ["مرحبا"]  # no relay yet: Rasa answers


async def test_someone_outside_the_desk_cannot_use_reply(taken):
    h, number, card = taken
    await h.send(OUTSIDER, OUTSIDER, f"/reply {number} hallo")
    await h.deliver()
    assert h.api.sent(OUTSIDER) == [] and len(h.api.sent(PERSON)) == 2  # confirmation + relay started


async def test_ordinary_talk_in_the_group_is_left_alone(taken):
    h, number, card = taken
    before = len(h.api.calls)
    await h.send(COUNSELLOR, GROUP, "Wer übernimmt morgen?")
    await h.deliver()
    assert len(h.api.calls) == before


async def test_a_long_reply_arrives_whole_in_pieces_within_telegrams_limit(taken):
    h, number, card = taken
    paragraph = "Bitte bringen Sie alle Unterlagen mit, die Sie haben. " * 30
    long_text = "\n\n".join([paragraph.strip()] * 3)  # ~4,900 characters: too long for one message
    await h.send(COUNSELLOR, GROUP, f"/reply {number} {long_text}")
    await h.deliver()
    pieces = [m.text for m in h.api.sent(PERSON)[2:]]
    assert len(pieces) == 2 and all(len(p) <= 4096 for p in pieces)
    assert "\n\n".join(pieces) == say("relay_frame", "ar", text=long_text)


async def test_when_the_person_blocked_the_bot_the_counsellors_are_told(taken):
    h, number, card = taken
    h.api.fail_next("sendMessage", status=403)
    await h.send(COUNSELLOR, GROUP, f"/reply {number} Sind Sie noch da?")
    await h.deliver()
    assert h.api.sent(GROUP)[-1].text == desk("undeliverable", number=number)
    assert h.api.sent(GROUP)[-1].reply_to == card


async def test_photos_are_copied_both_ways_without_showing_who_sent_them(taken):
    h, number, card = taken
    await h.send(PERSON, PERSON, None, message_id=77)  # the person sends a photo of a letter
    await h.deliver()
    notice, copy = h.api.sent(GROUP)[-2:]
    assert notice.text == desk("person_sends", number=number) and notice.reply_to == card
    assert copy.text == f"copy of {PERSON}:77" and copy.reply_to == card
    assert h.rasa_saw == []  # neither Rasa nor the gateway's "I cannot read photos" reply
    await h.send(COUNSELLOR, GROUP, None, reply_to=card, message_id=88)  # a form, back to the person
    await h.deliver()
    frame, copied = h.api.sent(PERSON)[-2:]
    assert frame.text == say("relay_media_frame", "ar") and copied.text == f"copy of {GROUP}:88"


async def test_without_a_relay_photos_get_the_gateways_reply(Session):
    async with DeskHarness(Session, Clock.soon(), FakeBotAPI(members=(COUNSELLOR,))) as h:
        await h.send(PERSON, PERSON, None)
    assert h.rasa_saw == ["<media reply>"] and h.api.sent(GROUP) == []
