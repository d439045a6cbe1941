"""Each learner's certification, kept in the store so the dashboard reads it in one query.

Working certification out from scratch (:meth:`balise.context.BaliseContext.status`) reads
nbgrader's gradebook, every attempt and the status of every learner on every module: 29 s
at 100,000 learners × 20 modules (``benchmarks/report.py``), on every view of the
coordinator's dashboard. Here one row per learner (``learner_certification``) keeps what
that work comes to, and only what does not depend on the day:

- ``routes``: how many routes her job family (``activity``) has; none, and nobody can say
  when she should be certified;
- ``complete``: every module of those routes passed at least once (the counted score,
  :meth:`~balise.context.BaliseContext.scores`) and every field validation signed;
- ``until``: when complete, the earliest expiry of those passes (passed on + the module's
  validity), when the certification stops holding.

What the day decides (certified today, expiring within 30 or 60 days, overdue) is worked
out when read, with ``today`` (:func:`certification_frame`): a stored "expiring" would
be wrong the next morning. Who counts where (site, placement, archived) is read from
``people`` at the same time, never copied here, so a move of site or an ended placement
needs nothing from this module.

The row is worked out by :func:`refresh`, with the very functions of the pages
(:func:`balise.progress.status.module_status` and
:func:`~balise.progress.status.certification`) for one learner or many: the same
figures by construction, checked against the from-scratch path by
``tests/balise/test_certification_table.py``. A row is worked out again when:

- a grade or a field validation of hers is written, added or deleted: every ORM write of
  an :class:`~balise.store.models.Attempt` graded or a
  :class:`~balise.store.programme.FieldValidation` marks her in ``certification_stale``
  in the same transaction (:func:`_mark_on_flush`), whatever page, worker or command
  wrote it: the grading worker only adds that one row, and the next reading refreshes
  the few learners marked. Writes that bypass the ORM call :func:`mark`;
- her row is missing (a new learner, someone who became one) or was worked out for
  another job family (an edit of her activity): seen when read, from ``people``;
- the catalogue or the routes changed (a pass mark, a validity, a route's modules): the
  ``basis`` stored with each row no longer matches and every row is worked out again.

Erasure needs nothing either: both tables have a ``learner_id`` column, which
:mod:`balise.store.erasure` deletes by reading the schema; a row whose learner is no
longer one is deleted at the next reading.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from itertools import chain

import pandas as pd
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    not_,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from balise.store.models import Attempt, Base, Person
from balise.store.programme import FieldValidation

# A day before any pass: every pass "holds" on it, so status and certification worked out
# on it give what was passed and until when, with no day's judgement in them.
BEFORE_ANY_PASS = date(1900, 1, 1)
# Up to this many learners are read from the gradebook by id; more, the whole of it.
BY_ID = 400
COLUMNS = ["learner_id", "activity", "basis", "routes", "complete", "until"]


class LearnerCertification(Base):
    """What one learner's certification comes to, whatever the day (see the module)."""

    __tablename__ = "learner_certification"
    learner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    activity: Mapped[str | None] = mapped_column(String(40), nullable=True)
    basis: Mapped[str] = mapped_column(String(16))
    routes: Mapped[int] = mapped_column(Integer)
    complete: Mapped[bool] = mapped_column(Boolean)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)


class CertificationStale(Base):
    """A learner whose row must be worked out again. Rows are deleted by their ``id`` once
    read and worked out, so a mark written meanwhile stays for the next reading."""

    __tablename__ = "certification_stale"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(String(64), index=True)


def _changes_certification(obj) -> bool:
    return isinstance(obj, FieldValidation) or (
        isinstance(obj, Attempt) and obj.status == "graded")


@event.listens_for(Session, "before_flush")
def _mark_on_flush(session, _context, _instances) -> None:
    """Mark the learner of every graded attempt or field validation written, added or
    deleted in this flush; in the same transaction, so the mark commits with the change."""
    if isinstance(session, Session) and (session.new or session.dirty or session.deleted):
        who = {obj.learner_id for obj in chain(session.new, session.dirty)
               if _changes_certification(obj)}
        who |= {obj.learner_id for obj in session.deleted
                if isinstance(obj, (Attempt, FieldValidation))}
        for learner in sorted(w for w in who if w):
            session.add(CertificationStale(learner_id=learner))


def mark(store, learners) -> None:
    """Mark ``learners`` for a refresh: for writes that do not go through the ORM."""
    rows = [{"learner_id": who} for who in dict.fromkeys(learners)]
    if rows:
        with store.engine.begin() as conn:
            conn.execute(insert(CertificationStale.__table__), rows)


def basis(catalogue, routes, score_policy: str) -> str:
    """A digest of what a row was worked out with: modules' pass marks and validities,
    the routes, the score policy. Changing any of them makes every row stale."""
    modules = sorted((m.id, m.pass_mark, m.validity_months) for m in catalogue.values())
    paths = [(r.id, sorted(r.jobs), list(r.modules), r.skills, r.pass_mark, r.validity_months)
             for r in routes]
    text = json.dumps([modules, paths, str(score_policy)], default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def work_out(ctx, people: pd.DataFrame) -> pd.DataFrame:
    """The rows of the learners in ``people`` (id, activity), worked out from the gradebook,
    attempts and validations with the pages' own functions; columns :data:`COLUMNS`."""
    from balise.grading.results import module_totals
    from balise.progress.status import certification, module_status

    ids = list(people.id)
    if not ids:
        return pd.DataFrame(columns=COLUMNS)
    some = ids if len(ids) <= BY_ID else None
    totals = module_totals(ctx.config.gradebook_url, learners=some)
    attempts = ctx.attempt_scores(learners=some)
    validations = ctx.validations(learners=some)
    if some is None:
        wanted = set(ids)
        totals = totals[totals.learner.isin(wanted)]
        attempts = attempts[attempts.learner_id.isin(wanted)]
    validations = validations[validations.learner.isin(set(ids))]
    status = module_status(ids, {m.id: m.validity_months for m in ctx.catalogue.values()},
                           ctx.scores(totals, attempts), attempts, BEFORE_ANY_PASS)
    cert = certification(status, validations, ctx.routes, people)
    until = pd.to_datetime(cert.valid_until)
    per = (cert.assign(until=until).groupby("learner")
           .agg(routes=("route", "size"), complete=("certified", "all"), until=("until", "min")))
    out = people[["id", "activity"]].rename(columns={"id": "learner_id"}).merge(
        per, left_on="learner_id", right_index=True, how="left")
    out["routes"] = out.routes.fillna(0).astype(int)
    out["complete"] = out.complete.fillna(False).astype(bool)
    out["until"] = [d.date() if d is not None and pd.notna(d) and c else None
                    for d, c in zip(out.until, out.complete)]
    out["basis"] = basis(ctx.catalogue, ctx.routes, ctx.config.score_policy)
    return out[COLUMNS].reset_index(drop=True)


def _stale(conn, digest: str) -> tuple[list[str], list[str], list[int]]:
    """Learners whose row is missing, stale (marked, another job family, another basis);
    rows whose learner is no longer one; the marks' ids. Joins on the keys, in the database."""
    p, lc = Person.__table__, LearnerCertification.__table__
    todo = conn.execute(
        select(p.c.id).select_from(p.outerjoin(lc, lc.c.learner_id == p.c.id))
        .where(p.c.role == "learner",
               or_(lc.c.learner_id.is_(None), lc.c.basis != digest,
                   func.coalesce(lc.c.activity, "") != func.coalesce(p.c.activity, ""))))
    todo = [r[0] for r in todo]
    gone = [r[0] for r in conn.execute(
        select(lc.c.learner_id).select_from(lc.outerjoin(p, p.c.id == lc.c.learner_id))
        .where(or_(p.c.id.is_(None), p.c.role != "learner")))]
    marks = conn.execute(select(CertificationStale.id, CertificationStale.learner_id)).all()
    todo = sorted(set(todo) | ({m[1] for m in marks} - set(gone)))
    return todo, gone, [m[0] for m in marks]


def _write(store, rows: pd.DataFrame, gone: list[str], marks: list[int]) -> None:
    table = LearnerCertification.__table__
    stale = CertificationStale.__table__
    ids = list(rows.learner_id) + gone
    records = [dict(zip(COLUMNS, r)) for r in rows.itertuples(index=False)]
    for r in records:
        r["complete"], r["routes"] = bool(r["complete"]), int(r["routes"])
    try:
        with store.engine.begin() as conn:
            for start in range(0, len(ids), BY_ID):
                conn.execute(delete(table).where(table.c.learner_id.in_(ids[start:start + BY_ID])))
            if records:
                conn.execute(insert(table), records)
            for start in range(0, len(marks), BY_ID):
                conn.execute(delete(stale).where(stale.c.id.in_(marks[start:start + BY_ID])))
    except IntegrityError:
        pass        # another reading wrote the same rows meanwhile: theirs are as good


def refresh(ctx) -> int:
    """Work out again the rows missing or stale (see the module), and delete those of people
    who are no longer learners; how many were worked out. Nothing to do, it still joins every
    learner to her row (0.3 s at 100,000): the dashboard's counts look for stale rows in their
    own query and call this only when they find some (:func:`certification_counts`)."""
    digest = basis(ctx.catalogue, ctx.routes, ctx.config.score_policy)
    with ctx.store.engine.connect() as conn:
        todo, gone, marks = _stale(conn, digest)
    if not (todo or gone or marks):
        return 0
    if len(todo) <= BY_ID:
        people = ctx.store.frame(Person, Person.id.in_(todo))
    else:
        people = ctx.store.frame(Person)
        people = people[people.id.isin(set(todo))]
    people = people[people.role == "learner"]
    _write(ctx.store, work_out(ctx, people), gone, marks)
    return len(people)


def rebuild(ctx) -> int:
    """Work every learner's row out again (after a change the basis cannot see, or to fill
    a store at once rather than at its first reading); how many rows."""
    people = ctx.store.frame(Person)
    with ctx.store.engine.connect() as conn:
        _, gone, marks = _stale(conn, basis(ctx.catalogue, ctx.routes, ctx.config.score_policy))
    fresh = work_out(ctx, people[people.role == "learner"])
    _write(ctx.store, fresh, gone, marks)
    return len(fresh)


def _certified(lc, today: date):
    """Certified on ``today``: complete, and its passes still hold (``until`` after today;
    a route without modules has no ``until`` and holds while complete)."""
    return and_(lc.c.complete.is_(True), or_(lc.c.until.is_(None), lc.c.until > today))


def certification_frame(ctx, today: date) -> pd.DataFrame:
    """What :func:`balise.progress.status.certification` gives on ``today``, as
    :func:`balise.progress.indicators.learner_certification` reads it: one row per learner
    with a route (learner, route, certified, valid_until), from the kept rows.

    A learner with several routes has one row for all (certified when every route is;
    ``valid_until`` the earliest): the same counts. Rows refreshed first where stale.
    """
    refresh(ctx)
    lc = LearnerCertification.__table__
    with ctx.store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(
            select(lc.c.learner_id, _certified(lc, today), lc.c.until).where(lc.c.routes > 0))]
    frame = pd.DataFrame(rows, columns=["learner", "certified", "valid_until"])
    frame["certified"] = frame.certified.astype(bool)
    frame["valid_until"] = frame.valid_until.where(frame.certified, None)
    return frame.assign(route="*")[["learner", "route", "certified", "valid_until"]]


def certification_counts(ctx, by: str, today: date,
                         overdue_days: int | None = None) -> pd.DataFrame:
    """:func:`balise.progress.indicators.certification_shares` for the whole group, counted
    by the database from the kept rows: one grouped query instead of every learner's rows
    read and counted in pandas (a second at 100,000 learners, ``benchmarks/report.py``).

    The same rules, written once more in SQL, and checked equal to the pandas ones by
    ``tests/balise/test_certification_table.py``: who counts (a learner, not archived, her
    placement not ended before ``today``), certified on ``today``, expiring within 30 and
    60 days, overdue (not certified, a route, started ``overdue_days`` ago or more).
    """
    from datetime import timedelta

    from balise.progress import indicators as ind

    if by not in ind.GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(ind.GROUPINGS)}, not {by!r}")
    overdue_days = ind.OVERDUE_DAYS if overdue_days is None else overdue_days
    with ctx.store.engine.connect() as conn:
        marked = conn.execute(select(CertificationStale.id).limit(1)).first() is not None
    if marked:
        refresh(ctx)
    digest = basis(ctx.catalogue, ctx.routes, ctx.config.score_policy)
    p, lc = Person.__table__, LearnerCertification.__table__
    certified = _certified(lc, today)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    key = {"site": p.c.site_id, "activity": p.c.activity, "cohort": p.c.placement_start}[by]
    # The rows counted that are missing or stale (see :func:`refresh`), in the same pass:
    # a second join of every learner to her row only when there is something to refresh.
    stale = count(or_(lc.c.learner_id.is_(None), lc.c.basis != digest,
                      func.coalesce(lc.c.activity, "") != func.coalesce(p.c.activity, "")))
    query = (select(key, stale, func.count(), count(certified),
                    count(and_(certified, lc.c.until <= today + timedelta(days=30))),
                    count(and_(certified, lc.c.until <= today + timedelta(days=60))),
                    count(and_(not_(certified), lc.c.routes > 0,
                               p.c.placement_start <= today - timedelta(days=overdue_days))))
             .select_from(p.outerjoin(lc, lc.c.learner_id == p.c.id))
             .where(p.c.role == "learner", p.c.ended_on.is_(None),
                    or_(p.c.placement_end.is_(None), p.c.placement_end >= today))
             .group_by(key))
    with ctx.store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    if any(row[1] for row in rows):
        refresh(ctx)
        with ctx.store.engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(query)]
    counts = pd.DataFrame([r[:1] + r[2:] for r in rows], columns=[by, *ind.COUNTS])
    if by == "cohort":
        counts[by] = ind.cohort_of(counts[by])
    counts[by] = counts[by].fillna(ind.UNKNOWN).astype(str)
    return ind.shares_of(counts.groupby(by)[ind.COUNTS].sum().reset_index(), by)
