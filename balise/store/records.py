"""The Zero Accident programme's own records, beyond the counts: an accident's cause tree,
a safety visit's grid, hazard and near-miss reports by anyone, and one action plan.

Tables created by Alembic migration 0006, beside :mod:`balise.store.programme` (whose
``accidents`` and ``safety_visits`` rows they hang from). People are referred to by id;
an erasure (issue "Reports, exports and personal data") finds them by those columns:
``accidents.person_id``, ``hazard_reports.reporter_id``, ``actions.owner_id``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from balise.store.models import Base, utcnow

# A cause tree's facts, after INRS ED 6163: who, the task, the equipment, the
# surroundings; and the injury the tree explains (its root, drawn at the right).
FACT_KINDS = ("injury", "who", "task", "equipment", "environment")
# The themes of a behavioural safety visit's grid, in the order of the form.
VISIT_THEMES = ("ppe", "postures", "traffic", "tidiness", "tools", "signs")
# What a visit leads to: an action of the plan, a refresher module for the team, nothing.
VISIT_FOLLOW_UPS = ("action", "module", "none")
# What a hazard report is about, each drawn as a pictogram on the form.
HAZARD_KINDS = ("fall", "slip", "load", "vehicle", "fire", "electricity", "chemical", "other")
HAZARD_STATES = ("new", "in_hand", "closed")
# What started an action of the plan.
ACTION_SOURCES = ("cause", "visit", "hazard", "committee")
ACTION_STATES = ("open", "done")


class CauseFact(Base):
    """One fact of an accident's cause tree (INRS ED 6163): a thing that happened, not a
    judgement ("the pallet was broken", not "carelessness")."""

    __tablename__ = "cause_facts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    accident_id: Mapped[int] = mapped_column(ForeignKey("accidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500))


class CauseLink(Base):
    """``cause_id`` was needed for ``effect_id`` to happen: an arrow of the tree."""

    __tablename__ = "cause_links"
    effect_id: Mapped[int] = mapped_column(ForeignKey("cause_facts.id"), primary_key=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause_facts.id"), primary_key=True)


class VisitMark(Base):
    """One theme of a safety visit's grid: seen safe or at risk, with a note."""

    __tablename__ = "visit_marks"
    visit_id: Mapped[int] = mapped_column(ForeignKey("safety_visits.id"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(20), primary_key=True)
    safe: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(500), default="")


class HazardReport(Base):
    """A hazard or a near miss reported by anyone on a site, learners included.

    ``photo`` is a file name in the data folder's ``photos/`` (re-encoded without
    its metadata), shown only to the site's trainer and to coordinators.
    ``outcome`` is what the reporter reads on her page once it is closed.
    """

    __tablename__ = "hazard_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    reporter_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(500), default="")
    photo: Mapped[str | None] = mapped_column(String(100), nullable=True)
    state: Mapped[str] = mapped_column(String(10), default="new")
    outcome: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class Action(Base):
    """One action of the plan, whatever started it (``source``, ``source_id``): an
    accident's cause (a :class:`CauseFact` id), a visit, a hazard report, a committee."""

    __tablename__ = "actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), nullable=True,
                                                index=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="open")
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
