"""Writes tests/stories/test_faq_topics.yml from the table below: every FAQ topic asked in two languages.

Kept as a script so the table stays readable; the generated YAML is committed and run by `rasa test`.
"""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TOPICS = {
    "what_is_return": [("de", "Erklären Sie mir bitte, was Rückkehrberatung genau ist"), ("fa", "مشاوره بازگشت داوطلبانه یعنی چه؟")],
    "counselling_free": [("en", "Do I have to pay anything for the counselling?"), ("ru", "Консультация платная или нет?")],
    "no_obligation": [("tr", "Danışmanlığa gidersem geri dönmek zorunda mıyım?"), ("de", "Muss ich ausreisen, nur weil ich mich beraten lasse?")],
    "how_to_apply": [("ar", "أين أقدم طلب العودة الطوعية؟"), ("en", "Where do I submit the application for REAG/GARP?")],
    "eligibility": [("de", "Kann jeder das Rückkehrprogramm bekommen oder gibt es Bedingungen?"), ("ru", "Кто может получить поддержку на возвращение?")],
    "eu_citizens": [("en", "I'm a Romanian citizen, can I get this support?"), ("tr", "AB vatandaşları bu programdan yararlanabilir mi?")],
    "data_privacy": [("fa", "اطلاعات من را به کسی می‌دهید؟"), ("de", "Was passiert mit meinen Daten in diesem Chat?")],
    "bot_identity": [("en", "Is this an automatic program answering me?"), ("ar", "هل أنت إنسان أم برنامج؟")],
    "languages": [("ru", "На каких языках вы отвечаете?"), ("de", "In welchen Sprachen kann ich schreiben?")],
    "travel_costs": [("de", "Wer zahlt mir die Fahrt zum Flughafen und den Flug?"), ("ar", "هل تدفعون ثمن تذكرة الطائرة؟")],
    "travel_allowance": [("en", "How much travel money is there per adult?"), ("tr", "Yol harçlığı kişi başı ne kadar?")],
    "startup_aid": [("ru", "Сколько стартовой помощи дают взрослому?"), ("de", "Wie hoch ist die Starthilfe?")],
    "medical_support": [("ar", "أنا مريض، هل هناك مساعدة طبية بعد العودة؟"), ("en", "Is there money for medical treatment after I arrive?")],
    "children": [("de", "Bekommen meine Kinder auch Geld?"), ("fa", "برای بچه‌ها هم پول می‌دهند؟")],
    "processing_time": [("tr", "Başvuru ne kadar sürede sonuçlanır?"), ("en", "How many weeks does the application take?")],
    "payout": [("de", "Wo wird mir das Geld ausgezahlt?"), ("ru", "Где выдают деньги, в аэропорту?")],
    "documents": [("en", "Which papers should I bring for the application?"), ("ar", "ما هي الأوراق التي أحتاجها للعودة؟")],
    "passport": [("de", "Mein Reisepass ist abgelaufen, was nun?"), ("fa", "گذرنامه ندارم چکار کنم؟")],
    "border_certificate": [("en", "What is a Grenzübertrittsbescheinigung?"), ("tr", "Grenzübertrittsbescheinigung ne işe yarar?")],
    "withdraw_asylum": [("de", "Was passiert mit meinem Asylantrag, wenn ich freiwillig zurückgehe?"), ("ru", "Что будет с моим делом о предоставлении убежища, если я уеду добровольно?")],
    "departure_deadline": [("en", "How long is the deadline to leave Germany usually?"), ("ar", "كم هي مهلة المغادرة عادة؟")],
    "third_country": [("de", "Kann ich auch in ein anderes Land als meine Heimat ausreisen?"), ("tr", "Kendi ülkem yerine başka bir ülkeye gidebilir miyim?")],
    "before_leaving": [("en", "What should I cancel or settle before I leave Germany?"), ("fa", "قبل از رفتن چه کارهایی را باید انجام بدهم؟")],
    "come_back_later": [("de", "Darf ich später wieder nach Deutschland kommen?"), ("ar", "هل يمكنني العودة إلى ألمانيا لاحقا؟")],
    "starthilfeplus": [("en", "What is StarthilfePlus?"), ("ru", "Что такое StarthilfePlus?")],
    "reintegration": [("de", "Gibt es Hilfe nach der Ankunft im Heimatland?"), ("tr", "Döndükten sonra orada destek var mı?")],
    "syria": [("ar", "هل يمكنني العودة إلى سوريا بالبرنامج؟"), ("en", "Is return to Syria supported?")],
    "ura_kosovo": [("de", "Was ist URA im Kosovo?"), ("en", "Can I get URA support in Kosovo if I live in Hamburg?")],
    "counselling_centre": [("fa", "آدرس مرکز مشاوره کجاست؟"), ("de", "Wo ist die Beratungsstelle in Hamburg?")],
    "protection_status": [("de", "Ich habe subsidiären Schutz. Was passiert mit meinem Status, wenn ich nach Syrien zurückkehre?"), ("ar", "لدي حماية لاجئ في ألمانيا، هل أخسرها إذا عدت إلى بلدي؟")],
    "entry_ban": [("en", "Who has to pay when someone is deported?"), ("tr", "Sınır dışı edilirsem masrafları kim öder?")],
    "pension_refund": [("de", "Kann ich meine eingezahlten Rentenbeiträge zurückbekommen, wenn ich ausreise?"), ("ru", "Вернут ли мне взносы в пенсионную страховку после отъезда?")],
    "debts_fines": [("en", "I have unpaid fines, can I still go home?"), ("fa", "جریمه دارم که هنوز نپرداخته‌ام، می‌توانم برگردم؟")],
    "luggage": [("de", "Wie viele Koffer darf ich im Flugzeug mitnehmen?"), ("ar", "كم حقيبة مسموح أن آخذ في الطائرة؟")],
    "pets": [("en", "Is it possible to bring my cat home with me?"), ("tr", "Kedimi de yanımda götürmem mümkün mü?")],
    "children_documents": [("de", "Welche Dokumente braucht mein in Deutschland geborenes Baby für die Rückkehr?"), ("fa", "فرزندم در آلمان متولد شده، برای سفر چه مدارکی لازم دارد؟")],
    "certificates": [("en", "Will my German school certificate be accepted in my country?"), ("ru", "Нужен ли апостиль на немецкий аттестат?")],
    "dublin": [("de", "Ich habe einen Dublin-Bescheid, kann ich trotzdem freiwillig nach Hause?"), ("ar", "عندي قرار دبلن، هل يمكنني العودة إلى بلدي طوعًا؟")],
    "benefits_until_departure": [("en", "Do I keep my benefits until my flight?"), ("tr", "Uçuşa kadar sosyal yardımım devam eder mi?")],
    "change_of_mind": [("de", "Was passiert, wenn ich nach der Bewilligung doch hierbleiben will?"), ("ru", "Можно ли передумать, если заявление уже одобрено?")],
    "unaccompanied_minors": [("en", "I am 16 and here without my parents, can I go back?"), ("ar", "أنا قاصر بدون أهلي في ألمانيا، هل يمكنني العودة؟")],
    "visit_first": [("de", "Kann ich erst einmal zu Besuch in mein Land fliegen, bevor ich mich entscheide?"), ("fa", "می‌توانم اول برای دیدن به کشورم سفر کنم بعد تصمیم بگیرم؟")],
    "departure_day": [("de", "Wie sieht der Tag aus, an dem ich zurückfliege?"), ("ru", "Что меня ждёт в аэропорту в день отъезда?")],
    "who_books": [("en", "Is it me or the programme who books my ticket?"), ("tr", "Uçak biletimi kim ayırtacak?")],
    "own_ticket": [("ar", "اشتريت تذكرتي بنفسي، هل ما زلت أحصل على المساعدة؟"), ("de", "Ich habe mein Flugticket schon selbst bezahlt, gibt es trotzdem Förderung?")],
    "family_situations": [("fa", "اگر شوهرم بعداً بیاید، او هم کمک می‌گیرد؟"), ("en", "My son stays in Germany but my wife and I go back, how does that work?")],
    "distress": [("tr", "Geri dönmeyi düşünmek beni çok korkutuyor, kimseyle konuşamıyorum"), ("de", "Ich mache mir große Sorgen wegen der Rückkehr und schlafe schlecht")],
    "counselling_language": [("ru", "Можно ли пройти консультацию на дари?"), ("en", "Can I have the counselling in Arabic?")],
}


def turn(text: str, topic: str, first: bool) -> list:
    steps = [{"user": text, "intent": f"faq/{topic}"}, {"action": "utter_faq"},
             {"action": "action_fact_note"}]
    return steps + ([{"action": "utter_intro"}] if first else [])


def main() -> None:
    stories = []
    for topic, asks in TOPICS.items():
        steps = []
        for i, (language, text) in enumerate(asks):
            steps += turn(text, topic, first=i == 0)
        stories.append({"story": f"{topic} ({', '.join(l for l, _ in asks)})", "steps": steps})
    body = yaml.safe_dump({"version": "3.1", "stories": stories}, allow_unicode=True, sort_keys=False, width=200)
    header = "# Generated by scripts/make_test_stories.py: every FAQ topic in two languages.\n"
    (ROOT / "tests" / "stories" / "test_faq_topics.yml").write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    main()
