"""The rendered lookup answer: every language, numbers only from the programme data, dated, hedged."""
from __future__ import annotations

import shutil

import pytest
from babel.dates import format_date

from wegweiser import content, facts, lookup_answer
from wegweiser.content import language_codes
from wegweiser.eligibility import Person, as_of, assess, total
from wegweiser.lookup_answer import load_lookup_texts, render
from wegweiser.render import format_eur, numbers_in

PEOPLE = [
    Person("IQ", adults=2, children=3),
    Person("AF", adults=2, children=6),
    Person("SY", adults=1, children=0, car=True),
    Person("GE", adults=2, children=1),
    Person("XK", adults=1),
    Person("RO", adults=1),
    Person("RO", adults=1, status="trafficking_victim"),
    Person("TR"),
    Person(None, stateless=True),
    Person(None),
    Person("DE", adults=1),
    Person("RU", adults=1, status="residence_permit"),
]


def every_text_key():
    data = load_lookup_texts()
    return [(section, key) for section in ("form", "answer", "reasons", "notes", "counsellor_checks")
            for key in data[section]]


@pytest.mark.parametrize("section, key", every_text_key())
def test_every_sentence_exists_in_every_language(section, key):
    assert set(load_lookup_texts()[section][key]) == set(language_codes())


def test_counted_nouns_cover_every_plural_category():
    from babel import Locale

    for noun, forms in load_lookup_texts()["counts"].items():
        for language in language_codes():
            for n in range(0, 30):
                category = Locale.parse(language).plural_form(n)
                assert category in forms[language] or "other" in forms[language], (noun, language, n)


@pytest.mark.parametrize("language", ["de", "en", "ar", "fa", "ru", "tr"])
@pytest.mark.parametrize("person", PEOPLE, ids=lambda p: f"{p.country}-{p.adults}-{p.children}-{p.status}")
def test_renders_in_every_language_with_date_and_counsellor_note(person, language):
    assessment = assess(person)
    answer = render(assessment, language)
    assert "{" not in answer and "}" not in answer
    date = as_of(assessment)
    if date is not None:
        assert format_date(date, format="long", locale=language) in answer


def test_the_calculation_is_shown_with_the_totals():
    answer = render(assess(Person("IQ", adults=2, children=3)), "en")
    assert "2 × €200" in answer and "3 × €100" in answer and "€700" in answer  # travel allowance
    assert "2 × €1,000" in answer and "3 × €500" in answer and "€3,500" in answer  # start-up aid
    assert "€3,500 or €4,000" in answer  # the family cap whose sources disagree, both shown


def test_a_capped_family_sees_the_cap_applied():
    answer = render(assess(Person("AF", adults=2, children=6)), "de")
    assert format_eur(5000, "de") in answer  # 2 × 1,000 + 6 × 500 before the cap
    assert f"höchstens {format_eur(3500, 'de')} oder {format_eur(4000, 'de')}" in answer


def test_numbers_in_the_answer_come_from_the_data_or_the_calculation():
    person = Person("IQ", adults=2, children=3)
    assessment = assess(person)
    allowed = set()
    for fact in facts.all_facts().values():
        for v in fact.value if isinstance(fact.value, list) else [fact.value]:
            if isinstance(v, (int, float)):
                allowed.add(int(v))
            elif hasattr(v, "year"):
                allowed.update({v.year, v.day})
    for result in assessment.results:
        items = {line.item for line in result.lines}
        for item in items:
            allowed.update(int(t) for t in total([l for l in result.lines if l.item == item]) or ())
        for line in result.lines:
            allowed.update(int(t) for t in line.total or ())
            allowed.add(line.count or 0)
        if result.cap:
            allowed.update(int(c) for c in result.cap.capped)
            allowed.add(int(result.cap.uncapped))
    allowed.update({1200, 4200, 4700})  # sums of the lines above: travel + start-up aid, capped or not
    date = as_of(assessment)
    for language in ("en", "de", "tr"):
        answer = render(assessment, language)
        for fact in facts.all_facts().values():  # dates are checked above; here only amounts and counts
            if fact.kind == "date":
                answer = answer.replace(format_date(fact.value, format="long", locale=language), "")
        answer = answer.replace(format_date(date, format="long", locale=language), "")
        found = set(numbers_in(answer))
        assert found <= allowed, (language, found - allowed)


@pytest.fixture
def content_copy(tmp_path, monkeypatch):
    """A copy of content/ a test may edit; the loaders' caches are cleared around it."""
    target = tmp_path / "content"
    shutil.copytree(content.content_dir(), target)
    monkeypatch.setenv("WEGWEISER_CONTENT_DIR", str(target))
    monkeypatch.delenv("CENTRE_FILE", raising=False)

    def clear():
        for module in (content, facts, lookup_answer):
            for value in vars(module).values():
                if hasattr(value, "cache_clear"):
                    value.cache_clear()
        from wegweiser import render as render_module

        for value in vars(render_module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()

    clear()
    yield target
    monkeypatch.undo()
    clear()


def test_one_amount_change_changes_every_languages_answer(content_copy):
    path = content_copy / "programmes" / "reag_garp.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("travel_allowance_adult: {value: 200,", "travel_allowance_adult: {value: 240,"),
                    encoding="utf-8")
    person = Person("IQ", adults=2, children=0)
    for language in language_codes():
        answer = render(assess(person), language)
        assert format_eur(240, language) in answer and format_eur(480, language) in answer, language
