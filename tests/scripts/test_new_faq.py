"""`make new-faq`: the scaffold has every language, refuses existing names, and fails validation until
every placeholder line is written."""
from __future__ import annotations

import shutil

import pytest

from scripts.new_faq import ScaffoldError, scaffold
from wegweiser.maintenance.checks import SCAFFOLD_MARKER, check_keyed_texts, check_responses, check_scaffold, check_training_examples
from wegweiser.content import language_codes, read_yaml
from wegweiser.faq import FAQ_DIR, variations_by_language
from wegweiser.paths import content_dir


@pytest.fixture
def copies(tmp_path):
    faq = tmp_path / "faq"
    shutil.copytree(FAQ_DIR, faq)
    topics = tmp_path / "topics.yml"
    shutil.copyfile(content_dir() / "topics.yml", topics)
    return faq, topics


def test_new_file_has_every_language_and_fails_validation_until_filled(copies):
    faq, topics = copies
    changed = scaffold("bus_tickets", faq, topics)
    target = faq / "bus_tickets.yml"
    assert changed == [target, topics]
    data = read_yaml(target)
    assert data["nlu"][0]["intent"] == "faq/bus_tickets"
    assert set(variations_by_language(data["responses"]["utter_faq/bus_tickets"])) == set(language_codes())
    assert set(read_yaml(topics)["topics"]["bus_tickets"]) == set(language_codes())
    # complete as far as structure goes ...
    assert check_responses([target]) == []
    assert check_keyed_texts(topics, "topics") == []
    assert check_training_examples([target]) == []
    # ... but every line to write is an error with its file and line
    problems = check_scaffold([target, topics])
    lines = target.read_text(encoding="utf-8").splitlines()
    languages = len(language_codes())  # per language: three examples, the answer, the button title
    assert len(problems) == languages * 3 + languages + languages
    for problem in problems:
        if problem.where.endswith("bus_tickets.yml"):
            assert SCAFFOLD_MARKER in lines[problem.line - 1]
        assert str(problem).startswith(f"{problem.where}:{problem.line}: scaffold not filled in:")


def test_filling_in_the_scaffold_clears_the_errors(copies):
    faq, topics = copies
    target, _ = scaffold("bus_tickets", faq, topics)
    target.write_text(target.read_text(encoding="utf-8").replace(SCAFFOLD_MARKER, "Bus"), encoding="utf-8")
    topics.write_text(topics.read_text(encoding="utf-8").replace(SCAFFOLD_MARKER, "Bus"), encoding="utf-8")
    assert check_scaffold([target, topics]) == []


def test_adding_to_an_existing_group_keeps_its_topics(copies):
    faq, topics = copies
    before = read_yaml(faq / "money.yml")
    scaffold("bus_tickets", faq, topics, group="money")
    after = read_yaml(faq / "money.yml")
    assert [b["intent"] for b in after["nlu"]] == [b["intent"] for b in before["nlu"]] + ["faq/bus_tickets"]
    assert list(after["responses"]) == list(before["responses"]) + ["utter_faq/bus_tickets"]
    assert after["responses"]["utter_faq/travel_costs"] == before["responses"]["utter_faq/travel_costs"]


def test_refuses_an_existing_topic_and_a_bad_name(copies):
    faq, topics = copies
    before = {p.name: p.read_text(encoding="utf-8") for p in faq.glob("*.yml")}
    with pytest.raises(ScaffoldError, match="exists already"):
        scaffold("travel_costs", faq, topics)
    with pytest.raises(ScaffoldError, match="lower-case"):
        scaffold("Bus Tickets", faq, topics)
    with pytest.raises(ScaffoldError, match="does not exist"):
        scaffold("bus_tickets", faq, topics, group="nonexistent")
    assert {p.name: p.read_text(encoding="utf-8") for p in faq.glob("*.yml")} == before
