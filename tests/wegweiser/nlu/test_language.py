"""Language detection and the answer-language decision."""
from __future__ import annotations

from collections import defaultdict

import pytest

from wegweiser.content import read_yaml
from wegweiser.content import normalise_hint
from wegweiser.nlu.language import Detection, detect, dominant_script, requested_language, resolve
from wegweiser.paths import PROJECT_ROOT


@pytest.mark.parametrize("text", ["ok", "5", "👍", "", "   ", "/faq/travel_costs", "?!", "12:30"])
def test_messages_without_evidence_give_no_language(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("Wie viel Geld bekomme ich für die Reise?", "de"),
        ("How much money do I get for the journey?", "en"),
        ("كم المبلغ الذي أحصل عليه للسفر؟", "ar"),
        ("چقدر پول برای سفر می‌گیرم؟", "fa"),
        ("Сколько денег я получу на дорогу?", "ru"),
        ("Yolculuk için ne kadar para alırım?", "tr"),
        ("спасибо", "ru"),
        ("تشکر", "fa"),
        ("¿Cuánto dinero me dan si vuelvo?", "es"),
        ("Quien paga el boleto de avion para regresar a Venezuela", "es"),
        ("რამდენ ფულს მივიღებ მგზავრობისთვის?", "ka"),
        ("gamarjoba, minda saqartveloshi dabruneba, ramdeni puli mchirdeba?", "ka"),
        ("Sa para marr për udhëtimin?", "sq"),
        ("Kush e paguan biletën e avionit për në Shqipëri?", "sq"),
        ("Kush e paguan bileten e avionit per ne Kosove?", "sq"),
        ("Колку пари ќе добијам за патот?", "mk"),
        ("Кој ја плаќа авионската карта?", "mk"),
        ("kolku pari dobivam za patot, blagodaram", "mk"),
    ],
)
def test_detects_each_language(text, language):
    assert detect(text).language == language


def test_short_message_accuracy_per_language(capsys):
    """Measures the detector on short real-life messages and prints the accuracy per language.

    A message counts as right when the detected language is the labelled one; "no evidence" (None) is
    counted separately, since the conversation then keeps its language, which is the wanted behaviour
    for "ok" but a miss for "danke".
    """
    samples = read_yaml(PROJECT_ROOT / "tests" / "data" / "short_messages.yml")["messages"]
    right, none, total = defaultdict(int), defaultdict(int), defaultdict(int)
    for language, texts in samples.items():
        for text in texts:
            total[language] += 1
            found = detect(text)
            if found is None:
                none[language] += 1
            elif found.language == language:
                right[language] += 1
    with capsys.disabled():
        print("\nlanguage detection on short messages (1-3 words):")
        for language in samples:
            print(f"  {language}: {right[language]}/{total[language]} right "
                  f"({right[language] / total[language]:.0%}), {none[language]} undecided")
    for language in samples:
        wrong = total[language] - right[language] - none[language]
        assert right[language] / total[language] >= 0.8, language
        assert wrong / total[language] <= 0.1, language


@pytest.mark.parametrize(
    "text, language",
    [("English please", "en"), ("بالعربية", "ar"), ("auf Deutsch bitte", "de"), ("по-русски пожалуйста", "ru"),
     ("Türkçe lütfen", "tr"), ("فارسی لطفا", "fa"), ("can you speak dari", "fa")],
)
def test_requested_language(text, language):
    assert requested_language(text) == language


def test_requested_language_is_none_when_two_are_named():
    assert requested_language("English or German?") is None


def test_hint_is_reduced_to_offered_languages():
    assert normalise_hint("de-AT") == "de"
    assert normalise_hint("prs") == "fa"
    assert normalise_hint("pt-br") is None
    assert normalise_hint(None) is None


def test_explicit_choice_wins_and_sticks():
    state = resolve("de", False, explicit="en")
    assert (state.language, state.locked) == ("en", True)
    later = resolve("en", True, detected=Detection("ar", 1.0), text="كم المبلغ")
    assert later.language == "en"


def test_short_messages_keep_the_language():
    assert resolve("ar", False, detected=None, text="5").language == "ar"
    assert resolve("ar", False, detected=None, text="ok").language == "ar"


def test_one_stray_word_does_not_switch_within_a_script():
    assert resolve("en", False, detected=Detection("de", 0.8), text="hallo").language == "en"
    assert resolve("en", False, detected=Detection("de", 0.9), text="Wie geht das").language == "de"


def test_a_new_script_switches_at_once():
    assert resolve("de", False, detected=Detection("ru", 1.0), text="спасибо").language == "ru"


def test_new_conversation_uses_hint_then_default():
    assert resolve(None, False, hint="tr").language == "tr"
    assert resolve(None, False).language == "de"


@pytest.mark.parametrize(
    "text, language",
    [("Что такое Grenzübertrittsbescheinigung?", "ru"), ("ما هي Grenzübertrittsbescheinigung؟", "ar"),
     ("StarthilfePlus چیست؟", "fa")],
)
def test_german_terms_inside_another_script_keep_that_language(text, language):
    assert detect(text).language == language


@pytest.mark.parametrize("text", ["здравствуй", "Да", "Не то", "Благодарю вас за информацию", "Какие документы нужны?",
                                  "хочу вернуться в Дамаск"])
def test_russian_stays_russian_with_macedonian_offered(text):
    """Macedonian shares the script: without its own letters (ѓ ќ ѕ ј љ њ џ) it needs lingua's strong
    confidence, and short Cyrillic messages stay Russian as before."""
    assert detect(text).language == "ru"


@pytest.mark.parametrize("text, language", [("hochu pogovorit s chelovekom", "ru"),
                                            ("darkhast baraye bazgasht chetori bedam", "fa"),
                                            ("didi madloba, rodis shemidzlia dabruneba", "ka")])
def test_languages_typed_in_latin_letters_are_told_by_their_words(text, language):
    assert detect(text).language == language


def test_six_languages_decide_as_before_on_their_held_out_messages():
    """Adding es, ka, sq, mk must not change what the six detect: measured against main's detector on
    the 14,524 training examples (2026-12-06): 1 changed to Albanian, 52 romanised Russian and Persian
    messages now detected (were none or another language). Here, on the six languages' held-out messages
    (the training data now holds the new languages too): the Latin-script ones seldom go to Spanish or
    Albanian."""
    import yaml
    from wegweiser.paths import PROJECT_ROOT

    texts = []
    for path in sorted((PROJECT_ROOT / "tests" / "nlu" / "heldout").glob("*.yml")):
        if path.stem in ("es", "ka", "sq", "mk"):
            continue
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    latin = [text for text in texts if dominant_script(text)[0] == "Latn"]
    new = [text for text in latin if (detect(text) or Detection("", 0)).language in ("es", "sq")]
    assert len(latin) > 500
    assert len(new) <= len(latin) / 100, new[:20]


@pytest.mark.parametrize("text", ["pool ro koja midan", "bazgasht-e davtalabane yani chi", "kosova", "jep"])
def test_the_labelling_guess_needs_the_new_languages_letters_or_strong_confidence(text):
    """best_guess labels held-out messages by language: romanised Persian is not Albanian."""
    from wegweiser.nlu.language import best_guess

    assert best_guess(text) not in ("es", "sq", "mk")


def _latin_letter_messages():
    from wegweiser.content import read_yaml
    from wegweiser.paths import PROJECT_ROOT

    return read_yaml(PROJECT_ROOT / "tests" / "wegweiser" / "nlu" / "latin_letter_messages.yml")


def _detected(text):
    found = detect(text)
    return found.language if found else None


def test_georgian_and_macedonian_in_latin_letters_are_recognised_and_others_do_not_flip(capsys):
    """The development set of c21 (tuned on: optimistic; before c21 ka 39/60, mk 18/60, 2 of 360 other messages
    became mk). Floors: 90 % of each romanised language, at most 1 % of the Latin-letter messages of other
    languages detected as ka or mk; the fresh part (written after tuning) at least 80 % ka and 50 % mk."""
    data = _latin_letter_messages()
    rates = {}
    for code, texts in data["romanised"].items():
        rates[code] = sum(_detected(text) == code for text in texts) / len(texts)
    others = [text for texts in data["must_not_flip"].values() for text in texts]
    flipped = [text for text in others if _detected(text) in ("ka", "mk")]
    fresh = {code: sum(_detected(t) == code for t in data["fresh"][code]) / len(data["fresh"][code]) for code in ("ka", "mk")}
    fresh_flipped = [t for t in data["fresh"]["sr_hr"] if _detected(t) in ("ka", "mk")]
    with capsys.disabled():
        print(f"\nLatin letters: ka {rates['ka']:.0%}, mk {rates['mk']:.0%}, others flipped {len(flipped)}/{len(others)};"
              f" fresh ka {fresh['ka']:.0%}, mk {fresh['mk']:.0%}, Serbian/Croatian flipped {len(fresh_flipped)}")
    assert rates["ka"] >= 0.9 and rates["mk"] >= 0.9, rates
    assert len(flipped) <= len(others) / 100, flipped
    assert fresh["ka"] >= 0.8 and fresh["mk"] >= 0.5, fresh
    assert len(fresh_flipped) <= 1, fresh_flipped


@pytest.mark.parametrize("text, language", [
    ("koliko novca dobijam, gde da idem", None), ("kako da popunim zahtev?", None),
    ("ramdeni puli mechneba dabrunebisas?", "ka"), ("dokumentebis gareshe rogor wavide?", "ka"),
    ("kolku košta kartata za avion?", "mk"), ("sakame celo semejstvo da se vratime vo Makedonija", "mk")])
def test_serbian_and_croatian_words_speak_against_macedonian(text, language):
    found = _detected(text)
    assert found == language if language else found not in ("ka", "mk")
