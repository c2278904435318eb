"""Crisis terms (content/safety.yml) against everyday language: no non-crisis training example and no everyday
use of the new indirect terms may get the crisis answer; idioms with kill/die are not crises; and the crisis
development set (tests/components/crisis_dev.yml, task x21) stays out of the training data."""
from __future__ import annotations

from pathlib import Path

import pytest

from wegweiser.content import read_yaml
from wegweiser.nlu.safety import CrisisTerms
from wegweiser.paths import PROJECT_ROOT

DEV_SET = Path(__file__).with_name("crisis_dev.yml")


def _training(crisis: bool):
    for path in sorted((PROJECT_ROOT / "data" / "nlu").rglob("*.yml")):
        for block in read_yaml(path).get("nlu") or []:
            if (block.get("intent") == "crisis") is not crisis:
                continue
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield block.get("intent"), line.strip()[2:].strip()


def test_no_crisis_term_matches_a_non_crisis_training_example():
    terms = CrisisTerms.from_content()
    matched = [(intent, text, terms.match(text)) for intent, text in _training(crisis=False) if terms.match(text)]
    assert not matched, matched[:20]


def test_the_development_set_is_not_training_data():
    def key(text):
        return text.lower().strip(" ?!.¿")

    training = {key(text) for crisis in (True, False) for _, text in _training(crisis)}
    dev = read_yaml(DEV_SET)
    texts = [t for part in ("crisis", "not_crisis") for texts in dev[part].values() for t in texts]
    assert len(texts) == 120
    assert not [t for t in texts if key(t) in training]


#: Everyday sentences a returnee might write with the words of the indirect terms (luggage, debts, appointments,
#: homeland, idioms): none is a crisis.
EVERYDAY = [
    "Darf ich Rasierklingen im Handgepäck mitnehmen?", "can I take razor blades in my hand luggage",
    "bagajda jilet taşıyabilir miyim", "можно ли взять лезвие для бритвы в багаж",
    "will my debts be a burden for my family at home", "ما بدي كون عالة على الدولة، بدي ارجع",
    "не хочу быть обузой для государства, хочу вернуться", "نمی‌خواهم سربار دولت باشم",
    "is there no way out of the Dublin procedure?", "I can't go on the flight without a passport, can I?",
    "боюсь не проснуться вовремя к рейсу", "می‌ترسم صبح بیدار نشم و پروازم را از دست بدهم",
    "завтра меня не будет дома, можно позвонить в пятницу?", "بكرا ما رح كون موجود بالبيت، فيني اجي بعدين؟",
    "die Behörde reagiert nicht mehr auf meine Mails", "is someone abusing my data?",
    "my father had a stroke last year, can he still fly?", "после инсульта можно ли лететь домой",
    "پدرم سکته کرده، می‌تواند پرواز کند؟", "babam felç geçirdi, uçağa binebilir mi?",
    "shoot me a message when the date is fixed", "The waiting is killing me, how long does it take?",
    "this heat is going to kill me", "Das Warten bringt mich um", "die Hitze bringt mich um",
    "bu sıcak beni öldürecek", "bu bekleyiş beni öldürüyor", "الانتظار يقتلني", "الشوق بيقتلني لأهلي",
    "жара убьёт меня", "ожидание меня прикончит", "хочу снова жить на родине",
    "не хочу жить в Германии, хочу снова на родину", "artık Almanya'da yaşamak istemiyorum, memleketimde yaşamak istiyorum",
    "نمی‌خواهم زندگی کنم اینجا، می‌خواهم دوباره در وطنم باشم", "ما بدي عيش هون، بدي ارجع على وطني",
    "I don't want to live here, I want to go back to my home country", "ich will nicht mehr leben in der Heimat meines Mannes",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_uses_of_the_indirect_terms_are_not_crises(text):
    assert CrisisTerms.from_content().match(text) is None, text


@pytest.mark.parametrize("text", [
    "the waiting is killing me and my husband said he will kill me tonight",
    "die Hitze ist schlimm, aber mein Mann hat eine Pistole", "الحر كتير بس جوزي معه مسدس",
    "жара ужасная, а он сказал, что убьёт меня сегодня",
    "beklemek zor ama eski kocam elinde silah ile kapıda",
])
def test_an_idiom_does_not_hide_another_crisis_term(text):
    assert CrisisTerms.from_content().match(text), text


@pytest.mark.parametrize("text, typed", [
    ("ölmek istiyorum", "olmek istiyorum"), ("hayatıma son vereceğim", "hayatima son verecegim"),
    ("kendimi öldüreceğim", "kendimi oldurecegim"), ("yaşamaktan yoruldum", "yasamaktan yoruldum"),
    ("می‌خواهم بمیرم", "می خواهم بمیرم"), ("نمی‌خواهم زندگی کنم", "نمی خواهم زندگی کنم"),
])
def test_terms_match_without_accents_or_with_the_persian_prefix_apart(text, typed):
    terms = CrisisTerms.from_content()
    assert terms.match(text) and terms.match(typed), (text, typed)
