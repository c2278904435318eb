"""Messages sized as Telegram counts them (UTF-16 code units), free text bounded by its columns, and a card
Telegram still refuses is never lost silently. Arabic with emoji at the limits, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text as sql

from bot import db
from bot.desk import cases, models, texts as desk_texts
from bot.desk.cards import card_text
from bot.desk.texts import contact_values
from bot.render import MAX_ANSWER, MAX_TEXT, fit, split_text, units
from desk_support import (  # noqa: F401 - fixtures
    COUNSELLOR,
    GROUP,
    PERSON,
    Clock,
    DeskHarness,
    FakeBotAPI,
    Session,
    engine,
    request_payload,
)

EMOJI = "🙂"  # one code point, two UTF-16 units
ARABIC = "نريد العودة إلى العراق مع أطفالنا "


def arabic_with_emoji(length_units: int) -> str:
    text = ""
    while units(text) < length_units:
        text += ARABIC + EMOJI
    return text


@pytest.fixture
def harness_for(Session):
    def make(**kwargs):
        return DeskHarness(Session, Clock.soon(), FakeBotAPI(members=(COUNSELLOR,)), **kwargs)

    return make


@pytest.mark.parametrize("limit", [MAX_TEXT, 1024, MAX_ANSWER])
def test_fit_counts_utf16_units_and_never_cuts_an_emoji_in_half(limit):
    exactly = (EMOJI * (limit // 2))
    assert units(exactly) == limit and fit(exactly, limit) == exactly
    over = "ا" + exactly  # one unit too many: the code-point length is far below the limit
    assert len(over) < limit
    cut = fit(over, limit)
    assert units(cut) <= limit and cut.endswith("…")
    cut.encode("utf-16-le").decode("utf-16-le")  # no lone surrogate (strict decoding would fail)
    assert "\ud83d" not in cut


def test_split_pieces_of_arabic_with_emoji_fit_telegrams_limit():
    pieces = split_text(arabic_with_emoji(3 * MAX_TEXT))
    assert len(pieces) >= 3 and all(0 < units(p) <= MAX_TEXT for p in pieces)


def test_a_card_with_arabic_and_emoji_at_the_limit_fits(Session):
    long = arabic_with_emoji(2500)  # < 4096 code points, but far over 4096 units with the rest of the card
    with Session() as session:
        case = cases.submit_request(session, "p", PERSON, request_payload(topic_text=long, summary=long,
                                                                          times_text=long))
        rendered = card_text(case)
    assert len(rendered) < 4096 * 2 and units(rendered) <= MAX_TEXT


async def test_the_long_arabic_card_is_delivered_and_the_person_told_it_was_sent(harness_for):
    long = arabic_with_emoji(2000)
    async with harness_for() as h:
        case = h.submit(request_payload(topic_text=long, summary=long))
        await h.deliver()
        with h.sessions() as session:
            states = {row.kind: row.status for row in session.query(models.Outbox)}
    assert states == {"card": "delivered", "confirmation": "delivered"}
    [card] = h.api.sent(GROUP)
    assert card.text.startswith(f"Fall #{case.number}") and units(card.text) <= MAX_TEXT


async def test_a_card_telegram_still_refuses_alerts_the_counsellors_and_tells_the_person_honestly(harness_for):
    async with harness_for() as h:
        case = h.submit()
        h.api.fail_next("sendMessage", status=400)  # the card: refused for good
        await h.deliver()
    group = [m.text for m in h.api.sent(GROUP)]
    assert group == [desk_texts.desk("card_failed", number=case.number)]
    person = [m.text for m in h.api.sent(PERSON)]
    told = desk_texts.say("request_card_failed", "ar", number=case.number, **contact_values("ar"))
    assert told in person
    assert contact_values("ar")["centre_name"] in told


def test_free_text_longer_than_its_column_is_stored_cut_on_postgresql_too(Session):
    name = (ARABIC + EMOJI) * 20
    language = "كردي سوراني من السليمانية " * 10
    with Session() as session:
        case = cases.submit_request(session, "p", PERSON, request_payload(name=name, counselling_language=language))
        number = case.number
    with Session() as session:
        stored = session.get(models.Case, number)
        assert len(stored.name) <= 128 and stored.name.endswith("…") and stored.name.startswith(ARABIC.strip())
        assert len(stored.counselling_language) <= 64


def test_an_old_narrow_counselling_language_column_is_widened(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no column sizes")
    with engine.begin() as connection:
        connection.execute(sql("ALTER TABLE desk_cases ALTER COLUMN counselling_language TYPE VARCHAR(16)"))
    cases.create_tables(engine)
    sessions = db.session_factory(engine)
    with sessions() as session:
        case = cases.submit_request(session, "p", PERSON, request_payload(counselling_language="Kurdisch (Sorani)"))
        assert case.counselling_language == "Kurdisch (Sorani)"


def test_a_long_telegram_name_fits_the_counsellor_column():
    assert len(cases.clip("counsellor_name", "N" * 64 + " " + "M" * 64)) <= 128
