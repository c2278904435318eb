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


#: Crisis messages in Georgian and Macedonian (script and Latin as typed), every kind of crisis, in wordings written
#: for issue 21 before the terms were widened: the terms must catch them without the classifier.
NEW_CRISES = {
    "ka": [
        "მინდა თავი მოვიკლა, აღარ ვიცი რა ვქნა", "ამაღამ მოვიკლავ თავს", "ვაპირებ თავის მოკვლას",
        "სიკვდილზე ვფიქრობ ყოველ დღე", "ნეტავ მოვკვდე და მორჩა", "აღარ მინდა ცოცხალი ვიყო",
        "ჩემს სიცოცხლეს დღეს დავასრულებ", "მაჯები გადავიჭერი", "ისევ ვიჭრი ხელს სამართებლით",
        "ბევრი წამალი გადავყლაპე", "დამ ყველა აბი გადაყლაპა", "ბავშვმა ქლორი დალია",
        "ქმარი მახრჩობდა წუხელ", "ყოფილმა ქმარმა მითხრა, მოგკლავო", "ბიძაშვილმა გამაუპატიურა",
        "ბებია გაითიშა და არ იღვიძებს", "ქმარს გული გაუჩერდა", "მამას ინსულტი დაემართა",
        "ბიჭს ეპილეფსიის შეტევა აქვს", "ხელი გავიჭერი და სისხლი არ ჩერდება", "მკერდი ძალიან მტკივა და ხელი მიბუჟდება",
        "minda tavi movikla", "ar maqvs sicocxlis survili", "vapireb tavis mokvlas", "sikvdilze vfiqrob",
        "bevri wamali gadavylape", "dedachemi gaitisha da ar igvidzebs", "mamas insulti daemarta",
        "qmari memuqreba rom momklavs",
    ],
    "mk": [
        "ќе се самоубијам вечерва", "сакам да си одам од овој свет", "размислувам да се убијам",
        "подобро да не сум жив", "не сакам да живеам веќе", "ги исеков рацете со жилет", "секој ден се сечам по рацете",
        "испив цела кутија апчиња", "брат ми се напи апчиња", "детето испи варикина", "мажот ме тепа секоја вечер",
        "сопругот ме малтретира и ме затвора дома", "се заканува дека ќе ме закоље", "бев силувана",
        "татко ми изгуби свест и не се буди", "мајка ми доби мозочен удар", "губи многу крв од раката",
        "го прободоа со нож", "татко ми има силна болка во градите", "брат ми има епилептичен напад",
        "kje se ubijam veceras", "posakuvam da umram", "maz mi me tepa", "se zakanuva deka ke me ubie",
        "ispiv mnogu apcinja", "ne dishe bebeto", "dobi mozocen udar", "me udira dechko mi",
    ],
}

#: Everyday messages that share words with the Georgian, Macedonian, Albanian and Spanish terms (a phone that died, dying to go home,
#: the heat that kills, a haircut, pills or a knife in the luggage): none is a crisis.
NEW_EVERYDAY = {
    "ka": [
        "ტელეფონი მომიკვდა, სად დავტენო?", "სიცხე მკლავს, როდის არის ფრენა?", "მოვკვდი სიცილით",
        "ვკვდები, ისე მინდა სახლში წასვლა", "თმა შევიჭერი და ფოტო ახალი მჭირდება", "ეს ფასები მკლავს, ბილეთი ძვირია",
        "ბარგში დანა შეიძლება ჩავდო?", "ლოდინი მკლავს, როდის იქნება პასუხი?", "აბები ბარგში შეიძლება წავიღო?",
        "ინტერნეტი გაითიშა, ვერ გამოვაგზავნე", "მამაჩემს ინსულტის შემდეგ შეუძლია ფრენა?",
        "telefoni momikvda", "sicxe mklavs", "lodini mklavs", "tma shevichri", "movkvdi sicilit",
    ],
    "mk": [
        "ми умре телефонот, ќе пишам подоцна", "умирам да си одам дома", "жештината ќе ме убие",
        "ја скратив косата, треба нова слика?", "билетот ме чини цело богатство", "може ли нож во рачниот багаж?",
        "мртов сум уморен од чекање", "смеам ли да носам апчиња за притисок во авион?", "не сакам да живеам во Германија",
        "умрев од смеа", "чекањето ме убива", "батеријата ми умре", "службата не реагира на мејлови",
        "umiram da si odam doma", "telefonot mi umre", "zeshtinata ke me ubie", "mozam li da nosam apcinja vo avion",
    ],
    "sq": [
        "babai pati një goditje në tru vitin e kaluar, a mund të udhëtojë?", "po vdes të shkoj në shtëpi",
        "më vdiq telefoni", "vapa më vret", "prita më vret, sa zgjat?", "preva flokët, më duhet foto e re?",
        "a mund të marr thikë në valixhe?", "bileta më kushton një pasuri", "a mund të marr tableta gjumi në avion?",
    ],
    "es": [
        "mi papá tuvo un derrame el año pasado, ¿puede volar?", "me muero por volver a casa", "se me murió el celular",
        "este calor me mata", "la espera me está matando", "me corté el pelo, ¿necesito foto nueva?",
        "¿puedo llevar un cuchillo en la maleta?", "el boleto me cuesta un ojo de la cara", "quiero irme de este país",
    ],
}


@pytest.fixture(scope="module")
def terms():
    return CrisisTerms.from_content()


#: written before the terms; the one the terms do not catch (a word between "my life" and "I will end") stays a
#: known gap of word lists, for the classifier
MISSED = {"ჩემს სიცოცხლეს დღეს დავასრულებ"}


@pytest.mark.parametrize("language, text", [
    (lang, t) if t not in MISSED else pytest.param(lang, t, marks=pytest.mark.xfail(strict=True))
    for lang, texts in NEW_CRISES.items() for t in texts])
def test_new_crisis_wordings_match_a_term(terms, language, text):
    assert terms.match(text), (language, text)


@pytest.mark.parametrize("language, text", [(lang, t) for lang, texts in NEW_EVERYDAY.items() for t in texts])
def test_new_everyday_wordings_are_not_crises(terms, language, text):
    assert terms.match(text) is None, (language, text)


@pytest.mark.parametrize("typed, written", [
    ("tavis mok'vla minda", "tavis mokvla minda"), ("ќе се самоубијам", "ke se samoubijam"),
    ("мажот ме малтретира", "mazhot me maltretira"), ("ქმარი მცემს", "qmari mcems"),
])
def test_georgian_and_macedonian_terms_match_in_latin_letters(terms, typed, written):
    assert terms.match(typed) and terms.match(written), (typed, written)


#: Georgian and Macedonian sets of task crisis21c (tests/components/crisis_kamk.yml), written before its terms: set A
#: was tuned on, set B measured once at the end. What the terms alone reached on B, per language: (crisis messages
#: caught of 25, everyday look-alikes flagged of 12). Before the task: ka (6, 2), mk (9, 4).
KAMK_SETS = Path(__file__).with_name("crisis_kamk.yml")
SET_B_REACHED = {"ka": (10, 0), "mk": (10, 2)}


def test_the_georgian_and_macedonian_sets_are_not_training_data():
    def key(text):
        return text.lower().strip(" ?!.¿")

    training = {key(text) for crisis in (True, False) for _, text in _training(crisis)}
    sets = read_yaml(KAMK_SETS)
    texts = [t for name in ("set_a", "set_b", "set_c") for parts in sets[name].values() for texts in parts.values() for t in texts]
    assert len(texts) == 2 * (45 + 37 + 30)
    assert not [t for t in texts if key(t) in training]


@pytest.mark.parametrize("language", sorted(SET_B_REACHED))
def test_the_terms_keep_their_figures_on_the_georgian_and_macedonian_test_set(terms, language):
    part = read_yaml(KAMK_SETS)["set_b"][language]
    caught = sum(bool(terms.match(t)) for t in part["crisis"])
    flagged = [t for t in part["not_crisis"] if terms.match(t)]
    least, most = SET_B_REACHED[language]
    assert caught >= least and len(flagged) <= most, (caught, flagged)
