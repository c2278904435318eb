"""Questions the assistant did not understand, kept so the team can turn them into training examples.

What is kept is deliberately little: the text with phone numbers, e-mail addresses, IBANs and other long
digit strings replaced, the language, the likeliest topic, and the day — no sender, no time of day, so a
reviewer cannot link a stored question to a conversation. So that /delete and the gateway's retention
still reach a person's questions (a scrubbed text can hold a name or an address), each row carries
`origin`: a one-way hash of the conversation's pseudonym (`origin_of`), which only a caller who already
knows the pseudonym can match (`delete_from`). Rows older than the retention period
(UNANSWERED_RETENTION_DAYS, default 30) are deleted on every write and on every review. Nothing is kept
when the person opted out (`learn_opt_out: true` in the message metadata, set by the gateway).

The store is a SQLite file in the data dir (WEGWEISER_DATA_DIR, default .data/unanswered.db).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Mapping, Optional

from wegweiser.paths import PROJECT_ROOT
from wegweiser.private_files import private_sqlite

DEFAULT_RETENTION_DAYS = 30
OPT_OUT_KEY = "learn_opt_out"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# IBAN: two letters, two check digits, then groups of four letters/digits (written with or without spaces)
IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b")
LABEL = re.compile(r"\[(?:email|iban|phone|number)\]")
# a run of digits with the separators people type in phone numbers, dates and account numbers
DIGIT_RUN = re.compile(r"(?:\+|\b00)?\(?\d[\d\s().\-/]*\d\)?|\+?\d")
#: runs with at least this many digits are removed (amounts and ages stay: "200 €", "18")
LONG_DIGITS = 6


@dataclass(frozen=True)
class Settings:
    database: Path
    retention_days: int

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ.get("WEGWEISER_DATA_DIR", PROJECT_ROOT / ".data"))
        days = int(os.environ.get("UNANSWERED_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
        if days < 1:
            raise ValueError("UNANSWERED_RETENTION_DAYS must be at least 1")
        return cls(database=data_dir / "unanswered.db", retention_days=days)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _replace_digit_run(match: re.Match) -> str:
    run = match.group(0)
    if _digits(run) < LONG_DIGITS:
        return run
    trailing = run[len(run.rstrip()):]
    label = "[phone]" if run.lstrip().startswith(("+", "0", "(")) else "[number]"
    return label + trailing


def scrub(text: str) -> str:
    """The text without e-mail addresses, IBANs, phone numbers and other long digit strings."""
    text = EMAIL.sub("[email]", text)
    text = IBAN.sub(lambda m: "[iban]" if _digits(m.group(0)) >= LONG_DIGITS else m.group(0), text)
    text = DIGIT_RUN.sub(_replace_digit_run, text)
    return " ".join(text.split())


def opted_out(metadata: Optional[Mapping[str, Any]], slot_value: Any = None) -> bool:
    return bool((metadata or {}).get(OPT_OUT_KEY)) or slot_value is True


def origin_of(sender: Optional[str]) -> Optional[str]:
    """The one-way key a question's row carries instead of its sender (None without a sender)."""
    if not sender:
        return None
    return hashlib.sha256(f"wegweiser-unanswered:{sender}".encode("utf-8")).hexdigest()[:32]


def _connect(database: Path) -> sqlite3.Connection:
    private_sqlite(database)  # owner-only, even when the action server runs with a looser umask
    connection = sqlite3.connect(database, timeout=10)
    connection.execute(
        "CREATE TABLE IF NOT EXISTS unanswered (id INTEGER PRIMARY KEY, day TEXT NOT NULL, "
        "language TEXT, guess TEXT, text TEXT NOT NULL, origin TEXT)")
    columns = {row[1] for row in connection.execute("PRAGMA table_info(unanswered)")}
    if "origin" not in columns:  # a store from before /delete reached it
        connection.execute("ALTER TABLE unanswered ADD COLUMN origin TEXT")
    connection.execute("CREATE INDEX IF NOT EXISTS unanswered_origin ON unanswered (origin)")
    return connection


def delete_from(database: Path, sender: str) -> int:
    """Deletes the questions that came from this pseudonym (/delete, retention); returns how many."""
    if not database.exists():
        return 0
    with closing(_connect(database)) as connection, connection:
        return connection.execute("DELETE FROM unanswered WHERE origin = ?", (origin_of(sender),)).rowcount


def purge(database: Path, older_than_days: int, today: Optional[dt.date] = None) -> int:
    """Deletes questions kept longer than `older_than_days`; returns how many."""
    limit = ((today or dt.date.today()) - dt.timedelta(days=older_than_days)).isoformat()
    with closing(_connect(database)) as connection, connection:
        return connection.execute("DELETE FROM unanswered WHERE day < ?", (limit,)).rowcount


def store(settings: Settings, text: str, language: Optional[str], guess: Optional[str],
          today: Optional[dt.date] = None, sender: Optional[str] = None) -> Optional[str]:
    """Keeps the scrubbed question (and purges old ones); returns what was kept, None if nothing."""
    kept = scrub(text)
    if not any(ch.isalpha() for ch in LABEL.sub("", kept)):
        return None
    today = today or dt.date.today()
    purge(settings.database, settings.retention_days, today)
    with closing(_connect(settings.database)) as connection, connection:
        connection.execute("INSERT INTO unanswered (day, language, guess, text, origin) VALUES (?, ?, ?, ?, ?)",
                           (today.isoformat(), language, guess, kept, origin_of(sender)))
    return kept


@dataclass(frozen=True)
class Question:
    day: str
    language: Optional[str]
    guess: Optional[str]
    text: str


def all_questions(database: Path) -> List[Question]:
    if not database.exists():
        return []
    with closing(_connect(database)) as connection:
        rows = connection.execute("SELECT day, language, guess, text FROM unanswered ORDER BY id").fetchall()
    return [Question(*row) for row in rows]


def grouped(questions: List[Question], distance: float = 0.75) -> List[List[Question]]:
    """Similar questions together (TF-IDF of character n-grams, agglomerative clustering by cosine
    distance), largest group first; works across scripts and with typos."""
    if len(questions) < 2:
        return [questions] if questions else []
    # scikit-learn is Rasa's: only `make review` groups questions; the gateway (.venv/bot) imports this module
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    features = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(
        [q.text.lower() for q in questions])
    clustering = AgglomerativeClustering(n_clusters=None, distance_threshold=distance, affinity="cosine",
                                         linkage="average")
    labels = clustering.fit_predict(features.toarray())
    groups: dict = {}
    for label, question in zip(labels, questions):
        groups.setdefault(label, []).append(question)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0].text))
