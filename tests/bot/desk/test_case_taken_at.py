"""When a counsellor first took a case (`taken_at`, counted by the needs report), and a case store made
before that column existed getting it."""
from __future__ import annotations

from sqlalchemy import inspect, text

from bot import db
from bot.desk import cases
from desk_support import (  # noqa: F401 - fixtures
    COUNSELLOR,
    GROUP,
    Clock,
    DeskHarness,
    FakeBotAPI,
    Session,
    engine,
)


async def test_taking_a_case_records_when_and_taking_it_again_keeps_the_first_time(Session):
    async with DeskHarness(Session, Clock.soon(), FakeBotAPI(members=(COUNSELLOR,))) as h:
        case = h.submit()
        assert h.case(case.number).taken_at is None
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        first = h.case(case.number).taken_at
        assert first is not None and first >= h.case(case.number).created_at
        await h.send(COUNSELLOR, GROUP, f"/end {case.number}")
        await h.press(COUNSELLOR, GROUP, f"case:{case.number}:take")
        assert h.case(case.number).taken_at == first


def test_an_older_case_store_gets_the_column(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cases.create_tables(engine)
    with engine.begin() as connection:  # the table as it was before taken_at
        connection.execute(text("ALTER TABLE desk_cases DROP COLUMN taken_at"))
    assert "taken_at" not in {c["name"] for c in inspect(engine).get_columns("desk_cases")}
    cases.create_tables(engine)
    assert "taken_at" in {c["name"] for c in inspect(engine).get_columns("desk_cases")}
    with db.session_factory(engine)() as session:
        case = cases.submit_request(session, "p", 1, {"language": "de", "contact": "chat"})
        assert case.taken_at is None
    engine.dispose()
