"""`make validate`: a deliberately broken file produces the message documented in docs/maintaining.md,
pointing at the right file and line."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from wegweiser.maintenance.checks import (
    check_programme_files,
    check_responses,
    check_scaffold,
    check_training_examples,
    normalised,
    run_all,
)
from wegweiser.paths import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "maintaining.md"


def write(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def documented(message: str) -> bool:
    """The guide lists each message as a pattern with <...> for the variable parts."""
    for pattern in re.findall(r"^\| `([^`]+)` \|", GUIDE.read_text(encoding="utf-8"), flags=re.M):
        regex = ".+".join(re.escape(part) for part in re.split(r"<[^>]+>", pattern))
        if re.fullmatch(regex, message):
            return True
    return False


def sources(tmp_path: Path) -> Path:
    return write(tmp_path / "sources.yml", """
        sources:
          bamf: {publisher: BAMF, url: "https://www.bamf.de", date: 2025-12-01}
    """)


def test_schema_error_points_at_the_line_of_the_bad_value(tmp_path):
    folder = tmp_path / "programmes"
    folder.mkdir()
    write(folder / "p.yml", """
        id: reag
        name: REAG
        facts:
          travel: {value: 200, kind: eur, sources: [bamf], checked: 2026-01-01, status: verified}
          child:
            value: minus ten
            kind: eur
            sources: [bamf]
            checked: 2026-01-01
            status: verified
    """)
    problems = check_programme_files(folder, sources(tmp_path), today=dt.date(2026, 2, 1))
    assert [str(p).split(": ", 1)[0] for p in problems] == [f"{folder / 'p.yml'}:5"]
    assert "eur values must be non-negative numbers" in str(problems[0])
    assert documented(str(problems[0])), str(problems[0])


def test_unknown_source_and_stale_fact(tmp_path):
    folder = tmp_path / "programmes"
    folder.mkdir()
    write(folder / "p.yml", """
        id: reag
        name: REAG
        facts:
          travel: {value: 200, kind: eur, sources: [bamf], checked: 2025-01-01, status: verified}
          child: {value: 100, kind: eur, sources: [blog], checked: 2026-01-01, status: verified}
    """)
    problems = check_programme_files(folder, sources(tmp_path), max_age_days=180, today=dt.date(2026, 2, 1))
    text = [str(p) for p in problems]
    assert text == [
        f"{folder / 'p.yml'}:4: warning: facts.travel was last checked 2025-01-01 (more than 180 days ago) — "
        "check its sources, then update its checked date",
        f"{folder / 'p.yml'}:5: facts.child: unknown source(s) blog — add them to content/sources.yml",
    ]
    assert all(documented(t.replace("warning: ", "")) for t in text), text


def test_old_sources_unverified_facts_and_contradictory_lists(tmp_path):
    folder = tmp_path / "programmes"
    folder.mkdir()
    write(folder / "p.yml", """
        id: reag
        name: REAG
        facts:
          travel: {value: 200, kind: eur, sources: [bamf], checked: 2026-01-01, status: unverified, note: cut off}
          visa_free_countries: {value: [AL, RS], kind: countries, sources: [bamf], checked: 2026-01-01, status: verified}
    """)
    write(folder / "s.yml", """
        id: shp
        name: SHP
        facts:
          regular_countries: {value: [RS, SN], kind: countries, sources: [bamf], checked: 2026-01-01, status: verified}
    """)
    problems = check_programme_files(folder, sources(tmp_path), today=dt.date(2028, 6, 1), source_max_age_days=365)
    text = [str(p) for p in problems]
    assert f"{folder / 'p.yml'}:4: warning: facts.travel: its newest source dates from 2025-12 (more than 365 days " \
        "ago) — look for a current source" in text
    assert f"{folder / 'p.yml'}:4: warning: facts.travel is unverified (cut off) — answers hedge it; confirm it " \
        "with an official source" in text
    contradiction = [t for t in text if "cannot be on both lists" in t]
    assert contradiction == [f"{folder / 's.yml'}:4: facts.regular_countries: RS also in reag_visa_free_countries — a "
                             "country cannot be on both lists; check the sources"]
    assert all(documented(t.replace("warning: ", "")) for t in text), text


def test_shipped_country_lists_do_not_contradict_each_other():
    assert not [p for p in check_programme_files() if "cannot be on both lists" in str(p)]


def test_missing_language_in_a_response(tmp_path):
    path = write(tmp_path / "faq.yml", """
        version: "3.1"
        responses:
          utter_faq/example:
          - condition: [{type: slot, name: language, value: de}]
            text: "Hallo"
    """)
    problems = [str(p) for p in check_responses([path])]
    from wegweiser.content import language_codes

    others = ", ".join(sorted(set(language_codes()) - {"de"}))
    assert problems[0].startswith(f"{path}:3: utter_faq/example: no variation for {others} — add one")
    assert documented(problems[0])


def test_the_same_example_under_two_intents_is_an_error(tmp_path):
    path = write(tmp_path / "nlu.yml", """
        version: "3.1"
        nlu:
        - intent: faq/travel_costs
          examples: |
            - Who pays the ticket?
            - Wer zahlt das Ticket?
        - intent: faq/travel_allowance
          examples: |
            - how much money do I get
            - who pays the ticket
            - How much money do I get?
    """)
    problems = [str(p) for p in check_training_examples([path])]
    assert problems == [
        f"{path}:10: example 'who pays the ticket' of faq/travel_allowance is also an example of faq/travel_costs "
        f"({path}:5) — keep it under one intent only",
        f"{path}:11: warning: example 'How much money do I get?' of faq/travel_allowance repeats line 9 — "
        "delete one of them",
    ]
    assert all(documented(p.replace("warning: ", "")) for p in problems)


def test_normalisation_ignores_case_punctuation_and_spacing():
    assert normalised("  Wer ZAHLT   das Ticket?! ") == normalised("wer zahlt das ticket") != ""
    assert normalised("ما هي العودة الطوعية؟") == normalised("ما هي العودة الطوعية")


def test_validate_command_fails_on_a_broken_file_with_file_and_line(tmp_path):
    """End to end through `python -m wegweiser.maintenance.checks`, with a copy of content/ that has one broken fact."""
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(PROJECT_ROOT / "content"), str(content)], check=True)
    reag = content / "programmes" / "reag_garp.yml"
    lines = reag.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("travel_allowance_adult:"))
    lines[number - 1] = lines[number - 1].replace("kind: eur", "kind: euro")
    reag.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "wegweiser.maintenance.checks"], capture_output=True, text=True,
                            env={"WEGWEISER_CONTENT_DIR": str(content),
                                 "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert f"{reag}:{number}: facts.travel_allowance_adult.kind: kind must be one of" in result.stdout


def test_scaffold_text_is_an_error(tmp_path):
    path = write(tmp_path / "new.yml", """
        - intent: faq/new_topic
          examples: |
            - FILL IN: a question in German
    """)
    problems = [str(p) for p in check_scaffold([path])]
    assert problems == [f"{path}:3: scaffold not filled in: - FILL IN: a question in German — replace it with "
                        "real text (see docs/maintaining.md)"]
    assert documented(problems[0])


def test_shipped_content_has_no_errors():
    assert [str(p) for p in run_all() if p.severity == "error"] == []


def test_plural_forms_asked_of_the_new_languages_are_cldrs(tmp_path):
    """es needs one/many/other, ka/sq/mk one/other (CLDR via Babel); a missing one is reported."""
    from wegweiser.maintenance.checks import check_lookup_texts

    forms = {"de": "{one: '{n} Kind', other: '{n} Kinder'}", "es": "{one: '{n} niño', many: '{n} de niños', other: '{n} niños'}",
             "ka": "{one: '{n} ბავშვი', other: '{n} ბავშვი'}", "sq": "{one: '{n} fëmijë', other: '{n} fëmijë'}",
             "mk": "{one: '{n} дете', other: '{n} деца'}"}
    lines = "".join(f"    {code}: {forms.get(code, forms['de'])}\n" for code in ["de", "en", "ar", "fa", "ru", "tr",
                                                                                  "es", "ka", "sq", "mk"])
    path = tmp_path / "lookup.yml"
    path.write_text("counts:\n  children:\n" + lines, encoding="utf-8")
    missing = {p.what.split("]")[0] for p in check_lookup_texts(path)}
    assert not {"counts.children [es", "counts.children [ka", "counts.children [sq", "counts.children [mk"} & missing
    path.write_text("counts:\n  children:\n" + lines.replace("many: '{n} de niños', ", ""), encoding="utf-8")
    assert any("[es]: missing plural form(s) many" in p.what for p in check_lookup_texts(path))
