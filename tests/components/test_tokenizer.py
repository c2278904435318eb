"""The multilingual spaCy tokenizer: per-language tokens and lemmas."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.tokenizer import MultilingualSpacyTokenizer, normalise_arabic_script


@pytest.fixture(scope="module")
def tokenizer():
    return MultilingualSpacyTokenizer({**MultilingualSpacyTokenizer.get_default_config()})


def lemmas(tokenizer, text):
    return [t.lemma for t in tokenizer.tokenize(Message({"text": text}), "text")]


def test_german_lemmas(tokenizer):
    assert "kind" in lemmas(tokenizer, "Was bekommen die Kinder?")


def test_russian_lemmas(tokenizer):
    assert "документ" in lemmas(tokenizer, "Какие документы нужны?")


def test_arabic_and_persian_spellings_meet(tokenizer):
    assert normalise_arabic_script("كيف") == normalise_arabic_script("کیف")
    assert lemmas(tokenizer, "مساعدة") == lemmas(tokenizer, "مساعده")


def test_arabic_and_persian_words_are_stemmed(tokenizer):
    # spaCy has no lemma tables for Arabic and Persian: Snowball stems join a word's forms
    assert lemmas(tokenizer, "الأطفال") == lemmas(tokenizer, "للأطفال")
    assert lemmas(tokenizer, "کمک‌های") == lemmas(tokenizer, "کمک")


def test_offsets_point_into_the_text(tokenizer):
    text = "Wer zahlt das Ticket?"
    for token in tokenizer.tokenize(Message({"text": text}), "text"):
        assert text[token.start:token.end] == token.text


def test_georgian_is_tokenized_with_the_multi_language_pipeline(tokenizer):
    assert lemmas(tokenizer, "რამდენ ფულს მივიღებ მგზავრობისთვის?") == ["რამდენ", "ფულს", "მივიღებ", "მგზავრობისთვის", "?"]


def test_spanish_and_macedonian_lemmas(tokenizer):
    assert "documento" in lemmas(tokenizer, "¿Qué documentos necesito?")


def test_the_message_language_is_passed_on_in_the_parse_result(tokenizer):
    """The action server reads the language from Rasa's parse result instead of detecting it again."""
    from wegweiser.nlu.language import DETECTION_KEY

    spanish, unclear = Message({"text": "¿Cuánto dinero recibo para el viaje?"}), Message({"text": "ok"})
    tokenizer.process([spanish, unclear])
    assert spanish.as_dict(only_output_properties=True)[DETECTION_KEY] == {"language": "es", "confidence": 1.0}
    assert unclear.as_dict(only_output_properties=True)[DETECTION_KEY] == {"language": None, "confidence": 0.0,
                                                                          "guess": None}


def test_a_words_lemma_is_worked_out_once(tokenizer):
    """The lemma cache: the same words in a later message cost no table lookup or stemming again, and give
    the same lemmas."""
    tokenizer._lemma.cache_clear()
    first = lemmas(tokenizer, "Was bekommen die Kinder?")
    worked_out = tokenizer._lemma.cache_info().misses
    assert worked_out == len(first) and "kind" in first
    assert lemmas(tokenizer, "Was bekommen die Kinder?") == first
    info = tokenizer._lemma.cache_info()
    assert info.misses == worked_out and info.hits == len(first)


def test_language_detectors_are_built_when_the_model_loads_not_on_a_first_message():
    """Building a lingua detector takes 0.5-1.5 s of CPU: the first message in Latin, Arabic or Cyrillic
    letters after a restart used to wait for it (issue 19). Loading the tokenizer builds them."""
    from wegweiser.nlu import language

    language._lingua.cache_clear()
    MultilingualSpacyTokenizer({**MultilingualSpacyTokenizer.get_default_config()})
    built = language._lingua.cache_info().currsize
    assert built == 3  # Latin (de en es sq tr), Arabic (ar fa), Cyrillic (mk ru); Georgian needs none
    for text in ("How much money do I get if I return home?", "چقدر پول به من میدهند اگر برگردم",
                 "Сколько денег я получу при возвращении домой?"):
        language.detect(text)
    assert language._lingua.cache_info().currsize == built  # no detector was built for these messages
