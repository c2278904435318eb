"""The handoff contract is one module: the form builds its request from it and the desk checks it with it."""
import pytest

from wegweiser import handoff
from wegweiser.dialogue import handoff_form


def request(**changes):
    base = {"version": 1, "language": "ar", "contact": "chat", "times": ["any_time"], "phone": "+4917612345678"}
    base.update(changes)
    return base


def test_the_forms_request_has_exactly_the_contracts_fields():
    slots = {handoff_form.TOPIC: "money", handoff_form.CONTACT: "phone", handoff_form.PHONE: "+4917612345678",
             handoff_form.TIMES: ["any_time", "not_a_time"], handoff_form.REASON: "crisis"}
    payload = handoff_form.payload(slots, "ar")
    assert set(payload) == {"version", *handoff.FIELDS}
    assert payload["version"] == handoff.VERSION
    assert payload["times"] == ["any_time"] and payload["reason"] in handoff.REASONS
    assert handoff.checked_fields(payload)["phone"] == "+4917612345678"


def test_the_phone_number_is_kept_only_for_phone():
    assert handoff.checked_fields(request())["phone"] is None
    assert handoff.checked_fields(request(contact="phone"))["phone"] == "+4917612345678"


@pytest.mark.parametrize("changes", [{"version": 2}, {"language": ""}, {"contact": "pigeon"}, {"times": "any_time"}])
def test_a_request_that_breaks_the_contract_is_refused(changes):
    with pytest.raises(handoff.InvalidRequest):
        handoff.checked_fields(request(**changes))


def test_the_same_request_twice_has_one_fingerprint():
    assert handoff.fingerprint(request()) == handoff.fingerprint(dict(request()))
    assert handoff.fingerprint(request()) != handoff.fingerprint(request(language="de"))
