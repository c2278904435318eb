"""Every language's text carries German's placeholders and numbers (wegweiser/text_parity.py)."""
from __future__ import annotations

from wegweiser.maintenance.checks import check_text_parity
from wegweiser.maintenance.text_parity import differences, per_language_texts


def test_the_projects_responses_and_content_texts_match_german():
    assert [str(p) for p in check_text_parity()] == []


def test_a_missing_or_extra_placeholder_is_reported():
    found = differences({"de": "Sie bekommen {reag_travel_allowance_adult}.", "en": "You get {reag_travel_allowance_adult}.",
                         "es": "Recibe una ayuda.", "sq": "Merrni {reag_travel_allowance_adult} dhe {startup_aid}."})
    assert len(found) == 2
    assert found[0].startswith("[es] placeholders: missing reag_travel_allowance_adult")
    assert found[1].startswith("[sq] placeholders: missing -, not in German startup_aid")


def test_a_typed_or_changed_number_is_reported():
    found = differences({"de": "Rufen Sie {emergency_number} an — 24 Stunden.", "ka": "დარეკეთ {emergency_number} — 12 საათი.",
                         "mk": "Јавете се на 112 — 24 часа."})
    assert found == ["[ka] numbers: missing 24, not in German 12",
                     "[mk] placeholders: missing emergency_number, not in German -; numbers: missing -, not in German 112"]


def test_plural_forms_are_compared_as_one_text():
    assert differences({"de": {"one": "{count} Kind", "other": "{count} Kinder"},
                        "ka": {"other": "{count} ბავშვი"}}) == []
    assert differences({"de": {"one": "{count} Kind", "other": "{count} Kinder"}, "mk": {"one": "едно дете", "other": "деца"}})


def test_word_tables_are_not_texts():
    tree = {"counted_children": {"de": {"Zwillinge": 2}, "en": {"twins": 2}},
            "form": {"ask": {"de": "Wer?", "en": "Who?"}}, "names": {"de": ["a"], "en": ["b"]}}
    assert [where for where, _ in per_language_texts(tree)] == [("form", "ask")]


def test_a_response_file_with_a_wrong_variation_is_reported(tmp_path):
    path = tmp_path / "responses.yml"
    path.write_text('responses:\n  utter_x:\n  - condition: [{type: slot, name: language, value: de}]\n'
                    '    text: "{reag_travel_allowance_adult} pro Person"\n'
                    '  - condition: [{type: slot, name: language, value: es}]\n    text: "200 por persona"\n',
                    encoding="utf-8")
    (problem,) = check_text_parity([path], folder=tmp_path / "empty")
    assert "utter_x [es]" in problem.what and "200" in problem.what
