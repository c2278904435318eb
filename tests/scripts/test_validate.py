"""`make validate` puts Rasa's warnings at the line of the name they are about."""
from __future__ import annotations

import textwrap

from scripts.validate import annotate, locate


def project(tmp_path):
    (tmp_path / "domain").mkdir()
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "domain" / "core.yml").write_text(textwrap.dedent("""\
        version: "3.1"
        intents:
          - greet
          - goodbye   # says goodbye
        responses:
          utter_greet:
          - text: "Hallo"
        """), encoding="utf-8")
    (tmp_path / "data" / "nlu" / "core.yml").write_text(textwrap.dedent("""\
        version: "3.1"
        nlu:
        - intent: greet
          examples: |
            - hallo
        - intent: greet_formal
          examples: |
            - guten tag
        """), encoding="utf-8")
    return tmp_path


def test_unused_intent_points_at_its_domain_line(tmp_path):
    root = project(tmp_path)
    assert annotate("The intent 'goodbye' is not used in any story or rule.", root) == (
        "domain/core.yml:4: The intent 'goodbye' is not used in any story or rule. — use it in a rule or story "
        "(data/rules, data/stories), or remove it")


def test_intent_missing_from_the_domain_points_at_the_training_data(tmp_path):
    root = project(tmp_path)
    message = ("There is a message in the training data labeled with intent 'greet_formal'. This intent is not "
               "listed in your domain. You should need to add that intent to your domain file!")
    assert annotate(message, root) == (
        f"data/nlu/core.yml:6: {message} — add it to the domain (domain/*.yml), or fix the spelling")


def test_names_match_whole_words_only(tmp_path):
    root = project(tmp_path)
    assert locate("greet", root) == "domain/core.yml:3"
    assert locate("utter_greet", root) == "domain/core.yml:6"
    assert locate("farewell", root) is None
    assert annotate("Something about 'farewell'.", root) == (
        "rasa data validate: Something about 'farewell'. — see Rasa's message; docs/maintaining.md")
