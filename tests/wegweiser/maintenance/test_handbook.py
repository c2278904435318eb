"""The multipliers' handbook: every FAQ answer and every programme fact in every language, rendered as the
assistant sends them, nothing left unrendered, right-to-left where the script is, links and QR codes."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from wegweiser.content import language_codes, load_topics
from wegweiser.facts import all_facts
from wegweiser.faq import load_faq_answers
from wegweiser.maintenance.handbook import deep_links, faq_groups, render_handbook, spoken_answer, write_handbooks
from wegweiser.maintenance.needs_report import load_multipliers
from wegweiser.dialogue.turn import fact_note

EDITION = dt.date(2026, 12, 6)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    import os

    os.environ["TELEGRAM_BOT_USERNAME"] = "WegweiserTestBot"
    try:
        folder = tmp_path_factory.mktemp("handbook")
        written = write_handbooks(folder, EDITION)
    finally:
        del os.environ["TELEGRAM_BOT_USERNAME"]
    return {path.stem: path.read_text(encoding="utf-8") for path in written}


def visible(page: str) -> str:
    """The page's text as a reader sees it (no stylesheet, no tags, entities decoded)."""
    body = page.split("</style>", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_there_is_one_page_per_language(pages):
    assert sorted(pages) == sorted(language_codes())


@pytest.mark.parametrize("language", language_codes())
def test_every_faq_answer_is_there_as_the_assistant_sends_it(pages, language):
    page, text = pages[language], visible(pages[language])
    flat = " ".join(text.split())
    topics = load_topics()
    assert sum(len(t) for _, t in faq_groups()) == len(load_faq_answers())
    for topic, templates in load_faq_answers().items():
        assert f'id="faq-{topic}"' in page
        answer, note = spoken_answer(topic, templates[language], language)
        assert " ".join(answer.split()) in flat, topic
        if note:
            assert note in text
        assert topics[topic][language] in text


@pytest.mark.parametrize("language", language_codes())
def test_every_programme_fact_is_there_with_sources_and_date(pages, language):
    page = pages[language]
    for name in all_facts():
        row = re.search(rf'<tr id="fact-{name}">(.*?)</tr>', page, re.S)
        assert row, name
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
        assert len(cells) == 4 and all(cell.strip() for cell in cells), name
        assert "2026" in cells[3] or "٢٠٢٦" in cells[3] or "۲۰۲۶" in cells[3], cells[3]


@pytest.mark.parametrize("language", language_codes())
def test_no_placeholder_is_left_unrendered(pages, language):
    text = visible(pages[language])
    assert not re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", text), re.findall(r"\{[A-Za-z_]\w*\}", text)[:5]
    assert "None" not in text.split()


def test_arabic_and_farsi_are_right_to_left_and_the_others_not(pages):
    for language, page in pages.items():
        expected = "rtl" if language in ("ar", "fa") else "ltr"
        assert f'<html lang="{language}" dir="{expected}">' in page


def test_each_multiplier_gets_a_deep_link_and_a_qr_code(pages):
    codes = list(load_multipliers())
    assert codes
    for page in pages.values():
        for code in codes:
            assert f"https://t.me/WegweiserTestBot?start={code}" in page
        assert page.count("<svg") == len(codes)
        assert "@media print" in page and "break-before: page" in page


def test_the_qr_code_holds_the_link():
    import segno

    link = "https://t.me/WegweiserTestBot?start=fz-flyer"
    from wegweiser.maintenance.handbook import qr_svg

    assert qr_svg(link) == segno.make(link, error="m").svg_inline(scale=3, border=2)


def test_without_a_bot_name_the_page_says_so_and_has_no_links(monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    assert deep_links() == []
    page = render_handbook("de", EDITION)
    assert "t.me/" not in page and "<svg" not in page
    assert "Der Telegram-Name des Assistenten ist für diese Ausgabe noch nicht eingetragen" in page


def test_the_edition_date_and_the_centre_are_there(pages):
    assert "Ausgabe vom 6. Dezember 2026" in pages["de"] and "Edition of December 6, 2026" in pages["en"]
    assert "Flüchtlingszentrum Hamburg" in pages["ar"] and "Adenauerallee 10" in pages["fa"]


def test_the_note_is_the_action_servers_note():
    """The handbook calls the action server's fact_note; an answer with programme facts has the dated note."""
    from actions.answers import topic_programmes

    answer, note = spoken_answer("travel_allowance", load_faq_answers()["travel_allowance"]["de"], "de")
    assert note == fact_note("travel_allowance", "de", topic_programmes()) and note.startswith("Quelle:")
    assert "{" not in answer and re.search(r"\b200\s€", answer)


def test_a_pdf_is_laid_out_on_a4_pages_where_weasyprint_can_run(tmp_path):
    from wegweiser.maintenance.handbook import PdfUnavailable, write_pdf

    page = write_handbooks(tmp_path, EDITION, ["fa"])[0]
    try:
        pages = write_pdf(page)
    except PdfUnavailable as error:
        pytest.skip(str(error))
    pdf = page.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pages > 5


def test_every_sentence_of_the_handbook_and_report_files_is_in_their_languages():
    from wegweiser.content import read_yaml
    from wegweiser.paths import content_dir

    def leaves(node, path=""):
        if isinstance(node, dict) and set(node) & {"de", "en"}:
            yield path, set(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                yield from leaves(value, f"{path}.{key}")

    for name, languages in (("handbook.yml", set(language_codes())), ("report.yml", {"de", "en"})):
        found = list(leaves(read_yaml(content_dir() / name)))
        assert len(found) > 10
        for path, present in found:
            assert present == languages, (name, path, languages - present)
