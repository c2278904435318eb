"""How long someone has lived in Germany, from their own words (Türkiye's stay rule)."""
from __future__ import annotations

import pytest

from wegweiser.nlu.stay import mentions_trip, parse_months, parse_months_abroad


@pytest.mark.parametrize("text, months", [
    ("Ich bin seit 5 Monaten in Deutschland", 5), ("seit drei Jahren hier", 36), ("I came 4 months ago", 4),
    ("I have been here for two years", 24), ("Almanya'da 8 aydır yaşıyorum", 8), ("almanyada 2 yildir", 24),
    ("أنا هنا منذ سنتين", 24), ("من ٥ أشهر في ألمانيا", 5), ("۴ ماه است که اینجا هستم", 4), ("سه سال است آلمانم", 36),
    ("я здесь три месяца", 3), ("уже 2 года в Германии", 24),
    ("vivo en Alemania hace 5 meses", 5), ("llevo 2 años aqui", 24), ("5 თვეა გერმანიაში ვარ", 5),
    ("jam 5 muaj ne Gjermani", 5), ("3 vjet këtu", 36), ("живеам 5 месеци во Германија", 5), ("2 години", 24),
])
def test_stays_in_every_language(text, months):
    assert parse_months(text) == months


@pytest.mark.parametrize("text", ["Ich habe 2 Kinder", "we are 3 adults", "", "Ay yıldız", "سال نو مبارک"])
def test_no_stay_without_a_number_and_a_unit(text):
    assert parse_months(text) is None


def test_a_turkish_national_with_a_short_stay_reads_the_rule_for_it():
    from wegweiser.dialogue.personal import lead_for_message

    lead = lead_for_message("startup_aid", "I'm from Turkey and have lived in Germany for 5 months. Start-up aid?",
                            "en", {})
    assert "no more than 6 months" in lead and "€1,000 per adult" not in lead


# Months abroad (a visit home, a trial return) are not the stay in Germany: a Turkish national with a residence
# permit asking about "7 months abroad" must not read Türkiye's rule for a 7-month stay (§ 51 AufenthG instead).
@pytest.mark.parametrize("text", [
    "Ich habe eine Aufenthaltserlaubnis. Verliere ich sie, wenn ich 7 Monate im Ausland bin?",
    "I have a residence permit, will I lose it if I stay 7 months abroad?",
    "Oturum iznim var, yurt dışında 7 ay kalırsam iznimi kaybeder miyim?",
    "Oturum iznim var, 7 ay yurtdışında kalırsam kaybeder miyim",
    "У меня ВНЖ, если я 7 месяцев пробуду за границей, я его потеряю?",
    "لدي إقامة، هل أفقدها إذا بقيت 7 أشهر خارج ألمانيا؟",
    "اجازه اقامت دارم، اگر ۷ ماه خارج از کشور بمانم باطل می‌شود؟",
    "Tengo permiso de residencia, ¿lo pierdo si estoy 7 meses en el extranjero?",
    "Kam leje qëndrimi, a e humb nëse rri 7 muaj jashtë vendit?",
    "Имам дозвола за престој, дали ја губам ако сум 7 месеци во странство?",
    "მაქვს ბინადრობის ნებართვა, დავკარგავ თუ საზღვარგარეთ 7 თვე დავრჩები?",
    "a trial return for 7 months, do I lose my permit?",
    "7 Monate Heimreise zur Probe, geht das?",
])
def test_months_abroad_are_not_the_stay_in_germany(text):
    assert parse_months(text) is None
    assert parse_months_abroad(text) == 7
    assert mentions_trip(text)


@pytest.mark.parametrize("text", [
    "Ich bin seit 7 Monaten in Deutschland und möchte meine Familie besuchen",
    "I have been in Germany for 7 months, can I travel home?",
    "7 aydır Almanya'dayım, memlekete dönmek istiyorum",
])
def test_a_stay_in_germany_next_to_a_trip_is_still_the_stay(text):
    assert parse_months(text) == 7 and parse_months_abroad(text) is None


def test_no_trip_in_a_plain_question():
    assert not mentions_trip("Türk vatandaşıyım, 5 aydır Almanya'dayım. StarthilfePlus alabilir miyim?")
