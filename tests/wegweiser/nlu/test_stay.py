"""How long someone has lived in Germany, from their own words (Türkiye's stay rule)."""
from __future__ import annotations

import pytest

from wegweiser.nlu.stay import parse_months


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
