"""Turn logic shared by the forms' validation actions."""
from __future__ import annotations

from wegweiser.dialogue.forms import answers_now


def test_answers_now_only_for_a_message_the_form_sees_first():
    user = {"event": "user", "text": "ja"}
    form = {"event": "action", "name": "handoff_form"}  # Rasa's temporary tracker ends with it
    assert answers_now([user, {"event": "action", "name": "action_validate_slot_mappings"}, form], "handoff_form")
    activation = [user, {"event": "action", "name": "action_handoff_start"}, form]
    assert not answers_now(activation, "handoff_form")
    assert not answers_now([user, {"event": "action_execution_rejected", "name": "handoff_form"},
                            {"event": "action", "name": "utter_faq"}, form], "handoff_form")  # back after an FAQ
    assert not answers_now([], "handoff_form")
