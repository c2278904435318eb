"""Answers that depend on the person's country or status say what applies to them first
(wegweiser/dialogue/personal.py): computed by the lookup's rules, in the lookup's words."""
from __future__ import annotations

import datetime as dt

import pytest
from babel.numbers import format_decimal

from wegweiser.content import language_codes
from wegweiser.dialogue.eligibility import Person
from wegweiser.dialogue.lookup_answer import text
from wegweiser.dialogue.personal import (abroad_topics, general_part, lead, lead_for_message, person_from,
                                        topic_programmes)
from wegweiser.render import country_name, template_values

TODAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize(
    "topic, person, must, must_not",
    [
        # Moldova is not in the EU: REAG/GARP is open, with the reduced travel allowance
        ("eu_citizens", Person("MD"), ["applies", "reduced"], ["cannot use"]),
        # Romania is: excluded, except trafficking victims
        ("eu_citizens", Person("RO"), ["does not apply", "Citizens of EU countries cannot use"], []),
        # never an EURP promise for a country not on its list
        ("reintegration", Person("AF"), ["EURP: does not cover Afghanistan"], ["EURP: likely"]),
        ("reintegration", Person("RU"), ["EURP: does not cover Russia"], ["NRP"]),
        ("reintegration", Person("IQ"), ["EURP: likely applies"], []),
        # Türkiye: the stay rule, whatever the topic
        ("startup_aid", Person("TR"), ["more than 6 months", "June 30, 2025"], []),
        ("startup_aid", Person("TR", months_in_germany=5), ["no more than 6 months"], ["€1,000 per adult"]),
        # start-up aid: never "not on the list"
        ("startup_aid", Person("AF"), ["No current official list"], ["not on"]),
        # a recognised refugee reads the warning first, and that REAG/GARP means giving up protection
        ("syria", Person("SY", status="recognised"), ["Important before anything else", "NRP SYR: may apply"],
         ["EURP: does not cover"]),
        ("eligibility", Person(None, status="recognised"), ["Important before anything else"], ["For "]),
        ("third_country", Person("IQ", destination="FR"), ["does not apply", "another EU country"], []),
    ],
)
def test_the_answer_starts_with_what_applies_to_the_person(topic, person, must, must_not):
    found = lead(topic, person, "en", today=TODAY)
    assert found.endswith("\n\n")
    for part in must:
        assert part in found, (part, found)
    for part in must_not:
        assert part not in found, (part, found)


def test_warnings_come_before_anything_else():
    found = lead("syria", Person("SY", status="recognised"), "de", today=TODAY)
    assert found.startswith(text("warnings", "protection_at_risk", "de", template_values("de")))


def test_nothing_when_nothing_is_known_or_the_topic_does_not_depend_on_it():
    assert lead("startup_aid", Person(), "en") == ""
    assert lead("eligibility", Person(status="rejected"), "en") == ""  # a status without a warning, no country
    assert lead("passport", Person("IQ"), "en") == ""  # a warnings-only topic without a warning
    assert lead("passport", Person("IQ", status="recognised"), "en").startswith("Important before anything else")
    assert lead("data_privacy", Person("IQ"), "en") == ""
    assert lead_for_message("bot_identity", "Ich komme aus dem Irak, bist du ein Bot?", "de", {}) == ""


@pytest.mark.parametrize("language", ["de", "en", "ar", "fa", "ru", "tr"])
def test_every_language(language):
    found = lead("reintegration", Person("AF"), language, today=TODAY)
    assert "{" not in found and "EURP" in found


def test_the_country_comes_from_the_message_or_else_from_the_conversation():
    assert person_from("Я из Молдовы", "ru", {}).country == "MD"
    assert person_from("what about reintegration?", "en", {"lookup_country": "IQ"}).country == "IQ"
    assert person_from("I am a recognised refugee", "en", {}).status == "recognised"
    assert "Moldova" in lead_for_message("eu_citizens", "I'm from Moldova, am I excluded as an EU citizen?", "en", {})


def test_every_personal_topic_starts_with_the_placeholder_in_every_language():
    from wegweiser.faq import load_faq_answers

    answers = load_faq_answers()
    for topic in topic_programmes():
        for language in language_codes():
            assert answers[topic][language].startswith("{personal_lead}"), (topic, language)


@pytest.mark.parametrize("language", list(language_codes()))
def test_a_country_question_gets_the_country_then_one_sentence_on_status_not_the_list_of_groups(language):
    """"Is Iraq covered?" (counsellor review ar-04): the country's answer first, then only that the status decides
    too; the full list of supported groups stays the answer to the general question."""
    from wegweiser.faq import load_faq_answers
    from wegweiser.texts import message

    values = template_values(language)
    full, short = values["eligibility_groups"], message("eligibility_groups_short", language, values)
    assert "{" not in full + short and full.count("•") >= 5 and "•" not in short
    assert "{eligibility_groups}" in load_faq_answers()["eligibility"][language]
    iraq = {"de": "Ist der Irak dabei?", "en": "Is Iraq covered?", "ar": "هل العراق مشمول؟", "fa": "عراق هم شامل می‌شود؟",
            "ru": "Ирак входит в программу?", "tr": "Irak dahil mi?", "es": "¿Irak está incluido?",
            "sq": "A përfshihet Iraku?", "mk": "Дали Ирак е опфатен?", "ka": "ერაყი შედის?"}[language]
    assert general_part("eligibility", iraq, language) == short
    assert general_part("eligibility", "Who can get support?", language) is None  # the full list
    assert general_part("startup_aid", iraq, language) is None


# Türkiye's stay rule comes first in every answer about start-up aid or StarthilfePlus (counsellor review: a Turkish
# national with 5 months in Germany asking about StarthilfePlus read "not with the stated residence status").
STAY_CASES = [(3, "turkey_short_stay"), (5, "turkey_short_stay"), (6, "turkey_short_stay"), (7, "turkey_long_stay"),
              (None, "turkey_stay_rule")]


@pytest.mark.parametrize("language", list(language_codes()))
@pytest.mark.parametrize("topic", ["startup_aid", "starthilfeplus", "reintegration"])
@pytest.mark.parametrize("months, note", STAY_CASES)
def test_the_turkish_stay_rule_is_the_first_line(months, note, topic, language):
    found = lead(topic, Person("TR", months_in_germany=months), language, today=TODAY).split("\n")
    values = template_values(language)
    assert found[0] == text("personal", "for_country", language, {"country": country_name("TR", language)})
    assert found[1] == "• " + text("notes", note, language, values)
    rest = "\n".join(found[2:])
    assert text("notes", note, language, values) not in rest  # said once
    assert text("personal", "not_for_status", language, {**values, "programme": "StarthilfePlus"}) not in rest
    if note == "turkey_short_stay":  # StarthilfePlus is named, and not offered
        assert "• " + text("answer", "not_applicable", language, {"programme": "StarthilfePlus"}) in found


@pytest.mark.parametrize("months, note", STAY_CASES)
def test_the_stay_comes_from_the_message_or_else_from_the_conversation(months, note):
    message = "Ich bin Türke. Bekomme ich StarthilfePlus?" if months is None else \
        f"Ich bin Türke und seit {months} Monaten in Deutschland. Bekomme ich StarthilfePlus?"
    values = template_values("de")
    expected = "• " + text("notes", note, "de", values)
    assert lead_for_message("starthilfeplus", message, "de", {}).split("\n")[1] == expected
    slots = {"lookup_country": "TR", "lookup_months": float(months) if months is not None else None}
    assert lead_for_message("starthilfeplus", "Und StarthilfePlus?", "de", slots).split("\n")[1] == expected


def test_months_abroad_are_not_the_turkish_stay():
    found = lead_for_message("startup_aid", "Ich bin Türke und will 7 Monate im Ausland bleiben. Starthilfe?", "de", {})
    assert found.split("\n")[1] == "• " + text("notes", "turkey_stay_rule", "de", template_values("de"))


# The rule on time abroad (§ 51 AufenthG) first, when a message about trips or protection speaks of months abroad.
@pytest.mark.parametrize("topic", ["visit_first", "protection_status"])
@pytest.mark.parametrize("message, language, months, key", [
    ("Ich habe eine Aufenthaltserlaubnis. Verliere ich sie, wenn ich 7 Monate im Ausland bin?", "de", 7, "abroad_longer"),
    ("I have a residence permit, will I lose it if I stay 7 months abroad?", "en", 7, "abroad_longer"),
    ("Oturum iznim var, yurt dışında 7 ay kalırsam iznimi kaybeder miyim?", "tr", 7, "abroad_longer"),
    ("У меня ВНЖ, если я 7 месяцев пробуду за границей, я его потеряю?", "ru", 7, "abroad_longer"),
    ("لدي إقامة، هل أفقدها إذا بقيت 7 أشهر خارج ألمانيا؟", "ar", 7, "abroad_longer"),
    ("اجازه اقامت دارم، اگر ۷ ماه خارج از کشور بمانم باطل می‌شود؟", "fa", 7, "abroad_longer"),
    ("Tengo permiso de residencia, ¿lo pierdo si estoy 7 meses en el extranjero?", "es", 7, "abroad_longer"),
    ("Kam leje qëndrimi, a e humb nëse rri 7 muaj jashtë vendit?", "sq", 7, "abroad_longer"),
    ("Имам дозвола за престој, дали ја губам ако сум 7 месеци во странство?", "mk", 7, "abroad_longer"),
    ("მაქვს ბინადრობის ნებართვა, დავკარგავ თუ საზღვარგარეთ 7 თვე დავრჩები?", "ka", 7, "abroad_longer"),
    ("Oturum iznim var, yurt dışında 3 ay kalırsam iznimi kaybeder miyim?", "tr", 3, "abroad_within"),
    ("Darf ich mit Aufenthaltserlaubnis eine Reise in die Heimat machen?", "de", None, None),
])
def test_time_abroad_rule_comes_first(topic, message, language, months, key):
    values = template_values(language)
    found = lead_for_message(topic, message, language, {}).split("\n")
    assert found[0] == text("personal", "abroad_rule", language, values)
    assert "§ 51 AufenthG" in found[0] and "6" in found[0]
    if key:
        months_text = format_decimal(months, locale=language)
        assert found[1] == text("personal", key, language, {**values, "months": months_text})


def test_no_time_abroad_rule_without_months_abroad_or_a_trip():
    assert lead_for_message("protection_status", "Verliere ich meinen Schutz, wenn ich einen Pass beantrage?", "de",
                            {}) == ""


def test_every_abroad_topic_starts_with_the_placeholder_in_every_language():
    from wegweiser.faq import load_faq_answers

    answers = load_faq_answers()
    assert abroad_topics() == {"visit_first", "protection_status"}
    for topic in abroad_topics():
        for language in language_codes():
            assert answers[topic][language].startswith("{personal_lead}"), (topic, language)
