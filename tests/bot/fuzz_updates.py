"""Generated Telegram updates for the fuzz test (tests/bot/test_fuzz.py): every kind a bot can receive,
odd texts and forged button data, from a seeded random generator. Each update is returned with what the
test expects of it (`Expect`)."""
from __future__ import annotations

import hashlib
import json
import random
import string
from dataclasses import dataclass
from typing import Iterator, List, Optional

PEOPLE = range(20_000, 20_400)          # private chats
OUTSIDERS = range(30_000, 30_050)        # people writing only in groups the bot must leave
GROUP_WRITERS = range(40_000, 40_020)    # people writing in the counsellors' group (not members)
FOREIGN_GROUPS = [-4_000_000 - i for i in range(12)]
COUNSELLOR_GROUP = -1_009_000_000
LANGUAGE_CODES = ["de", "en", "ar", "fa", "ru", "tr", "uk", "ps", None, "xx-YY"]

WORDS = ["Hallo", "wie viel Geld bekomme ich", "Reisebeihilfe", "who pays the ticket", "من يدفع ثمن التذكرة",
         "هزینه بلیط", "сколько денег", "bilet parası", "Kosovo", "Irak", "2 Erwachsene 3 Kinder", "ok", "5",
         "🙂", "👨‍👩‍👧‍👦", "‏", "stop", "English please", "بالعربية", "nein", "ja"]
ODD = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2066", "\u2067", "\u2069", "\u202e", "\ufeff",
       "\u0000", "\ud7ff", "\U0001f1e9\U0001f1ea", "ﷺ", "\u0301", "A\u030a", "\t", "\n\n", "\r\n"]
INTENT_STRINGS = ['/greet{"language": "en"}', '/inform{"handoff_name": "x"}', '/request_human', '/faq/travel_costs',
                  '/choose_language{"language":"ar"}', '/restart', '/session_start', '/nlu_fallback{}',
                  '/x{' + '"a":' * 50 + '1' + '}' * 50]
COMMANDS = ["/start", "/start campaign_a", "/start " + "x" * 80, "/help", "/language", "/privacy", "/delete",
            "/counsellor", "/cases", "/reply 1 hallo", "/end", "/propose 1 2030-01-01 10:00", "/unknown",
            "/start@wegweiser_test_bot", "/ä"]
BUTTON_DATA = ["l:de", "l:ar", "l:xx", "d:yes", "d:no", "p:off", "p:on", "r:/faq/travel_costs", "r:/affirm",
               'r:/inform{"handoff_contact":"phone"}', "case:1:take", "case:²:take", "case:1", "case:",
               "case:99999999999999999999:close", "appt:1:0", "appt:5", "appt:x:y", "", "x" * 64, "r:",
               "l:", "🙂" * 16, "case:1:take:extra", "d:maybe"]
#: kinds this version of python-telegram-bot does not know (Telegram adds new ones every few months)
UNKNOWN_KINDS = ["brand_new_kind", "zz_story_reaction", "zz_paid_reaction_v2", "x_future_update"]


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def token_of(sender: str, text: str) -> str:
    """What the fake Rasa puts into its answer, so each answer can be traced to its message."""
    return hashlib.sha1(f"{sender}\x00{text}".encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


@dataclass
class Expect:
    update: dict
    #: a private text that goes to Rasa: its answer must arrive exactly once
    to_rasa: Optional[str] = None
    #: from a group the bot must leave: nothing may be stored for it
    foreign: bool = False


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.update_id = 500_000
        self.message_ids: dict = {}

    # --- pieces ---
    def _next_message_id(self, chat_id: int) -> int:
        self.message_ids[chat_id] = self.message_ids.get(chat_id, 0) + 1
        return self.message_ids[chat_id]

    def _user(self, user_id: int) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": self.rng.choice(["Ali", "سمير", "Лена", "A" * 64, "‮x"])}
        code = self.rng.choice(LANGUAGE_CODES)
        if code:
            user["language_code"] = code
        return user

    def _chat(self, chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "X"}
        return {"id": chat_id, "type": self.rng.choice(["group", "supergroup"]), "title": "Gruppe"}

    def _message(self, user_id: int, chat_id: int, **fields) -> dict:
        return {"message_id": self._next_message_id(chat_id), "date": 1_765_000_000, "chat": self._chat(chat_id),
                "from": self._user(user_id), **fields}

    def text(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.05:
            return "".join(rng.choice(string.ascii_letters + " ") for _ in range(4096))  # at the limit
        if kind < 0.08:  # Arabic and emoji up to exactly 4096 UTF-16 units
            text = ""
            while utf16_units(text + "سلام 🙂 ") <= 4096:
                text += "سلام 🙂 "
            return text.strip() or "سلام"
        if kind < 0.2:
            return "".join(rng.choice(ODD) for _ in range(rng.randint(1, 8))) + rng.choice(WORDS)
        if kind < 0.28:
            return " " + rng.choice(INTENT_STRINGS)  # not a command for Telegram, but Rasa's intent syntax
        if kind < 0.3:
            return rng.choice(["   ", "\u200b", "🙂", ".", "؟"])
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))

    # --- updates ---
    def _update(self, **content) -> dict:
        self.update_id += 1
        return {"update_id": self.update_id, **content}

    def private_text(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        text = self.text()
        message = self._message(user, user, text=text)
        return Expect(self._update(message=message), to_rasa=text)

    def private_command(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        text = self.rng.choice(COMMANDS + INTENT_STRINGS)
        command = text.split()[0]
        message = self._message(user, user, text=text,
                                entities=[{"type": "bot_command", "offset": 0, "length": len(command)}])
        return Expect(self._update(message=message))

    def media(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        rng = self.rng
        kind = rng.choice(["photo", "voice", "document", "sticker", "location", "contact", "video_note", "dice",
                           "audio", "animation", "venue"])
        content = {
            "photo": {"photo": [{"file_id": "p", "file_unique_id": "pu", "width": 9, "height": 9}],
                      **({"caption": "🙂" * 512} if rng.random() < 0.3 else {})},
            "voice": {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 2}},
            "document": {"document": {"file_id": "d", "file_unique_id": "du", "file_name": "‮fdp.exe"}},
            "sticker": {"sticker": {"file_id": "s", "file_unique_id": "su", "type": "regular", "width": 9,
                                    "height": 9, "is_animated": False, "is_video": False}},
            "location": {"location": {"latitude": 53.55, "longitude": 9.99}},
            "contact": {"contact": {"phone_number": "+4915100000000", "first_name": "A"}},
            "video_note": {"video_note": {"file_id": "n", "file_unique_id": "nu", "length": 9, "duration": 1}},
            "dice": {"dice": {"emoji": "🎲", "value": 3}},
            "audio": {"audio": {"file_id": "a", "file_unique_id": "au", "duration": 3}},
            "animation": {"animation": {"file_id": "g", "file_unique_id": "gu", "width": 9, "height": 9,
                                        "duration": 1}},
            "venue": {"venue": {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "t", "address": "a"}},
        }[kind]
        return Expect(self._update(message=self._message(user, user, **content)))

    def edit(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        message = self._message(user, user, text=self.text(), edit_date=1_765_000_100)
        return Expect(self._update(edited_message=message))

    def forward(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        origin = {"type": "hidden_user", "date": 1_765_000_000, "sender_user_name": "X"}
        message = self._message(user, user, text=self.text(), forward_origin=origin)
        return Expect(self._update(message=message))

    def button(self) -> Expect:
        user = self.rng.choice(PEOPLE)
        chat = user if self.rng.random() < 0.85 else self.rng.choice([COUNSELLOR_GROUP] + FOREIGN_GROUPS)
        message = {"message_id": self.rng.randint(1, 50), "date": 1_765_000_000, "chat": self._chat(chat),
                   "from": {"id": 7000000001, "is_bot": True, "first_name": "Wegweiser"}, "text": "…"}
        query = {"id": str(self.update_id + 1), "from": self._user(user), "chat_instance": "c",
                 "data": self.rng.choice(BUTTON_DATA)}
        if self.rng.random() < 0.1:  # a message older than 48 hours: Telegram sends it as inaccessible
            message = {"message_id": message["message_id"], "date": 0, "chat": message["chat"]}
        inline = self.rng.random() < 0.05
        if inline:  # a button under an inline message: no chat at all
            query["inline_message_id"] = "inline-1"
        else:
            query["message"] = message
        return Expect(self._update(callback_query=query), foreign=chat in FOREIGN_GROUPS and not inline)

    def group_message(self) -> Expect:
        foreign = self.rng.random() < 0.7
        chat = self.rng.choice(FOREIGN_GROUPS) if foreign else COUNSELLOR_GROUP
        user = self.rng.choice(OUTSIDERS if foreign else GROUP_WRITERS)
        text = self.rng.choice(COMMANDS + WORDS + INTENT_STRINGS)
        fields = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if self.rng.random() < 0.3:
            fields["reply_to_message"] = {"message_id": self.rng.randint(1, 40), "date": 0,
                                          "chat": self._chat(chat), "text": "…"}
        return Expect(self._update(message=self._message(user, chat, **fields)), foreign=foreign)

    def membership(self) -> Expect:
        chat = self.rng.choice(FOREIGN_GROUPS)
        status = self.rng.choice(["member", "left", "kicked", "member"])
        bot = {"id": 7000000001, "is_bot": True, "first_name": "Wegweiser"}
        old = {"status": "left", "user": bot}
        new = {"status": status, "user": bot, **({"until_date": 0} if status == "kicked" else {})}
        update = self._update(my_chat_member={"chat": self._chat(chat), "from": self._user(self.rng.choice(OUTSIDERS)),
                                              "date": 1_765_000_000, "old_chat_member": old, "new_chat_member": new})
        return Expect(update, foreign=True)

    def channel_post(self) -> Expect:
        chat = self.rng.choice(FOREIGN_GROUPS)
        post = {"message_id": self._next_message_id(chat), "date": 1_765_000_000,
                "chat": {"id": chat, "type": "channel", "title": "Kanal"}, "text": self.text()}
        return Expect(self._update(**{self.rng.choice(["channel_post", "edited_channel_post"]): post}), foreign=True)

    def unknown(self) -> Expect:
        kind = self.rng.choice(UNKNOWN_KINDS)
        return Expect(self._update(**{kind: {"chat": {"id": self.rng.choice(PEOPLE), "type": "private"},
                                             "date": 1_765_000_000, "odd": [1, {"x": None}]}}))

    def duplicate(self, earlier: List[Expect]) -> Expect:
        """Telegram sends an update again (its update_id was not confirmed): handled once."""
        original = self.rng.choice(earlier)
        return Expect(json.loads(json.dumps(original.update)), foreign=original.foreign)

    def updates(self, count: int) -> Iterator[Expect]:
        kinds = [(self.private_text, 40), (self.private_command, 9), (self.media, 9), (self.edit, 4),
                 (self.forward, 4), (self.button, 14), (self.group_message, 9), (self.membership, 1),
                 (self.channel_post, 2), (self.unknown, 4)]
        makers = [maker for maker, weight in kinds for _ in range(weight)]
        made: List[Expect] = []
        while len(made) < count:
            if made and self.rng.random() < 0.01:
                expect = self.duplicate(made)
            else:
                expect = self.rng.choice(makers)()
            made.append(expect)
            yield expect
