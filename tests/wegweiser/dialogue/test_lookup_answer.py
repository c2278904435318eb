"""The rendered lookup answer: every language, numbers only from the programme data, dated, hedged."""
from __future__ import annotations

import shutil

import pytest
from babel.dates import format_date

from wegweiser import content, facts
from wegweiser.dialogue import lookup_answer
from wegweiser.content import language_codes
from wegweiser.dialogue.eligibility import Person, assess, total
from wegweiser.dialogue.lookup_answer import load_lookup_texts, render
from wegweiser.render import currency_statement, format_eur, numbers_in

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
    Person("SY", adults=2, children=2, status="recognised"),
    Person("TR", adults=1, months_in_germany=3),
    Person("UA", adults=1),
    Person("IQ", adults=1, destination="FR"),
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
    statement = currency_statement(assessment.facts, language)
    if statement is not None:  # how current, from the sources' own dates
        assert statement in answer
        assert format_date(facts.all_facts()["reag_name"].checked, format="long", locale=language) not in \
            answer.replace(statement, "")


def test_a_recognised_refugee_reads_the_protection_warning_before_anything_else():
    for language in language_codes():
        answer = render(assess(Person("SY", adults=1, status="recognised")), language)
        first = answer.split("\n\n")[0]
        assert "{" not in first and facts.all_facts()["legal_revocation_basis"].value in first, language
    en = render(assess(Person("SY", adults=1, status="recognised")), "en")
    assert en.startswith("Important before anything else") and "NRP SYR" in en
    assert "Start-up aid" not in en  # no REAG/GARP amounts offered to someone it does not fit


def test_an_unlisted_country_is_never_told_it_is_not_on_the_list():
    for language in language_codes():
        answer = render(assess(Person("AF", adults=1)), language)
        assert format_eur(1000, language) in answer  # the general amount, with "a counsellor checks"
    assert "No current official list" in render(assess(Person("AF", adults=1)), "en")
    assert "not on" not in render(assess(Person("AF", adults=1)), "en")


def test_the_calculation_is_shown_with_the_totals():
    answer = render(assess(Person("SY", adults=2, children=3)), "en")
    assert "2 × €200" in answer and "3 × €100" in answer and "€700" in answer  # travel allowance
    assert "2 × €1,000" in answer and "3 × €500" in answer and "€3,500" in answer  # start-up aid
    assert "€4,000" in answer and "€3,500 or" not in answer  # the family cap the official sources agree on


def test_a_capped_family_sees_the_cap_applied():
    answer = render(assess(Person("SY", adults=2, children=6)), "de")
    assert format_eur(5000, "de") in answer  # 2 × 1,000 + 6 × 500 before the cap
    assert format_eur(4000, "de") in answer


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
            elif fact.kind == "text":  # paragraphs of law: "§§ 22–26 AufenthG"
                allowed.update(numbers_in(str(v)))
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
    allowed.update({4200})  # sum of the lines above: travel + start-up aid
    for language in ("en", "de", "tr"):
        answer = render(assessment, language)
        for fact in facts.all_facts().values():  # dates are checked above; here only amounts and counts
            if fact.kind == "date":
                answer = answer.replace(format_date(fact.value, format="long", locale=language), "")
        answer = answer.replace(currency_statement(assessment.facts, language), "")
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


@pytest.mark.parametrize("months, note", [(3, "turkey_short_stay"), (5, "turkey_short_stay"), (6, "turkey_short_stay"),
                                          (7, "turkey_long_stay"), (None, "turkey_stay_rule")])
@pytest.mark.parametrize("language", ["de", "tr"])
def test_the_turkish_stay_rule_comes_before_the_programmes(months, note, language):
    from wegweiser.dialogue.lookup_answer import text
    from wegweiser.render import template_values

    blocks = render(assess(Person("TR", adults=1, months_in_germany=months)), language).split("\n\n")
    rule = text("notes", note, language, template_values(language))
    assert blocks[1] == rule  # right after "For Türkiye:", before REAG/GARP and the rest
    assert sum(block.count(rule) for block in blocks) == 1
