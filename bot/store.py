"""The gateway's own records (SQLAlchemy 2; SQLite by default, PostgreSQL through DATABASE_URL).

Two tables, both keyed by the pseudonym, never by a Telegram id:
- ``gateway_updates``: every update as it arrives, so a duplicate is recognised and an update that was
  received but not answered before a crash is answered after the restart. The raw update (which holds the
  message text and Telegram ids) is kept only until it has been answered, then cleared.
- ``gateway_people``: the language a person chose and when they last wrote (for the retention job).
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import List, Optional, Tuple

from sqlalchemy import BigInteger, Boolean, String, Text, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import UTC, Base, make_engine, utcnow

#: the gateway's columns were made without a time zone; they keep naive UTC and read back aware
_TIME = UTC(timezone=False)


class UpdateRow(Base):
    __tablename__ = "gateway_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    person: Mapped[Optional[str]] = mapped_column(String(64), index=True)
    payload: Mapped[Optional[str]] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(_TIME, default=utcnow)
    processed_at: Mapped[Optional[dt.datetime]] = mapped_column(_TIME, index=True)


class PersonRow(Base):
    __tablename__ = "gateway_people"

    person: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[Optional[str]] = mapped_column(String(16))
    last_active: Mapped[dt.datetime] = mapped_column(_TIME, default=utcnow, index=True)
    #: the deep-link parameter of /start (a campaign or centre code), passed to Rasa as metadata
    source: Mapped[Optional[str]] = mapped_column(String(64))
    #: the message carrying the newest keyboard; a button on any other message is an old one
    keyboard_message: Mapped[Optional[int]] = mapped_column(BigInteger)
    #: the person switched off keeping their not-understood questions (sent to Rasa as `learn_opt_out`)
    learn_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)


def _touch(session: Session, person: str) -> None:
    row = session.get(PersonRow, person)
    if row is None:
        session.add(PersonRow(person=person, last_active=utcnow()))
    else:
        row.last_active = utcnow()


class Seen(enum.Enum):
    NEW = "new"
    PENDING = "pending"  # stored before, not answered yet (a restart, or a duplicate while in flight)
    DONE = "done"


class Store:
    def __init__(self, url: str, **engine_options: object) -> None:
        # private file, WAL, timeouts, and no raw updates or pseudonyms in error messages (bot/db.py)
        self.engine: Engine = make_engine(url, **engine_options)
        Base.metadata.create_all(self.engine, tables=[UpdateRow.__table__, PersonRow.__table__])
        # INSERT ... ON CONFLICT in the dialect's own construct (SQLite and PostgreSQL both have it), built once
        insert = postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        self._add_update = insert(UpdateRow).on_conflict_do_nothing(index_elements=[UpdateRow.update_id])
        touch = insert(PersonRow)
        self._touch_person = touch.on_conflict_do_update(index_elements=[PersonRow.person],
                                                         set_={"last_active": touch.excluded.last_active})

    def close(self) -> None:
        self.engine.dispose()

    # --- updates: dedup and persist-before-process ---
    def record_update(self, update_id: int, person: Optional[str], payload: str) -> Seen:
        """Stores the update (and the person's activity, for retention) in one transaction.

        Two prepared upserts rather than ORM objects: this runs before every update is handled, and a burst
        of updates is recorded one after another."""
        now = utcnow()
        with self.engine.begin() as connection:
            added = connection.execute(self._add_update, {"update_id": update_id, "person": person,
                                                          "payload": payload, "received_at": now}).rowcount
            if added and person is not None:
                connection.execute(self._touch_person, {"person": person, "last_active": now})
            if added:
                return Seen.NEW
            processed = connection.execute(select(UpdateRow.processed_at)
                                           .where(UpdateRow.update_id == update_id)).scalar()
        return Seen.DONE if processed else Seen.PENDING

    def finish_update(self, update_id: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(UpdateRow).where(UpdateRow.update_id == update_id)
                               .values(processed_at=utcnow(), payload=None))

    def update_state(self, update_id: int) -> Optional[Seen]:
        """NEW is never returned: None means no row (not received yet, or deleted with its person)."""
        with Session(self.engine) as session:
            row = session.execute(select(UpdateRow.processed_at).where(UpdateRow.update_id == update_id)).first()
        if row is None:
            return None
        return Seen.DONE if row[0] else Seen.PENDING

    def unfinished_updates(self) -> List[Tuple[int, str]]:
        with Session(self.engine) as session:
            rows = session.execute(select(UpdateRow.update_id, UpdateRow.payload)
                                   .where(UpdateRow.processed_at.is_(None), UpdateRow.payload.is_not(None))
                                   .order_by(UpdateRow.update_id))
            return [(int(update_id), str(payload)) for update_id, payload in rows]

    def prune_updates(self, before: dt.datetime) -> int:
        """Forget answered updates; Telegram does not redeliver after 24 hours, so a day is plenty."""
        with Session(self.engine) as session, session.begin():
            result = session.execute(delete(UpdateRow).where(UpdateRow.processed_at < before))
            return int(result.rowcount or 0)

    # --- people ---
    def touch(self, person: str) -> None:
        with Session(self.engine) as session, session.begin():
            _touch(session, person)

    def update_person(self, person: str, **values: object) -> None:
        """Sets language, source or keyboard_message, creating the person's row when needed."""
        with Session(self.engine) as session, session.begin():
            row = session.get(PersonRow, person)
            if row is None:
                session.add(PersonRow(person=person, last_active=utcnow(), **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)

    def person(self, person: str) -> Optional[PersonRow]:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(PersonRow, person)

    def inactive_people(self, since: dt.datetime) -> List[str]:
        with Session(self.engine) as session:
            return list(session.scalars(select(PersonRow.person).where(PersonRow.last_active < since)))

    def delete_person(self, person: str) -> int:
        with Session(self.engine) as session, session.begin():
            removed = session.execute(delete(PersonRow).where(PersonRow.person == person)).rowcount or 0
            removed += session.execute(delete(UpdateRow).where(UpdateRow.person == person)).rowcount or 0
            return int(removed)

    def holds(self, person: str) -> bool:
        """Whether any row still mentions this person (tests and the delete confirmation use it)."""
        with Session(self.engine) as session:
            return bool(session.scalar(select(PersonRow.person).where(PersonRow.person == person))
                        or session.scalar(select(UpdateRow.update_id).where(UpdateRow.person == person)))
