"""The prevention programme's records: teams, field validations, quarter-hours, warm-ups,
safety visits, accidents, hours worked, certificates and assigned refreshers.

Tables beside the people and attempts of :mod:`balise.store.models`, in the same
database, created by Alembic migration 0002. Trainers write most of them from
a phone; coordinators read them as frames (:meth:`balise.store.models.Store.frame`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from balise.store.models import Base, utcnow

ACTIVITIES = ("logistics", "construction", "circular-economy", "transport", "digital")


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(40))
    # Added by migration 0004: the trainer who leads it (a person of its site), if any.
    trainer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class FieldValidation(Base):
    """A practical skill a trainer saw done right in the field (e.g. a correct lift)."""

    __tablename__ = "field_validations"
    __table_args__ = (UniqueConstraint("learner_id", "skill"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    skill: Mapped[str] = mapped_column(String(64))
    trainer_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")


class QuarterHour(Base):
    """A team's monthly safety quarter-hour: its topic and who attended."""

    __tablename__ = "quarter_hours"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    trainer_id: Mapped[str] = mapped_column(ForeignKey("people.id"))


class Attendance(Base):
    __tablename__ = "attendance"
    quarter_hour_id: Mapped[int] = mapped_column(ForeignKey("quarter_hours.id"),
                                                 primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)


class WarmUp(Base):
    """A daily warm-up on gestures and postures, by team."""

    __tablename__ = "warm_ups"
    __table_args__ = (UniqueConstraint("team_id", "on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    trainer_id: Mapped[str] = mapped_column(ForeignKey("people.id"))


class SafetyVisit(Base):
    """A behavioural safety visit; a finding linked to a module sends it as a refresher."""

    __tablename__ = "safety_visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    on: Mapped[date] = mapped_column(Date)
    finding: Mapped[str] = mapped_column(String(500))
    module_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Added by migration 0006 (its grid is :class:`balise.store.records.VisitMark`): who
    # visited, whether the conversation took place, what follows (action, module, none).
    visitor_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    talked: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up: Mapped[str | None] = mapped_column(String(20), nullable=True)


class Accident(Base):
    __tablename__ = "accidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    activity: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    lost_time: Mapped[bool] = mapped_column(Boolean, default=False)
    days_lost: Mapped[int] = mapped_column(Integer, default=0)
    module_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Added by migration 0006: the hour ("HH:MM"), the person hurt (optional), what
    # happened, the first aid given, the day the declaration was sent (within 48 hours,
    # Code de la sécurité sociale art. R441-3) and who recorded it. Its cause tree is
    # :class:`balise.store.records.CauseFact`.
    at: Mapped[str | None] = mapped_column(String(5), nullable=True)
    person_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    what_happened: Mapped[str] = mapped_column(String(2000), default="")
    first_aid: Mapped[str] = mapped_column(String(1000), default="")
    declared_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class HoursWorked(Base):
    """Hours worked in a month on a site, in an activity: the rates' denominator."""

    __tablename__ = "hours_worked"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    activity: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)     # first day of the month
    hours: Mapped[float] = mapped_column(Float)


class Certificate(Base):
    """A route certified: its public code is random, never a sequence."""

    __tablename__ = "certificates"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    route_id: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    modules: Mapped[str] = mapped_column(String(2000))      # JSON [{module, passed_on}]


class RevokedCertificate(Base):
    """A certificate whose learner was erased (GDPR art. 17): its code alone is kept, so
    the public check page answers "révoquée" rather than "unknown" to whoever holds a
    printed copy. Nothing in it says who she was."""

    __tablename__ = "revoked_certificates"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    route_id: Mapped[str] = mapped_column(String(64))
    revoked_on: Mapped[date] = mapped_column(Date)


class Refresher(Base):
    """A module to take again: expired, sent by a visit or an accident, or spaced repetition."""

    __tablename__ = "refreshers"
    __table_args__ = (UniqueConstraint("learner_id", "module_id", "reason", "due_on"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))         # expired, visit, accident, spaced
    due_on: Mapped[date] = mapped_column(Date)
    questions: Mapped[str] = mapped_column(String(500), default="[]")   # JSON, for spaced
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_on: Mapped[date | None] = mapped_column(Date, nullable=True)
