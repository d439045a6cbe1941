"""Balise's own store: sites, people and attempts (nbgrader keeps the grades).

SQLite in WAL mode by default, any SQLAlchemy URL otherwise. Sessions are
short: ``with store.session() as s:`` commits or rolls back on exit.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import pandas as pd
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

ROLES = ("learner", "trainer", "coordinator")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Added by migration 0004: where it is, and the activities done there (a JSON list of
    # :data:`balise.store.programme.ACTIVITIES`; read them with :attr:`activity_list`).
    address: Mapped[str] = mapped_column(String(300), default="")
    activities: Mapped[str] = mapped_column(String(300), default="[]")

    @property
    def activity_list(self) -> list[str]:
        try:
            found = json.loads(self.activities or "[]")
        except ValueError:
            return []
        return [a for a in found if isinstance(a, str)] if isinstance(found, list) else []


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), nullable=True)
    language: Mapped[str] = mapped_column(String(5), default="fr")
    password_hash: Mapped[str] = mapped_column(String(200))
    # Added by migration 0002: where and what the person works, and the placement.
    team_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    activity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    placement_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    placement_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Added by migration 0003: how she reads her pages ('both', 'fr' or 'en'); None until
    # she chooses, when pages show both languages, French first.
    reading: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # Added by migration 0004: the trainer who follows her, and the day her placement ended.
    # A person whose placement ended is archived: her history is kept, she cannot sign in,
    # and she is out of the current figures (:func:`balise.progress.tables.current`).
    # ``placement_end`` is the planned end; ``ended_on`` the real one, set by the pages.
    trainer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Added by migration 0005: her next sign-in asks for a new password first (a coordinator
    # reset it: how an account added from the pages gets its first password).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def archived(self) -> bool:
        return self.ended_on is not None


class Attempt(Base):
    """One submission of a module by a learner; its grade lives in nbgrader's gradebook."""

    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", "number"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    module_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    graded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    message: Mapped[str | None] = mapped_column(String(500), nullable=True)
    failures: Mapped[int] = mapped_column(default=0)
    # {question id: [score, max score]}, as graded by nbgrader, as JSON text.
    details: Mapped[str | None] = mapped_column(nullable=True)
    # What a trainer should look at (a sheet holding code, an edited graded cell), as JSON.
    flags: Mapped[str | None] = mapped_column(nullable=True)


class SavedAnswer(Base):
    """A learner's latest answer to one item of a module, saved as she goes."""

    __tablename__ = "saved_answers"
    learner_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))      # JSON
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrailEntry(Base):
    """One line of the trail: who did what, when, to which person, site or team.

    Every change made through :mod:`balise.store.admin` writes one, and so does each
    opening of a person's page by a trainer or a coordinator (``kind`` ``person.view``).
    ``changes`` is JSON ``{field: [before, after]}``. ``form_key``, when a form sent one,
    makes a second post of the same form find the first one's result instead of adding
    again. Lines are only ever added.
    """

    __tablename__ = "trail"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    site_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    team_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    changes: Mapped[str] = mapped_column(Text, default="{}")
    form_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class Badge(Base):
    """A learner's badge: keyed hashes of its token and short code, never either one.

    Issued, checked and revoked by :mod:`balise.store.badges` (which says why a keyed hash
    is enough here). Added by migration 0005.
    """

    __tablename__ = "badges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def upgrade(engine) -> None:
    """Bring the schema to the newest revision in ``balise/store/migrations`` (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Store:
    def __init__(self, url: str):
        self.engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def person(self, person_id: str) -> Person | None:
        with self.session() as s:
            return s.get(Person, person_id)

    def is_empty(self) -> bool:
        with self.session() as s:
            return s.scalar(select(Person.id).limit(1)) is None

    def frame(self, model: type[Base], *where) -> pd.DataFrame:
        """A table as a frame, columns named as in the model; ``where``: its rows that match."""
        columns = [c.name for c in model.__table__.columns]
        with self.engine.connect() as conn:
            rows = conn.execute(select(model.__table__).where(*where)).all()
        # Plain tuples: pandas looks at the type of every row it is given, and a
        # SQLAlchemy Row costs it far more to look at (half the dashboard's reading time).
        return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)

    def dispose(self) -> None:
        self.engine.dispose()


# The programme's tables share Base: importing them registers them with it.
from balise.store import certification, programme, records  # noqa: E402,F401
