"""What a person reads: every response in every language, numbers from the data, Telegram's limits."""
from __future__ import annotations

import datetime as dt
import re


from wegweiser.maintenance.checks import all_responses, check_responses, run_all
from wegweiser.content import language_codes, load_safety, load_topics
from wegweiser.texts import load_messages
from wegweiser.facts import all_facts
from wegweiser.faq import variations_by_language
from wegweiser.render import numbers_in, template_values

TELEGRAM_CALLBACK_LIMIT = 64
TELEGRAM_BUTTON_TITLE = 40


def test_content_checks_find_no_errors():
    errors = [str(p) for p in run_all() if p.severity == "error"]
    assert errors == []


def test_every_response_exists_in_every_language():
    problems = [str(p) for p in check_responses() if "no variation" in p.what or "condition" in p.what]
    assert problems == []
    assert len(list(all_responses())) > 30


def test_messages_and_topic_titles_exist_in_every_language():
    for table in (load_messages(), load_topics()):
        for key, texts in table.items():
            assert set(language_codes()) <= set(texts), key


def test_every_faq_topic_has_a_button_title():
    from wegweiser.faq import load_faq_answers

    assert set(load_faq_answers()) == set(load_topics())


def data_numbers() -> set:
    """Every number that the content data can put into an answer."""
    numbers = set()
    for fact in all_facts().values():
        values = fact.value if isinstance(fact.value, list) else [fact.value]
        for value in values:
            if isinstance(value, (int, float)):
                numbers.add(int(value))
            elif isinstance(value, dt.date):
                numbers |= {value.day, value.month, value.year}
            elif isinstance(value, str):
                numbers |= set(numbers_in(value))
        numbers |= {fact.checked.day, fact.checked.month, fact.checked.year}
    for language in language_codes():  # centre details, safety numbers, localised values
        for text in template_values(language).values():
            numbers |= set(numbers_in(text))
    return numbers


def test_every_number_in_an_answer_comes_from_the_data():
    allowed = data_numbers()
    for path, name, variations in all_responses():
        for language, text in variations_by_language(variations).items():
            values = dict(template_values(language), as_of="")
            rendered = text.format_map(values)
            stray = [n for n in numbers_in(rendered) if n not in allowed]
            assert not stray, f"{path.name} {name} [{language}]: numbers {stray} are not in content/"


def test_amounts_in_answers_match_the_programme_data():
    """The travel allowance answer states exactly the stored amounts, in every language."""
    from wegweiser.faq import load_faq_answers

    facts = all_facts()
    for language, text in load_faq_answers()["travel_allowance"].items():
        found = numbers_in(text.format_map(template_values(language)))
        assert facts["reag_travel_allowance_adult"].value in found, language
        assert facts["reag_travel_allowance_child"].value in found, language


def test_crisis_answer_starts_with_the_emergency_numbers():
    numbers = load_safety()["numbers"]
    for path, name, variations in all_responses():
        if name != "utter_crisis":
            continue
        for language, text in variations_by_language(variations).items():
            rendered = text.format_map(template_values(language))
            first_part = rendered[: len(rendered) // 2]
            assert numbers["emergency_number"] in first_part and numbers["police_number"] in rendered, language
            assert numbers["crisis_line_1"] in rendered and numbers["crisis_line_2"] in rendered, language


def test_button_payloads_fit_telegram():
    for path, name, variations in all_responses():
        for variation in variations:
            for button in variation.get("buttons") or []:
                payload = button["payload"].replace("{{", "{").replace("}}", "}")  # escaped for Rasa's templating
                assert len(payload.encode()) <= TELEGRAM_CALLBACK_LIMIT, (name, button)
                assert len(button["title"]) <= TELEGRAM_BUTTON_TITLE, (name, button)
    for topic, titles in load_topics().items():
        assert len(f"/faq/{topic}".encode()) <= TELEGRAM_CALLBACK_LIMIT
        assert all(len(t) <= TELEGRAM_BUTTON_TITLE for t in titles.values()), topic


def test_answers_fit_one_telegram_message():
    for path, name, variations in all_responses():
        for language, text in variations_by_language(variations).items():
            assert len(text.format_map(dict(template_values(language), as_of="x" * 20))) <= 4096, name


def test_every_language_choice_offers_every_language():
    offered = set(language_codes())
    choices = 0
    for _, name, variations in all_responses():
        for variation in variations:
            payloads = [b.get("payload", "") for b in variation.get("buttons") or []]
            codes = {m.group(1) for p in payloads if p.startswith("/choose_language")
                     for m in [re.search(r'"language":\s*"(\w+)"', p)] if m}
            if codes:
                choices += 1
                assert codes == offered, (name, sorted(offered - codes))
    assert choices >= len(offered)
