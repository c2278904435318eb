"""/report in the counsellors' group: counsellors get the needs report as an HTML file and a ZIP of CSV
files (built by scripts/report.py in Rasa's virtualenv); anyone else gets nothing from the desk."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest

from bench.demo_store import generate
from bot import report_command
from bot import db
from bot.desk import cases
from bot.desk.texts import desk
from tests.bot.desk.desk_support import COUNSELLOR, GROUP, OUTSIDER, Clock, DeskHarness, FakeBotAPI


class DocumentAPI(FakeBotAPI):
    """The fake Bot API, also keeping the documents sent (file name and bytes)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.documents = []

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        if url.endswith("/sendDocument"):
            files = request_data.multipart_data or {}
            for name, (filename, content, _mime) in files.items():
                self.documents.append((int(request_data.parameters["chat_id"]), filename, content,
                                       request_data.parameters.get("caption")))
            self._next_id += 1
            return 200, b'{"ok": true, "result": {"message_id": %d, "date": 0, "chat": {"id": %d, "type": "supergroup"},' \
                        b' "document": {"file_id": "f", "file_unique_id": "u"}}}' % (self._next_id, GROUP)
        return await super().do_request(url, method, request_data, *args, **kwargs)


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    generate(url, url, 300, end=dt.datetime.now(dt.timezone.utc), days=30)
    return url


class ReportHarness(DeskHarness):
    """The desk harness with /report registered as bot/app.py does, on the demo store."""

    store = ""

    async def __aenter__(self) -> "ReportHarness":
        await super().__aenter__()
        report_command.register(self.app, SimpleNamespace(TRACKER_DB_URL=self.store, DATABASE_URL=self.store),
                                -10)
        return self


@pytest.fixture
def harness(store, tmp_path):
    """The desk's own store is not what /report reads (that is the demo store); SQLite is enough here."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    cases.create_tables(engine)
    h = ReportHarness(db.session_factory(engine), Clock.soon(), DocumentAPI(members=(COUNSELLOR,)))
    h.store = store
    yield h
    engine.dispose()


def test_arguments_are_a_period_and_a_language():
    assert report_command.parse_arguments([]) == ([], "de")
    assert report_command.parse_arguments(["2026-09-01", "2026-11-30", "en"]) == (
        ["--from", "2026-09-01", "--to", "2026-11-30"], "en")
    for wrong in (["2026-09-01"], ["gestern"], ["2026-02-30", "2026-03-01"]):
        assert report_command.parse_arguments(wrong) is None


async def test_a_counsellor_gets_the_page_and_the_tables(harness):
    async with harness as h:
        await h.send(COUNSELLOR, GROUP, "/report")
    sent = [m.text for m in h.api.sent(GROUP)]
    assert sent == [desk("report_working")]
    (chat, page_name, page, caption), (_, zip_name, tables, _) = h.api.documents
    assert chat == GROUP and page_name.startswith("bedarfsauswertung-") and page_name.endswith(".html")
    assert b"Anonyme Bedarfsauswertung" in page and b"<svg" in page and caption.startswith("Anonyme Bedarfsauswertung")
    names = zipfile.ZipFile(io.BytesIO(tables)).namelist()
    assert "topics.csv" in names and "summary.csv" in names and "report.html" not in names


async def test_anyone_else_gets_nothing_and_a_wrong_period_gets_the_usage(harness):
    async with harness as h:
        await h.send(OUTSIDER, OUTSIDER, "/report")
        assert h.api.sent(OUTSIDER) == [] and h.api.documents == [] and h.rasa_saw == ["/report"]
        await h.send(COUNSELLOR, GROUP, "/report letzte Woche")
    assert [m.text for m in h.api.sent(GROUP)] == [desk("report_usage")] and h.api.documents == []


async def test_a_failing_build_is_reported_without_details(harness, monkeypatch):
    monkeypatch.setenv("REPORT_PYTHON", "/bin/false")
    async with harness as h:
        await h.send(COUNSELLOR, GROUP, "/report")
    assert [m.text for m in h.api.sent(GROUP)] == [desk("report_working"), desk("report_failed")]
    assert h.api.documents == []
