"""End to end through Rasa's REST channel with the real Rasa and action servers (as the gateway uses it)."""
from __future__ import annotations

import pytest

from tests.conftest import new_sender
from wegweiser.content import load_safety
from wegweiser.facts import all_facts
from wegweiser.nlu.language import detect
from wegweiser.render import numbers_in, template_values


def texts(replies):
    return [r.get("text") or "" for r in replies]


def language_of_reply(replies):
    return detect(" ".join(texts(replies)[:1])).language


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 5000, "Wie viel Geld " * 400, "😀😀😀", "👍", "Hallo مرحبا привет merhaba", "\u200b", "?", "/",
     "/unknown_intent", "/faq/not_a_topic", "<script>alert(1)</script>", "12345"],
)
def test_bad_input_gets_a_non_empty_reply(rasa_chat, text):
    replies = rasa_chat.send(text)
    assert any(t.strip() for t in texts(replies)), replies


@pytest.mark.parametrize(
    "text, language",
    [
        ("Wer bezahlt das Flugticket für die Rückreise?", "de"),
        ("Who pays for the plane ticket home?", "en"),
        ("من يدفع ثمن تذكرة الطيران للعودة؟", "ar"),
        ("هزینه بلیط هواپیما برای برگشت را چه کسی می‌دهد؟", "fa"),
        ("Кто оплачивает билет на самолёт домой?", "ru"),
        ("Eve dönüş uçak biletini kim ödüyor?", "tr"),
    ],
)
def test_first_question_is_answered_in_its_language_with_intro(rasa_chat, text, language):
    replies = rasa_chat.send(text)
    assert language_of_reply(replies) == language
    # the answer comes first; the intro with the language choice closes the first turn
    assert not replies[0].get("buttons")
    assert any("/choose_language" in b["payload"] for b in replies[-1].get("buttons") or [])


@pytest.mark.parametrize("text, start", [
    ("Скільки грошей я отримаю на дорогу додому?", "Вибачте"),
    ("Bonjour, je voudrais rentrer en Guinée, qui paie le billet d'avion?", "Désolé"),
    ("ናብ ሃገረይ ክምለስ እደሊ እየ፣ ቲኬት መን ይኸፍል?", "Sorry, I cannot answer in your language yet."),
])
def test_a_language_not_offered_gets_the_languages_and_a_counsellor_not_an_answer(rasa_chat, text, start):
    replies = rasa_chat.send(text)
    assert len(replies) == 1 and replies[0]["text"].startswith(start), replies
    payloads = [b["payload"] for b in replies[0].get("buttons") or []]
    assert payloads[0] == "/request_human" and '/choose_language{"language":"ru"}' in payloads


def test_answer_with_programme_facts_has_numbers_from_data_and_a_date(rasa_chat):
    replies = rasa_chat.send("Wie viel Reisebeihilfe bekommt ein Erwachsener?")
    joined = " ".join(texts(replies))
    assert all_facts()["reag_travel_allowance_adult"].value in numbers_in(joined)
    # how current, from the sources' own dates (never the day the fact was typed in)
    assert "Quelle:" in joined and "Stand der Quelle:" in joined
    assert str(all_facts()["reag_travel_allowance_adult"].checked.year) not in joined


def test_language_sticks_across_short_messages(rasa_chat):
    sender = new_sender()
    rasa_chat.send("كم المبلغ الذي أحصل عليه للسفر؟", sender)
    for short in ("5", "ok", "👍"):
        replies = rasa_chat.send(short, sender)
        assert language_of_reply(replies) == "ar", (short, replies)


def test_asking_for_a_language_switches_and_sticks(rasa_chat):
    sender = new_sender()
    rasa_chat.send("Wer bezahlt das Flugticket?", sender)
    assert language_of_reply(rasa_chat.send("English please", sender)) == "en"
    assert language_of_reply(rasa_chat.send("Wie viel Geld bekommen Kinder?", sender)) == "en"


def test_language_button_switches(rasa_chat):
    sender = new_sender()
    replies = rasa_chat.send('/choose_language{"language":"tr"}', sender)
    assert language_of_reply(replies) == "tr"


def test_telegram_language_hint_is_used_for_a_message_without_evidence(rasa_chat):
    replies = rasa_chat.send("👍", metadata={"language_code": "ru"})
    assert language_of_reply(replies) == "ru"


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ich will nicht mehr leben", "de"),
        ("I want to kill myself", "en"),
        ("أريد أن أنتحر", "ar"),
        ("می‌خواهم خودکشی کنم", "fa"),
        ("Я хочу покончить с собой", "ru"),
        ("Kendimi öldürmek istiyorum", "tr"),
    ],
)
def test_crisis_gets_emergency_numbers_first(rasa_chat, text, language):
    replies = rasa_chat.send(text)
    first = texts(replies)[0]
    assert "112" in first and "0800 111 0 111" in first
    assert language_of_reply(replies) == language
    assert not any("€" in t for t in texts(replies))


def test_own_legal_case_gets_no_advice_but_a_way_to_help(rasa_chat):
    replies = rasa_chat.send("Soll ich meine Klage zurücknehmen? Werde ich abgeschoben?")
    joined = " ".join(texts(replies))
    assert "€" not in joined
    assert "Flüchtlingszentrum" in joined


def test_out_of_scope_never_gets_a_programme_fact(rasa_chat):
    for text in ("Wie wird das Wetter morgen?", "Can you order me a pizza?"):
        joined = " ".join(texts(rasa_chat.send(text)))
        assert "€" not in joined


def test_not_understood_offers_topics_then_a_counsellor(rasa_chat):
    sender = new_sender()
    first = rasa_chat.send("qwzx plorf ztang", sender)
    payloads = [b["payload"] for r in first for b in r.get("buttons") or []]
    assert any(p.startswith("/faq/") for p in payloads) and "/request_human" in payloads
    second = rasa_chat.send("blorp vrrt kkq", sender)
    payloads = [b["payload"] for r in second for b in r.get("buttons") or []]
    assert "/request_human" in payloads
    assert not any(p.startswith("/faq/") for p in payloads)


def test_topic_button_answers_that_topic(rasa_chat):
    sender = new_sender()
    rasa_chat.send("Hello", sender)
    replies = rasa_chat.send("/faq/travel_costs", sender)
    assert all_facts()["reag_fuel_allowance_car"].value in numbers_in(" ".join(texts(replies)))


def test_request_for_a_person_gets_the_centre(rasa_chat):
    joined = " ".join(texts(rasa_chat.send("Ich möchte einen Termin mit einer Beraterin")))
    assert "Flüchtlingszentrum Hamburg" in joined


def payloads_of(replies):
    return [b["payload"] for r in replies for b in r.get("buttons") or []]


@pytest.mark.parametrize(
    "opening, question, language",
    [
        ("Who pays for my flight home?", "Can the counselling be done in Russian?", "en"),
        ("Wer bezahlt das Flugticket?", "Geht die Beratung auch auf Dari?", "de"),
        ("Uçak biletini kim ödüyor?", "Danışmanlık Arapça yapılabiliyor mu?", "tr"),
    ],
)
def test_counselling_in_a_language_is_answered_without_switching(rasa_chat, opening, question, language):
    """Naming a language for the counselling is a question about the centre, not a request to switch."""
    sender = new_sender()
    rasa_chat.send(opening, sender)
    replies = rasa_chat.send(question, sender)
    assert language_of_reply(replies) == language
    assert template_values(language)["centre_languages"] in texts(replies)[0]
    assert "/request_human" in payloads_of(replies)


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ich habe große Angst vor der Rückkehr und kann kaum schlafen", "de"),
        ("I feel so worried about going home, I can't stop thinking about it", "en"),
        ("أنا خائف جداً من الرجوع ولا أستطيع النوم", "ar"),
    ],
)
def test_distress_gets_a_listening_line_and_no_emergency_number(rasa_chat, text, language):
    """Worry is not a crisis: a kind answer with counselling and a listening line; the crisis numbers only
    where the words call for them (then the crisis answer comes instead)."""
    numbers = load_safety()["numbers"]
    replies = rasa_chat.send(text)
    lines = texts(replies)[0].strip().splitlines()
    assert language_of_reply(replies) == language
    assert numbers["crisis_line_1"] in " ".join(lines) and numbers["violence_women_line"] in " ".join(lines)
    assert not any(numbers["emergency_number"] in line for line in lines)
    assert "/request_human" in payloads_of(replies)
