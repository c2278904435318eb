"""The one sentence lookup: the person's language, else the default language; placeholders filled only when
values are given, so a template's literal braces survive when nothing is filled."""
import pytest

from wegweiser.content import default_language
from wegweiser.texts import in_language, localised, message


def test_the_persons_language_else_the_default():
    texts = {default_language(): "Hallo {name}", "en": "Hello {name}"}
    assert localised(texts, "en", {"name": "Ana"}) == "Hello Ana"
    assert localised(texts, "ar", {"name": "Ana"}) == "Hallo Ana"
    assert in_language({"en": "", default_language(): "x"}, "en") == "x"  # an empty entry counts as missing


def test_no_values_leaves_the_template_as_written():
    assert localised({default_language(): "{centre_contact}"}, "en") == "{centre_contact}"
    with pytest.raises(KeyError):
        localised({default_language(): "{centre_contact}"}, "en", {})


def test_action_messages_go_through_it():
    assert message("clarify", "en") and message("clarify", "en") != message("clarify", "de")
