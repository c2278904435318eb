"""The handoff request's logic: what a message fills, what is asked next, the summary and the payload."""
from __future__ import annotations

import pytest

from wegweiser.content import language_codes
from wegweiser.dialogue.handoff_form import (CONFIRM, CONSENT, CONTACT, LANGUAGE, NAME, PHONE, QUESTION, TIMES, TIMES_TEXT,
                                    TOPIC, TOPIC_TEXT, choice_payload, country_code, load_handoff_texts, next_slot,
                                    normalise_phone, outcome, payload, question, reason, summary, text, understand)
from wegweiser.paths import content_dir
from wegweiser.render import country_name

ANSWERED = {CONSENT: "yes", TOPIC: "money", TOPIC_TEXT: None, LANGUAGE: "ar", CONTACT: "chat",
            TIMES: ["weekday_mornings"], TIMES_TEXT: None, NAME: "Abu Ali"}


def said(words, intent="nlu_fallback", choice=None):
    entities = [{"entity": "handoff_choice", "value": choice}] if choice else []
    return {"text": words, "intent": {"name": intent, "confidence": 0.9}, "entities": entities}


def asked(slot, **slots):
    return {"requested_slot": slot, **slots}


# --- the order of questions -----------------------------------------------------------------------

def test_consent_comes_first_and_the_phone_only_after_phone():
    assert next_slot({}) == CONSENT
    assert next_slot({CONSENT: "yes"}) == TOPIC
    assert next_slot({**ANSWERED}) == CONFIRM
    assert next_slot({**ANSWERED, CONTACT: "phone"}) == PHONE
    assert next_slot({**ANSWERED, CONTACT: "phone", PHONE: "+4915123456789"}) == CONFIRM


def test_declined_consent_or_an_answered_summary_ends_the_form():
    assert next_slot({CONSENT: "no"}) is None and outcome({CONSENT: "no"}) == "declined"
    assert next_slot({**ANSWERED, CONFIRM: "send"}) is None and outcome({**ANSWERED, CONFIRM: "send"}) == "send"
    assert next_slot({**ANSWERED, CONFIRM: "no"}) is None and outcome({**ANSWERED, CONFIRM: "no"}) == "declined"
    assert outcome({**ANSWERED}) is None and outcome({}) is None


# --- what a message fills -------------------------------------------------------------------------

def test_consent_is_yes_or_no_and_nothing_else():
    assert understand(said("/affirm", "affirm"), asked(CONSENT), "de")[CONSENT] == "yes"
    assert understand(said("nein", "deny"), asked(CONSENT), "de")[CONSENT] == "no"
    assert understand(said("vielleicht"), asked(CONSENT), "de") == {QUESTION: "not_understood"}


@pytest.mark.parametrize("intent", ["stop", "crisis", "goodbye"])
def test_leaving_intents_are_left_to_the_rules(intent):
    for slot in (CONSENT, TOPIC, PHONE, NAME, CONFIRM):
        assert understand(said("x", intent), asked(slot), "en") is None


def test_a_question_in_between_is_answered_by_the_rules_but_a_description_is_an_answer():
    assert understand(said("Who pays for the ticket?", "faq"), asked(TOPIC), "en") is None
    updates = understand(said("problems with my passport", "faq"), asked(TOPIC), "en")
    assert updates[TOPIC] == "other" and updates[TOPIC_TEXT] == "problems with my passport"


def test_topic_button_free_text_and_own_case():
    assert understand(said("/inform", "inform", "travel"), asked(TOPIC), "en")[TOPIC] == "travel"
    own = understand(said("my asylum appeal was rejected", "legal_own_case"), asked(TOPIC), "en")
    assert own[TOPIC] == "legal_case" and own[TOPIC_TEXT] == "my asylum appeal was rejected"
    assert understand(said("my asylum appeal", "legal_own_case"), asked(NAME), "en") is None  # answered, not a name
    assert understand(said("/dont_know", "dont_know"), asked(TOPIC), "en")[TOPIC] == "other"


def test_counselling_language_by_button_by_name_in_any_language_or_as_written():
    assert understand(said("/inform", "inform", "de"), asked(LANGUAGE), "ar")[LANGUAGE] == "de"
    assert understand(said("Arabisch bitte", "choose_language"), asked(LANGUAGE), "de")[LANGUAGE] == "ar"
    assert understand(said("بالفارسية"), asked(LANGUAGE), "ar")[LANGUAGE] == "fa"
    assert understand(said("на русском", "choose_language"), asked(LANGUAGE), "ru")[LANGUAGE] == "ru"
    assert understand(said("Kurdî Kurmancî?!"), asked(LANGUAGE), "tr")[LANGUAGE] == "Kurdî Kurmancî?!"
    assert understand(said("/dont_know", "dont_know"), asked(LANGUAGE), "tr")[LANGUAGE] == "tr"


def test_contact_by_button_or_word_and_video_call_is_video():
    assert understand(said("/inform", "inform", "in_person"), asked(CONTACT), "de")[CONTACT] == "in_person"
    assert understand(said("lieber ein Videoanruf"), asked(CONTACT), "de")[CONTACT] == "video"
    assert understand(said("video call"), asked(CONTACT), "en")[CONTACT] == "video"
    assert understand(said("лучше по телефону"), asked(CONTACT), "ru")[CONTACT] == "phone"
    assert understand(said("телефон"), asked(CONTACT), "ru")[CONTACT] == "phone"
    assert understand(said("هنا في المحادثة"), asked(CONTACT), "ar")[CONTACT] == "chat"
    assert understand(said("banana"), asked(CONTACT), "en") == {QUESTION: "contact_not_understood"}


@pytest.mark.parametrize("written, e164", [
    ("0151 23456789", "+4915123456789"),
    ("+49 (0)40 1234567", "+49401234567"),
    ("meine Nummer ist 040-1234567", "+49401234567"),
    ("0049 30 12345678", "+493012345678"),
    ("+964 770 123 4567", "+9647701234567"),
    ("٠١٥١ ٢٣٤٥٦٧٨٩", "+4915123456789"),  # Arabic-Indic digits
])
def test_phone_numbers_are_normalised_to_e164(written, e164):
    assert normalise_phone(written) == e164
    assert understand(said(written), asked(PHONE, **{CONTACT: "phone"}), "de")[PHONE] == e164


@pytest.mark.parametrize("written", ["12", "0151", "call me", "+49 123", "1234567890123456789"])
def test_a_wrong_number_is_asked_again_with_an_example(written):
    assert understand(said(written), asked(PHONE, **{CONTACT: "phone"}), "de") == {QUESTION: "phone_invalid"}
    words, _ = question(PHONE, {QUESTION: "phone_invalid"}, "de", {})
    assert text("form", "phone_invalid", "de").split("{", 1)[0] in words
    assert any(ch.isdigit() for ch in words)  # the generated example


def test_skipping_the_phone_asks_for_another_contact_way():
    updates = understand(said("/dont_know", "dont_know"), asked(PHONE, **{CONTACT: "phone"}), "de")
    assert updates[CONTACT] is None and next_slot({**ANSWERED, **updates}) == CONTACT


def test_times_by_button_free_text_or_skip():
    pressed = understand(said("/inform", "inform", "weekday_afternoons"), asked(TIMES), "de")
    assert pressed[TIMES] == ["weekday_afternoons"]
    free = understand(said("dienstags nach 14 Uhr"), asked(TIMES), "de")
    assert free[TIMES] == [] and free[TIMES_TEXT] == "dienstags nach 14 Uhr"
    assert understand(said("weiß nicht", "dont_know"), asked(TIMES), "de")[TIMES] == ["any_time"]


def test_name_is_optional_and_short():
    assert understand(said("Mo"), asked(NAME), "en")[NAME] == "Mo"
    assert understand(said("/dont_know", "dont_know"), asked(NAME), "en")[NAME] == "skipped"
    assert understand(said("I would rather not tell you my name", "deny"), asked(NAME), "en")[NAME] == "skipped"
    assert understand(said("this is a long sentence and not a name"), asked(NAME), "en") == {QUESTION: "not_understood"}
    # few words but too many characters for a name (the case store keeps at most 128): asked again
    assert understand(said("عبدالرحمن🙂" * 4 + " " + "ب" * 40), asked(NAME), "ar") == {QUESTION: "not_understood"}
    assert understand(said("عبدالرحمن بن علي 🙂"), asked(NAME), "ar")[NAME] == "عبدالرحمن بن علي 🙂"


def test_a_counselling_language_written_out_is_bounded():
    assert understand(said("Kurdî Soranî 🙂"), asked(LANGUAGE), "tr")[LANGUAGE] == "Kurdî Soranî 🙂"
    assert understand(said("زبان محلی روستای ما 🙂" * 5), asked(LANGUAGE), "fa") == {QUESTION: "not_understood"}


def test_summary_send_change_or_no():
    slots = asked(CONFIRM, **ANSWERED)
    assert understand(said("/affirm", "affirm"), slots, "en")[CONFIRM] == "send"
    assert understand(said("no", "deny"), slots, "en")[CONFIRM] == "no"
    change = understand(said("/inform", "inform", "change"), slots, "en")
    after = {**slots, **change}
    assert after[CONSENT] == "yes" and after[TOPIC] is None and after[NAME] is None
    assert next_slot(after) == TOPIC
    assert text("form", "change", "en") in question(TOPIC, after, "en", {})[0]
    assert understand(said("hmm"), slots, "en") == {QUESTION: "not_understood"}


# --- why, questions, summary, payload ------------------------------------------------------------

def _events(*actions):
    return ([{"event": "user", "text": "hi"}] + [{"event": "action", "name": a} for a in actions]
            + [{"event": "action", "name": "action_listen"}, {"event": "user", "text": "/request_human"}])


@pytest.mark.parametrize("actions, why", [
    (("utter_crisis",), "crisis"), (("utter_legal_own_case", "utter_intro"), "legal"),
    (("action_support_answer",), "lookup"), (("action_clarify",), "not_understood"), (("utter_faq",), "asked"),
])
def test_reason_is_what_the_assistant_did_just_before(actions, why):
    assert reason(_events(*actions)) == why
    assert reason([{"event": "user", "text": "I want a person"}]) == "asked"


@pytest.mark.parametrize("language", language_codes())
def test_every_question_exists_in_every_language_with_buttons(language):
    texts = load_handoff_texts()
    for section in ("form", "buttons", "topics", "contact", "times", "summary"):
        for key, by_language in texts[section].items():
            assert by_language.get(language), f"{section}.{key} [{language}]"
    centre = {"centre_name": "FZ", "centre_phone": "", "centre_email": ""}
    for slot in (CONSENT, TOPIC, LANGUAGE, CONTACT, PHONE, TIMES, NAME, CONFIRM):
        words, buttons = question(slot, {**ANSWERED, CONFIRM: None}, language, centre)
        assert words and "{" not in words and buttons
        # Telegram callback data is at most 64 bytes; the gateway prefixes two ("r:")
        assert all(len(b["payload"].encode("utf-8")) <= 62 for b in buttons)


def test_consent_question_offers_yes_and_no_and_says_what_is_shared():
    words, buttons = question(CONSENT, {}, "en", {"centre_name": "Flüchtlingszentrum Hamburg"})
    assert "/delete" in words and "Flüchtlingszentrum Hamburg" in words and "voluntary" in words
    assert [b["payload"] for b in buttons] == ["/affirm", "/deny"]


def test_language_buttons_are_the_current_one_german_and_english_once_each():
    _, buttons = question(LANGUAGE, {}, "de", {})
    assert [b["payload"] for b in buttons[:-1]] == [choice_payload("de"), choice_payload("en")]
    _, buttons = question(LANGUAGE, {}, "fa", {})
    assert [b["title"] for b in buttons[:3]] == ["فارسی / دری", "Deutsch", "English"]


def test_country_comes_from_the_lookup():
    assert country_code({"lookup_summary": "country=IQ adults=2 children=3"}) == "IQ"
    assert country_code({"lookup_summary": "country=unknown"}) is None
    assert country_code({"lookup_country": "SY"}) == "SY"
    assert country_code({"lookup_country": "stateless"}) is None


def test_summary_in_the_persons_language():
    slots = {**ANSWERED, CONTACT: "phone", PHONE: "+4915123456789", TIMES: [], TIMES_TEXT: "بعد الظهر",
             "lookup_summary": "country=IQ adults=1 children=0"}
    shown = summary(slots, "ar")
    assert text("topics", "money", "ar") in shown and "+4915123456789" in shown and "بعد الظهر" in shown
    assert country_name("IQ", "ar") in shown and "Abu Ali" in shown and "العربية" in shown


def test_payload_has_every_field_of_the_contract():
    slots = {**ANSWERED, CONTACT: "phone", PHONE: "+4915123456789", NAME: "skipped", "handoff_reason": "crisis",
             "lookup_summary": "country=AF adults=2 children=0 reag=applies"}
    sent = payload(slots, "fa")
    assert sent == {
        "version": 1, "language": "fa", "counselling_language": "ar", "topic": "money", "topic_text": None,
        "contact": "phone", "phone": "+4915123456789", "times": ["weekday_mornings"], "times_text": None,
        "name": None, "country": "AF", "lookup": "country=AF adults=2 children=0 reag=applies",
        "reason": "crisis", "summary": summary(slots, "fa"),
    }
    # a phone number left from an earlier answer is not sent when another way was chosen
    assert payload({**slots, CONTACT: "chat"}, "fa")["phone"] is None


def test_an_appointment_wish_answers_the_topic_question():
    updates = understand(said("I need an appointment", "request_human"), asked(TOPIC), "en")
    assert updates[TOPIC] == "appointment" and updates[TOPIC_TEXT] == "I need an appointment"
    assert understand(said("I want a person", "request_human"), asked(NAME), "en") == {QUESTION: "not_understood"}


def test_content_checks_find_nothing_missing_in_the_handoff_texts_and_catch_a_gap(tmp_path):
    import yaml

    from wegweiser.maintenance.checks import check_handoff_texts

    assert check_handoff_texts() == []
    broken = yaml.safe_load((content_dir() / "handoff.yml").read_text(encoding="utf-8"))
    del broken["form"]["ask_name"]["fa"]
    broken["form"]["ask_times"]["en"] += " {oops}"
    path = tmp_path / "handoff.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    found = [p.what for p in check_handoff_texts(path)]
    assert len(found) == 2 and "ask_name: missing fa" in found[0] and "oops" in found[1]

