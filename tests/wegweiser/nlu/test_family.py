"""Family composition in six languages, from the table tests/data/family_mentions.yml."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import pytest
import yaml

from wegweiser.nlu.family import Family, parse_family

TABLE = Path(__file__).resolve().parents[3] / "tests" / "data" / "family_mentions.yml"


def _number(field: str) -> Optional[int]:
    return None if field == "-" else int(field)


def load_cases() -> List[Tuple[str, str, Family]]:
    cases = []
    for language, rows in yaml.safe_load(TABLE.read_text(encoding="utf-8")).items():
        for row in rows:
            text, expected = (part.strip() for part in row.rsplit("|", 1))
            adults, children, alone = expected.split()
            cases.append((language, text, Family(_number(adults), _number(children), alone == "y")))
    return cases


CASES = load_cases()


@pytest.mark.parametrize("language, text, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_family_table(language, text, expected):
    assert parse_family(text, language) == expected


def test_at_least_ten_sentences_per_language():
    languages = [language for language, _, _ in CASES]
    assert {language: languages.count(language) >= 10 for language in set(languages)} == {
        language: True for language in ("de", "en", "ar", "fa", "ru", "tr")
    }


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("", None, Family(None, None)),
        ("Wie viel Geld bekomme ich?", "de", Family(None, None)),
        ("Ich komme aus dem Irak", "de", Family(None, None)),  # "ich" alone is no family
        ("٣ اطفال", "ar", Family(None, 3)),  # Eastern Arabic digit
        ("۲ بزرگسال", "fa", Family(2, None)),  # Persian digit
        ("ما دو نفر بزرگ و چهار طفل هستیم", "fa", Family(2, 4)),  # Dari: "two big persons" are two adults
        ("wir sind 5", "de", Family(None, None)),  # a total alone does not say who
        ("wir sind 5, davon 3 Kinder", "de", Family(2, 3)),
        ("2 adults and 3 children", None, Family(2, 3)),  # language unknown
        ("я один", None, Family(1, 0, alone=True)),
        ("allein mit 2 Kindern", "de", Family(1, 2)),
        ("я с женой и тремя детьми", "ru", Family(2, 3)),  # instrumental case of the number
        ("we are a family of five, me, my wife and our kids", "en", Family(2, 3)),
        ("عندي ولدين وبنت", "ar", Family(None, 3)),  # Arabic dual plus one
        ("Wir sind eine Familie mit 4 Kindern", "de", Family(None, 4)),  # who else is not said
    ],
)
def test_edge_cases(text, language, expected):
    assert parse_family(text, language) == expected
