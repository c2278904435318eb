"""The deterministic overrides after the classifiers: crisis terms and topic button payloads."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from components.overrides import AnswerFirst, CrisisGuard, CrisisTerms, NumberOnly, TopicPayloads
from wegweiser.content import load_safety


def message(text, intent="faq"):
    return Message({"text": text, "intent": {"name": intent, "confidence": 0.8},
                    "intent_ranking": [{"name": intent, "confidence": 0.8}]})


LANGUAGES = ["de", "en", "ar", "fa", "ru", "tr", "es", "ka", "sq", "mk"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_crisis_terms_that_match(language):
    terms = load_safety()["crisis_terms"][language]
    assert len(terms) >= 10
    guard = CrisisTerms.from_content()
    for term in terms:
        assert guard.match(f"… {term} …"), term


@pytest.mark.parametrize("text", ["Wie viel Geld bekomme ich?", "What documents do I need?", "کی برگردم", "спасибо"])
def test_ordinary_questions_are_not_crises(text):
    assert CrisisTerms.from_content().match(text) is None


def test_crisis_overrides_the_classifier():
    msg = message("I want to kill myself, how much is the ticket")
    CrisisGuard().process([msg])
    assert msg.get("intent")["name"] == "crisis"
    assert msg.get("intent_ranking")[0]["name"] == "crisis"


def test_topic_payload_becomes_the_retrieval_intent():
    msg = message("/faq/travel_costs", intent="nlu_fallback")
    TopicPayloads().process([msg])
    assert msg.get("intent")["name"] == "faq"
    assert msg.get("response_selector")["faq"]["response"]["utter_action"] == "utter_faq/travel_costs"


@pytest.mark.parametrize("text", ["/cancel", " /Cancel "])
def test_cancel_command_leaves_a_form_whatever_the_classifier_says(text):
    msg = message(text, intent="nlu_fallback")
    TopicPayloads().process([msg])
    assert msg.get("intent")["name"] == "stop"


def test_other_payloads_are_left_alone():
    msg = message('/choose_language{"language":"en"}', intent="choose_language")
    TopicPayloads().process([msg])
    assert msg.get("intent")["name"] == "choose_language"


#: New wordings of each kind of crisis (not copied from the term list or the training data): wanting to die,
#: self-harm, poisoning or pills, weapons, strangling, an attack now, seizures, heavy bleeding, fainting.
UNSEEN_CRISES = [
    "ich habe seit Wochen keinen Grund mehr zu leben", "mein Mann würgt mich jeden Abend",
    "mein Kind hat einen Krampfanfall", "ein Nachbar steht mit einem Messer vor der Tür",
    "there is nothing to live for here", "my roommate swallowed pills an hour ago",
    "my little brother is having a seizure", "someone attacked me at the station",
    "والله بدي اموت من هالعيشة", "رح اقطع عروقي الليلة", "جاري معه سكين وعم يصرخ", "ابني ينزف من راسه",
    "میخوام بمیرم دیگه", "شوهرم با چاقو تهدید می‌کند", "بچه‌ام تشنج کرده و تب دارد",
    "мне незачем жить дальше", "сосед с ножом в коридоре", "у отца судороги",
    "kardeşim bıçakla kapıda bekliyor", "babam zehir içti", "adam beni öldüreceğini söyledi",
]


@pytest.mark.parametrize("text", UNSEEN_CRISES)
def test_crisis_terms_cover_each_kind_of_crisis_in_other_words(text):
    assert CrisisTerms.from_content().match(text), text


#: Everyday uses of the same words must not trigger the crisis answer.
@pytest.mark.parametrize("text", [
    "imam bayıldı tarifi lazım", "Darf ich ein Messer im Koffer mitnehmen?", "can I take a knife in my luggage",
    "ich möchte nicht mehr in Deutschland leben", "ما بدي عيش بألمانيا بعد", "Almanya'da yaşamak istemiyorum",
    "the counsellor is not answering", "المستشار ما عم يرد",
])
def test_everyday_uses_of_crisis_words_are_not_crises(text):
    assert CrisisTerms.from_content().match(text) is None


@pytest.mark.parametrize("text", ["ابني بلع دوا كتير وما عم يصحى", "تعبت فبدي اموت", "وبدي اموت"])
def test_arabic_terms_match_after_a_joined_and_or_so(text):
    assert CrisisTerms.from_content().match(text), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_life_terms_and_places(language):
    safety = load_safety()
    guard = CrisisTerms.from_content()
    assert safety["life_terms"][language] and safety["places"][language]
    for term in safety["life_terms"][language]:
        assert guard.match(f"… {term} …"), term
        for place in safety["places"][language]:
            assert guard.match(f"{term} {place}") is None, (term, place)


@pytest.mark.parametrize("text", [
    "ich will nicht mehr leben, alles ist sinnlos", "I just don't want to live anymore, I'm so tired",
    "والله ما بدي عيش، تعبت", "نمی‌خواهم زندگی کنم، خسته‌ام", "я не хочу жить, всё бессмысленно",
    "artık yaşamak istemiyorum, çok yoruldum",
])
def test_not_wanting_to_live_is_a_crisis(text):
    assert CrisisTerms.from_content().match(text), text


@pytest.mark.parametrize("text", [
    "I don't want to live in Germany anymore, I want to go home", "here I don't want to live any more",
    "ما بدي عيش بهالبلد، بدي ارجع", "в Германии жить не хочу, хочу домой", "burada yaşamak istemiyorum",
    "نمی‌خواهم در آلمان زندگی کنم", "ich will nicht mehr leben hier, ich will zurück",
])
def test_not_wanting_to_live_somewhere_is_a_plan_not_a_crisis(text):
    assert CrisisTerms.from_content().match(text) is None


def test_uncovered_wins_when_its_share_reaches_the_threshold():
    from components.overrides import uncovered_wins

    ranking = [{"name": "faq", "confidence": 0.7}, {"name": "uncovered", "confidence": 0.12}]
    assert uncovered_wins(ranking, "faq", 0.1)
    assert not uncovered_wins(ranking, "faq", 0.2)
    # never over a crisis, the clarifying question or an answer that already says "uncovered"
    for intent in ("crisis", "nlu_fallback", "uncovered"):
        assert not uncovered_wins(ranking, intent, 0.1)


def test_uncovered_guard_changes_the_intent_not_a_button_payload():
    from components.overrides import UncoveredGuard
    from rasa.shared.nlu.training_data.message import Message

    guard = UncoveredGuard(0.1)
    ranking = [{"name": "faq", "confidence": 0.6}, {"name": "uncovered", "confidence": 0.3}]
    message = Message(data={"text": "Kann ich mein Auto verkaufen?", "intent": {"name": "faq", "confidence": 0.6},
                            "intent_ranking": ranking})
    payload = Message(data={"text": "/faq/travel_costs", "intent": {"name": "faq", "confidence": 1.0},
                            "intent_ranking": ranking})
    guard.process([message, payload])
    assert message.get("intent")["name"] == "uncovered"
    assert payload.get("intent")["name"] == "faq"


def _new_language_crises() -> dict:
    import yaml
    from pathlib import Path
    return yaml.safe_load((Path(__file__).resolve().parents[1] / "nlu" / "crisis.yml").read_text(encoding="utf-8"))


#: Crisis wordings in the four languages added by issue 21, written before their terms by someone who never
#: saw them (tests/nlu/crisis.yml): each must reach the crisis answer; the everyday uses must not.
@pytest.mark.parametrize("text", [t for code in ("es", "ka", "sq", "mk") for t in _new_language_crises()[code]])
def test_crisis_terms_catch_unseen_wordings_in_the_new_languages(text):
    assert CrisisTerms.from_content().match(text), text


@pytest.mark.parametrize("text", [t for texts in _new_language_crises()["not_crisis"].values() for t in texts])
def test_everyday_uses_in_the_new_languages_are_not_crises(text):
    assert not CrisisTerms.from_content().match(text), text


def test_a_language_not_offered_becomes_other_language_with_its_code():
    from components.overrides import OtherLanguageGuard

    msg = message("Скільки грошей я отримаю на дорогу додому?")
    OtherLanguageGuard().process([msg])
    assert msg.get("intent")["name"] == "other_language"
    assert msg.get("other_language") == "uk"
    assert "other_language" in msg.as_dict(only_output_properties=True)


@pytest.mark.parametrize("text", ["Wie viel Geld bekomme ich?", "¿Quién paga el billete de avión?",
                                  "Колку пари ќе добијам за патот?", "ვინ იხდის ავიაბილეთს?"])
def test_offered_languages_keep_the_classifiers_intent(text):
    from components.overrides import OtherLanguageGuard

    msg = message(text)
    OtherLanguageGuard().process([msg])
    assert msg.get("intent")["name"] == "faq" and msg.get("other_language") is None


def test_crisis_wins_over_other_language_in_the_pipeline_order():
    from components.overrides import OtherLanguageGuard
    from wegweiser.paths import PROJECT_ROOT
    from wegweiser.content import read_yaml

    names = [step["name"].rsplit(".", 1)[-1] for step in read_yaml(PROJECT_ROOT / "config.yml")["pipeline"]]
    assert names.index("OtherLanguageGuard") < names.index("CrisisGuard")
    msg = message("Скільки грошей, I want to kill myself")
    OtherLanguageGuard().process([msg])
    CrisisGuard().process([msg])
    assert msg.get("intent")["name"] == "crisis"


#: Russian typed in Latin letters, as many write on a phone without a Cyrillic keyboard (a crisis message in
#: the fresh held-out set went to the distress answer before these terms).
@pytest.mark.parametrize("text, crisis", [
    ("mne ochen ploho, hochu pokonchit s soboj", True), ("ya ne hochu zhit bolshe", True), ("hochu umeret", True),
    ("ne hochu zhit v germanii", False), ("ne hochu zhit zdes, hochu domoj", False),
])
def test_romanised_russian_crisis_terms(text, crisis):
    assert bool(CrisisTerms.from_content().match(text)) is crisis


#: General crisis wordings in the four languages of issue 21 and their registers: Latin-American Spanish,
#: Albanian without ë/ç, Macedonian and Georgian in Latin letters (written with the general terms of c21;
#: tuned on, like the six languages' list above).
@pytest.mark.parametrize("text", [
    "ya no aguanto, me voy a suicidar esta noche", "a veces pienso en matarme", "prefiero estar muerta que seguir así",
    "mi novio me pegó otra vez anoche", "mi hermano se tomó unas pastillas y no despierta", "mi vecina tomó cloro",
    "mi hijo está convulsionando", "mi papá perdió el conocimiento", "me duele el pecho muy fuerte",
    "me quieren matar los de la pandilla", "mi mamá no está respirando", "me hago cortes en los brazos",
    "no le encuentro sentido a la vida", "ya no quiero seguir viviendo",
    "dua me vdek, nuk mundem me", "jeta ime nuk ka kuptim", "burri me goditi perseri", "vellai mori te gjitha tabletat",
    "nena ra te fiket dhe nuk zgjohet", "babai ka dhimbje ne gjoks dhe djersitet", "me kercenon me vdekje",
    "nuk po merr fryme", "djali ka krize epileptike", "lendova veten perseri", "nuk dua me te jetoj",
    "sakam da se ubijam", "zivotot nema smisla vise", "mazot me udri i me pretepa", "bratot ispiv mnogu tableti",
    "majka mi izgubi svest", "tatko mi ima bolki vo gradite", "sosedot ima noz i saka da me ubie", "детето не дише",
    "подобро да умрам", "мажот ме удри", "ne mi se zhivee vekje",
    "tavs moviklav aghar shemidzlia", "cxovrebas azri ar aqvs", "qmari mcems yovel dghe", "dedam bevri abi dalia",
    "mama ar suntqavs", "bavshvs krunchxva aqvs", "guli wauvida da gons ar modis", "tavs vichri xolme",
    "ბავშვს ეპილეფსიური შეტევა აქვს", "tskhovreba aghar minda",
])
def test_general_crisis_terms_of_the_four_languages_in_their_registers(text):
    assert CrisisTerms.from_content().match(text), text


@pytest.mark.parametrize("text", [
    "quiero cortarme el pelo antes del viaje", "me mata el calor en este país", "puedo llevar mis pastillas en el avión",
    "el consejero no responde a mis mensajes", "tengo epilepsia, puedo viajar en avión",
    "no quiero vivir en Alemania, quiero regresar a mi país", "ya no quiero vivir acá, quiero volver",
    "kam shume tableta per zemren, a mund t'i marr ne aeroplan", "koka po me vret pak", "nuk dua te jetoj ne gjermani me",
    "nuk dua me te jetoj ketu", "a mund te udhetoj me arme gjuetie",
    "ne sakam da ziveam vo germanija", "ne sakam da ziveam tuka, sakam doma", "имам таблети за притисок",
    "не сакам да живеам во Германија",
    "cxovreba ar minda germaniashi", "ramdeni puli mchirdeba", "წამლები მჭირდება გზაში", "he insulted me at the office",
])
def test_everyday_uses_in_the_four_languages_registers_are_not_crises(text):
    assert CrisisTerms.from_content().match(text) is None, text


def test_no_crisis_term_matches_a_non_crisis_training_example():
    """High precision: a term that matches an ordinary question would send that question to the crisis answer."""
    import yaml
    from wegweiser.paths import PROJECT_ROOT

    guard = CrisisTerms.from_content()
    texts = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if block.get("intent") not in (None, "crisis") and "examples" in block:
                texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    assert len(texts) > 10000
    flagged = [(text, guard.match(text)) for text in texts if guard.match(text)]
    assert not flagged, flagged[:20]


def _ambiguous(first, second, answer_share=0.6):
    message = Message(data={"text": "My asylum case was finally rejected. What are my options now?"})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.35})
    message.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.35}, {"name": first, "confidence": 0.44},
                                   {"name": second, "confidence": 0.43}, {"name": "ask_support", "confidence": 0.1}])
    message.set("response_selector", {"faq": {"response": {"confidence": answer_share,
                                                           "intent_response_key": "faq/departure_deadline"}}})
    return AnswerFirst().process([message])[0]


@pytest.mark.parametrize("first, second", [("faq", "legal_own_case"), ("legal_own_case", "faq"),
                                           ("request_human", "faq"), ("faq", "request_human")])
def test_an_faq_close_to_the_way_to_a_person_answers_first(first, second):
    message = _ambiguous(first, second)
    assert message.get("intent")["name"] == "faq"
    assert "nlu_fallback" not in [r["name"] for r in message.get("intent_ranking")]


@pytest.mark.parametrize("first, second, share", [("faq", "ask_support", 0.6), ("greet", "legal_own_case", 0.6),
                                                  ("faq", "legal_own_case", 0.1)])
def test_other_doubts_and_unclear_answers_stay_a_fallback(first, second, share):
    assert _ambiguous(first, second, share).get("intent")["name"] == "nlu_fallback"


def test_a_weak_best_intent_stays_a_fallback():
    message = Message(data={"text": "hm"})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.35})
    message.set("intent_ranking", [{"name": "nlu_fallback", "confidence": 0.35}, {"name": "faq", "confidence": 0.3},
                                   {"name": "legal_own_case", "confidence": 0.29}])
    assert AnswerFirst().process([message])[0].get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize("text", ["0151 23456789", "+49 (0)151 234-567", "0151", "12.03.2025", "3", " 2 / 3 "])
def test_a_number_alone_is_an_answer(text):
    message = Message(data={"text": text})
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.4})
    assert NumberOnly().process([message])[0].get("intent")["name"] == "inform"


@pytest.mark.parametrize("text", ["3 children", "112 please", "", "/affirm", "...", "+", "-"])
def test_text_with_a_number_is_left_to_the_classifier(text):
    message = Message(data={"text": text})
    message.set("intent", {"name": "faq", "confidence": 0.9})
    assert NumberOnly().process([message])[0].get("intent")["name"] == "faq"


def test_overrides_are_created_from_their_config_numbers():
    from components.overrides import UncoveredGuard

    assert UncoveredGuard.create({"min_share": 0.3}, None, None, None)._min_share == 0.3
    first = AnswerFirst.create({"threshold": 0.4}, None, None, None)
    assert (first._threshold, first._answer_threshold) == (0.4, 0.25)
    assert isinstance(NumberOnly.create({}, None, None, None), NumberOnly)


def test_the_wide_language_detector_is_built_when_the_guard_loads():
    """The detector of languages not on offer is built with the model, not on the first message (issue 19)."""
    from components.overrides import OtherLanguageGuard
    from wegweiser.nlu import other_language

    other_language._wide_lingua.cache_clear()
    guard = OtherLanguageGuard()
    assert other_language._wide_lingua.cache_info().currsize == 1
    msg = Message({"text": "Dobar dan, zanima me koliko novca dobijam ako se vratim kući"})
    guard.process([msg])
    assert other_language._wide_lingua.cache_info().currsize == 1
