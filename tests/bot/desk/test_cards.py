"""The case card, who may act on it, /cases, closing, withdrawal, opening hours and the desk's texts."""
from __future__ import annotations

import asyncio
import datetime as dt
import string

import pytest
import yaml

from bot import db
from bot.desk import cases, models, texts as desk_texts
from bot.desk.cards import card_text
from bot.desk.closing import withdraw_person
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
    request_payload,
)
from wegweiser.content import language_codes

# Saturday 28 November 2026, 20:00 in Hamburg
SATURDAY_EVENING = dt.datetime(2026, 11, 28, 19, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def harness_for(Session):
    def make(**kwargs):
        api = FakeBotAPI(members=(COUNSELLOR,))
        return DeskHarness(Session, kwargs.pop("clock", Clock.soon()), api, **kwargs)

    return make


def test_card_is_german_shows_what_was_shared_and_nothing_of_telegram(Session):
    with Session() as session:
        case = cases.submit_request(session, "pseudo-1", PERSON, request_payload())
        text = card_text(case)
    assert f"Fall #{case.number} · neu" in text
    assert "Sprache der Person: Arabisch" in text and "Irak" in text
    assert "country=IQ adults=2 children=3" in text and "Wir möchten nach Irak zurück." in text
    assert "persönlich in der Beratungsstelle" in text and "Abu Karim" in text
    assert "Thema: Beratungstermin – موعد للاستشارة" in text
    assert "Zeiten: werktags vormittags, nicht freitags" in text
    assert "Anlass: Person hat selbst nach Beratung gefragt" in text
    assert str(PERSON) not in text and "pseudo-1" not in text and "user7001" not in text.lower()


def test_phone_appears_only_when_the_person_chose_phone(Session):
    with Session() as session:
        chat = cases.submit_request(session, "a", 1, request_payload(contact="chat", phone="+4915112345678"))
        phone = cases.submit_request(session, "b", 2, request_payload(contact="phone", phone="+4915112345678"))
        assert "+4915112345678" not in card_text(chat) and "hier im Telegram-Chat" in card_text(chat)
        assert "Telefon: +4915112345678" in card_text(phone)


def test_lookup_given_as_a_mapping_is_listed(Session):
    with Session() as session:
        case = cases.submit_request(session, "a", 1, request_payload(lookup={"adults": 2, "children": 3}))
        assert "adults: 2; children: 3" in card_text(case)


async def test_request_reaches_the_group_and_the_person_hears_it_was_sent(harness_for):
    async with harness_for() as h:
        case = h.submit()
        await h.deliver()
    [card] = h.api.sent(GROUP)
    assert card.text.startswith(f"Fall #{case.number}")
    assert card.button_data() == [f"case:{case.number}:take", f"case:{case.number}:propose",
                                  f"case:{case.number}:close"]
    [sent] = h.api.sent(PERSON)
    assert desk_texts.say("request_sent", "ar", number=case.number) in sent.text
    assert desk_texts.say("hours_unknown", "ar") in sent.text  # content/centre.yml has no hours yet


async def test_a_non_member_pressing_a_case_button_is_refused(harness_for):
    async with harness_for() as h:
        case = h.submit()
        await h.deliver()
        await h.press(OUTSIDER, GROUP, f"case:{case.number}:take")
        await h.deliver()
        assert h.case(case.number).status == "new"
    [answer] = h.api.answers()
    assert answer["text"] == desk_texts.desk("refused") and answer["show_alert"] is True
    assert len(h.api.sent(PERSON)) == 1  # only the confirmation: nobody was told the case was taken


async def test_a_member_takes_the_case_card_shows_it(harness_for):
    async with harness_for() as h:
        case = h.submit()
        await h.deliver()
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        await h.deliver()
        stored = h.case(case.number)
    assert stored.status == "taken" and stored.counsellor_id == COUNSELLOR and stored.relay_open
    card = h.api.sent(GROUP)[0]
    assert card.edited and "übernommen" in card.text and "User501" in card.text
    assert h.api.sent(PERSON)[-1].text == desk_texts.say("relay_started", "ar")


async def test_an_allow_listed_counsellor_may_act_without_being_in_the_group(harness_for):
    async with harness_for(counsellor_ids=(OUTSIDER,)) as h:
        case = h.submit()
        await h.press(OUTSIDER, GROUP, f"case:{case.number}:close")
        assert h.case(case.number).status == "closed"


async def test_cases_lists_open_cases_for_counsellors_only(harness_for):
    async with harness_for() as h:
        first = h.submit(pseudonym="a")
        second = h.submit(request_payload(country="AF", language="fa"), person=7002, pseudonym="b")
        closed = h.submit(request_payload(summary="other"), person=7003, pseudonym="c")
        with h.sessions() as session:
            session.get(models.Case, closed.number).status = "closed"
            session.commit()
        await h.send(OUTSIDER, OUTSIDER, "/cases")
        assert h.api.sent(OUTSIDER) == [] and h.rasa_saw == ["/cases"]  # left to the gateway
        await h.send(COUNSELLOR, GROUP, "/cases")
    listing = h.api.sent(GROUP)[-1].text
    assert listing.startswith("Offene Fälle:")
    assert f"#{first.number} · neu · Arabisch" in listing and f"#{second.number} · neu · Persisch" in listing
    assert "Beratungstermin" in listing and "Afghanistan" in listing and f"#{closed.number} " not in listing


async def test_closing_tells_the_person_and_removes_the_buttons(harness_for):
    async with harness_for() as h:
        case = h.submit()
        await h.deliver()
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:close")
        await h.deliver()
        assert h.case(case.number).status == "closed" and h.case(case.number).closed_at is not None
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        assert h.case(case.number).status == "closed"
    card = h.api.sent(GROUP)[0]
    assert "abgeschlossen" in card.text and card.buttons == []
    assert h.api.sent(PERSON)[-1].text == desk_texts.say("case_closed", "ar", number=case.number)


async def test_withdrawal_removes_the_case_and_blanks_its_card(harness_for):
    async with harness_for() as h:
        case = h.submit()
        await h.deliver()
        with h.sessions() as session:
            assert withdraw_person(session, h.desk.config, "pseudo-1") == 1
        await h.deliver()
        assert h.case(case.number) is None
    card = h.api.sent(GROUP)[0]
    assert card.text == desk_texts.desk("withdrawn", number=case.number)
    assert "Irak" not in card.text and card.buttons == []


@pytest.fixture
def centre_with_hours(tmp_path, monkeypatch):
    from wegweiser.facts import load_centre
    from wegweiser.paths import centre_file

    data = yaml.safe_load(centre_file().read_text(encoding="utf-8"))
    data["hours"] = [{"days": ["mon", "tue", "wed", "thu"], "from": "09:00", "to": "16:00"}]
    path = tmp_path / "centre.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CENTRE_FILE", str(path))
    load_centre.cache_clear()
    yield
    load_centre.cache_clear()


def test_outside_office_hours_the_person_is_told_when_to_expect_an_answer(centre_with_hours):
    monday_nine = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)
    assert desk_texts.next_opening(SATURDAY_EVENING) == monday_nine
    note = desk_texts.opening_note("de", SATURDAY_EVENING)
    assert note == desk_texts.say("hours_closed", "de", when="Montag, 30. November 2026, 09:00")
    assert desk_texts.next_opening(monday_nine + dt.timedelta(hours=2)) is None
    assert desk_texts.opening_note("ar", monday_nine) == desk_texts.say("hours_open", "ar")
    thursday_evening = dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.timezone.utc)
    assert desk_texts.next_opening(thursday_evening) == dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.timezone.utc)


async def test_the_confirmation_outside_hours_names_the_opening_in_the_persons_language(harness_for,
                                                                                         centre_with_hours):
    async with harness_for(clock=Clock(SATURDAY_EVENING)) as h:
        h.submit()
        await h.deliver()
    text = h.api.sent(PERSON)[0].text
    assert desk_texts.say("hours_closed", "ar", when=desk_texts.format_when(
        dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc), "ar")) in text
    assert "الاثنين" in text  # Monday, in Arabic


def test_every_sentence_for_people_exists_in_every_language_with_the_same_placeholders():
    messages = desk_texts.load_desk_content()["messages"]
    formatter = string.Formatter()
    for key, texts in messages.items():
        assert set(texts) == set(language_codes()), key
        fields = {lang: {f for _, f, _, _ in formatter.parse(text) if f} for lang, text in texts.items()}
        assert len({frozenset(f) for f in fields.values()}) == 1, (key, fields)
        assert not any(ch.isdigit() for text in texts.values() for ch in text), key


async def test_a_gateway_killed_between_commit_and_delivery_delivers_the_card_after_restart_once(tmp_path):
    """The real wiring (build_application) against the fake Bot API server: commit, die, restart, restart."""
    from bot.app import build_application
    from bot.desk import intake
    from bot.settings import Settings
    from tests.fakes.telegram_api import FakeTelegram

    with FakeTelegram() as fake:
        settings = Settings(TELEGRAM_TOKEN="7000000001:restart-TOKEN", PSEUDONYM_KEY="restart-pseudonym-key",
                            TELEGRAM_BASE_URL=fake.base_url, DATABASE_URL=f"sqlite:///{tmp_path / 'gateway.db'}",
                            COUNSELLOR_CHAT_ID=GROUP, _env_file=None)

        async def run(wait_for_card: bool, linger: float) -> None:
            application = build_application(settings)
            await application.initialize()
            await application.post_init(application)
            await application.start()  # the JobQueue: outbox delivery every two seconds
            try:
                if wait_for_card:
                    await fake.async_wait_for(lambda f: f.sent(GROUP), timeout=15)
                await asyncio.sleep(linger)  # time for a wrong second delivery
            finally:
                await application.stop()
                await application.post_shutdown(application)
                await application.shutdown()

        first = build_application(settings)
        await first.initialize()
        d = first.bot_data["desk"]
        with d.sessions() as session:
            case = intake.submit(session, d.config, "pseudo-1", PERSON, request_payload())
        await first.shutdown()  # killed before the outbox ran: nothing was sent
        assert fake.sent(GROUP) == []

        await run(wait_for_card=True, linger=0.5)  # the restart delivers the card
        assert [m["text"].split("\n")[0] for m in fake.sent(GROUP)] == [f"Fall #{case.number} · neu"]
        await run(wait_for_card=False, linger=3)  # another restart
        assert len(fake.sent(GROUP)) == 1 and len(fake.sent(PERSON)) == 1  # and nothing twice


async def test_without_a_desk_or_with_its_database_away_the_person_hears_it_was_not_sent(tmp_path):
    from types import SimpleNamespace

    from sqlalchemy import create_engine

    from bot import desk
    from desk_support import fake_bot
    from wegweiser.render import centre_values

    api = FakeBotAPI()
    bot = await fake_bot(api)
    nowhere = SimpleNamespace(application=SimpleNamespace(bot_data={}), bot=bot)
    assert await desk.handle_handoff(nowhere, "p", PERSON, request_payload()) is None
    contacts = dict(centre_values("ar"))
    assert api.sent(PERSON)[-1].text == desk_texts.say("request_not_possible", "ar", **contacts)

    broken = db.session_factory(create_engine(f"sqlite:///{tmp_path / 'no-tables.db'}"))
    config = desk.DeskConfig(GROUP)
    application = SimpleNamespace(bot_data={"desk": desk.Desk(broken, config)})
    away = SimpleNamespace(application=application, bot=bot)
    assert await desk.handle_handoff(away, "p", PERSON, request_payload()) is None
    assert api.sent(PERSON)[-1].text == desk_texts.say("request_failed", "ar", **contacts)
    assert api.sent(GROUP) == []
