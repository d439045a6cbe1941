"""The certification kept in the store (balise.store.certification) gives the dashboard's
figures exactly as worked out from scratch (BaliseContext.status), after every kind of
write: a grade, a field validation given or taken back, a change of job family, a move of
site, an ended placement, an erasure, a changed pass mark; on several days, since what
the day decides is worked out when read. And a store in service is upgraded with its
learners marked, so its first reading fills the summary from its own rows.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from shared import store_at

from balise.progress import indicators as ind
from balise.store import certification as kept
from balise.store.models import Attempt, Person
from balise.store.programme import FieldValidation

REPO = Path(__file__).resolve().parents[2]
TODAY = date.today()


def _report():
    """benchmarks/report.py's writer of synthetic groups (gradebook and store, bulk)."""
    spec = importlib.util.spec_from_file_location("bench_report", REPO / "benchmarks/report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def group(request, tmp_path_factory):
    """A random group of 90 learners on 4 sites, graded, validated, some placements ended;
    an open context on it, and the writer to add grades as the worker does. The store in
    SQLite, then in PostgreSQL (the counts are SQL: dates and booleans differ)."""
    from balise.catalogue.modules import load_catalogue
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.progress import load_routes
    from balise.store.models import Store

    report = _report()
    work = tmp_path_factory.mktemp("certification")
    courses = REPO / "courses"
    url = (request.getfixturevalue("postgres").create_db(f"cert{work.name[-6:].lower()}")
           if request.param == "postgresql" else None)
    config = Balise(data_dir=str(work / "data"), courses_dir=str(courses),
                    **({"db_url": url} if url else {}))
    config.data_path.mkdir(parents=True)
    catalogue = load_catalogue(courses)
    routes = load_routes(courses / "routes.yaml", set(catalogue))
    rng = random.Random(8)
    store = Store(config.store_url)
    writer = report.Writer(config.gradebook_url,
                           store, report.gradebook_cells(config.gradebook_url, catalogue,
                                                         True, 2))
    sites = [f"site-{k}" for k in range(4)]
    activities = sorted({job for r in routes for job in r.jobs}) + ["digital"]
    trainers, teams = {}, {}                # sites, a trainer and two teams each
    for k, site in enumerate(sites):
        writer.add("sites", id=site, name=f"Site {k}", address="", activities="[]")
        trainers[site] = f"formateur-{site}"
        writer.add("people", id=trainers[site], name=f"Formateur {k}", role="trainer",
                   site_id=site, language="fr", password_hash="!", must_change_password=False)
        teams[site] = [(f"{site}-{j}", activities[(k + 2 * j) % len(activities)])
                       for j in range(2)]
    writer.flush()
    learners = report.add_group(writer, catalogue, routes, TODAY, sites, 90, rng, "p",
                                trainers, teams)
    writer.flush()
    store.dispose()
    ctx = BaliseContext.open(config)
    with ctx.store.session() as s:          # some placements over, one archived
        for pid in learners[:6]:
            s.get(Person, pid).placement_end = TODAY - timedelta(days=3)
        s.get(Person, learners[6]).ended_on = TODAY - timedelta(days=1)
    try:
        yield ctx, writer, learners
    finally:
        writer.dispose()
        ctx.store.dispose()
        from balise.grading.gradebook import dispose_engines

        dispose_engines()


def days(ctx, people: pd.DataFrame) -> list[date]:
    """Today, and days on the edges of the rules for this group: the day a certification
    ends, 30 and 60 days before it (expiring), a placement's 90th day (overdue)."""
    kept.refresh(ctx)
    until = sorted(d for d in ctx.store.frame(kept.LearnerCertification).until.dropna()
                   if d > TODAY)
    edge = until[len(until) // 2] if until else TODAY
    start = people.placement_start.dropna().iloc[0]
    return [TODAY, edge - timedelta(days=30), edge - timedelta(days=60), edge,
            start + timedelta(days=90)]


def assert_same_figures(ctx, edges: bool = False) -> None:
    """Every grouping's certification figures, today and with ``edges`` on the rules' edge
    days too: kept = from scratch. The dashboard's counts first, before anything else
    refreshed the rows, as a view does."""
    people = ctx.store.frame(Person)
    _, scratch = ctx.status(today=TODAY, people=people)
    pd.testing.assert_frame_equal(kept.certification_counts(ctx, "site", TODAY),
                                  ind.certification_shares(people, scratch, "site", TODAY))
    for today in days(ctx, people) if edges else [TODAY]:
        _, scratch = ctx.status(today=today, people=people)
        summary = kept.certification_frame(ctx, today)
        for by in ("site", "activity", "cohort"):
            expected = ind.certification_shares(people, scratch, by, today)
            pd.testing.assert_frame_equal(ind.certification_shares(people, summary, by, today),
                                          expected)
            pd.testing.assert_frame_equal(kept.certification_counts(ctx, by, today), expected)
        counted = ["id", "has_route", "certified", "expiring_30", "expiring_60", "overdue"]
        pd.testing.assert_frame_equal(
            ind.learner_certification(people, summary, today)[counted],
            ind.learner_certification(people, scratch, today)[counted])


def stale(ctx) -> set[str]:
    return set(ctx.store.frame(kept.CertificationStale).learner_id)


def test_the_kept_figures_are_those_from_scratch_after_every_kind_of_write(group):
    ctx, writer, learners = group
    shares = kept.certification_counts(ctx, "site", TODAY)
    assert shares.certified.sum() > 0 and shares.overdue.sum() > 0      # a group that varies
    assert shares.expiring_60.sum() > 0 and shares.in_training.sum() > 0
    assert_same_figures(ctx, edges=True)
    rows = ctx.store.frame(kept.LearnerCertification)
    assert len(rows) == len(learners) and not stale(ctx)

    # A grade, as the grading worker records one: nbgrader's rows, then the attempt (ORM).
    people = ctx.store.frame(Person).set_index("id")
    incomplete = rows[(rows.routes > 0) & ~rows.complete].learner_id.tolist()
    tried = ctx.attempt_scores(learners=incomplete).groupby("learner_id").module_id.agg(set)
    who, _, module = next(
        (p, r, m) for p in incomplete for r in ctx.routes if people.activity[p] in r.jobs
        for m in r.modules if m not in tried.get(p, set()))
    when = datetime.combine(TODAY - timedelta(days=2), datetime.min.time())
    writer.graded(who, module, when, 1.0, attempt=False)
    writer.flush()
    with ctx.store.session() as s:
        s.add(Attempt(id=f"new-{who}", learner_id=who, module_id=module, number=1,
                      status="graded", submitted_at=when, graded_at=when, score=2.0,
                      max_score=2.0, failures=0))
    assert stale(ctx) == {who}
    assert_same_figures(ctx)
    assert not stale(ctx)
    # The grading worker's own record of a grade marks her the same way.
    from types import SimpleNamespace

    from balise.grading.worker import GradingWorker

    with ctx.store.session() as s:
        s.add(Attempt(id=f"again-{who}", learner_id=who, module_id=module, number=2,
                      status="pending", submitted_at=when, failures=0))
    assert not stale(ctx)                       # a submission waiting: nothing to redo yet
    GradingWorker._record(SimpleNamespace(store=ctx.store), f"again-{who}", {"c0": [1.0, 1.0]})
    assert stale(ctx) == {who}
    assert_same_figures(ctx)

    # Field validations: one signed, one taken back.
    route = next(r for r in ctx.routes if r.skills)
    skilled = [p for p in incomplete if p != who and people.activity[p] in route.jobs]
    with ctx.store.session() as s:
        s.add(FieldValidation(learner_id=skilled[0], skill=route.skills[0],
                              trainer_id=people.trainer_id[skilled[0]], on=TODAY, note=""))
    signed = set(ctx.validations().learner)
    certified = [p for p in rows[rows.complete].learner_id if p in signed]
    with ctx.store.session() as s:
        s.delete(s.query(FieldValidation).filter_by(learner_id=certified[0]).first())
    assert stale(ctx) == {skilled[0], certified[0]}
    assert_same_figures(ctx)

    # A change of job family (another route, or none), a move of site, an ended placement.
    with ctx.store.session() as s:
        s.get(Person, certified[1]).activity = "digital"
        s.get(Person, certified[2]).activity = next(
            a for a in ("logistics", "transport") if a != people.activity[certified[2]])
        s.get(Person, certified[3]).site_id = people.site_id[certified[4]]
        s.get(Person, certified[4]).ended_on = TODAY
        s.add(Person(id="newcomer", name="Nouvelle", role="learner", site_id="site-0",
                     password_hash="!", activity="logistics",
                     placement_start=TODAY - timedelta(days=120)))
        s.get(Person, "formateur-site-0").role = "learner"
    assert_same_figures(ctx)

    # An erasure, through the erasure's own function.
    from balise.grading.coursedir import COURSE_ID
    from balise.store.erasure import erase_person

    erase_person(ctx.store, ctx.config.gradebook_url, COURSE_ID, ctx.config.data_path,
                 b"secret", "coordinateur", certified[5], TODAY)
    assert certified[5] not in set(ctx.store.frame(kept.LearnerCertification).learner_id)
    assert_same_figures(ctx)

    # A pass mark changed in the catalogue: every row is worked out again.
    first = next(iter(ctx.catalogue))
    before = ctx.catalogue[first]
    ctx.catalogue[first] = dataclasses.replace(before, pass_mark=95)
    try:
        assert_same_figures(ctx)
    finally:
        ctx.catalogue[first] = before
    assert kept.rebuild(ctx) == int((ctx.store.frame(Person).role == "learner").sum())
    assert_same_figures(ctx, edges=True)


def test_a_store_in_service_is_upgraded_with_its_learners_marked(tmp_path):
    """0008 on a 0007 store with people: the tables made, every learner (not the trainer)
    marked, so the first reading works their rows out from the store's own data."""
    from balise.config import Balise
    from balise.context import BaliseContext

    data = tmp_path / "data"
    data.mkdir()
    start = (TODAY - timedelta(days=200)).isoformat()
    url = store_at(data / "balise.db", "0007",
                   "INSERT INTO sites (id, name, address, activities) "
                   "VALUES ('lyon', 'Lyon', '', '[]')",
                   *(f"INSERT INTO people (id, name, role, site_id, language, password_hash, "
                     f"activity, placement_start, must_change_password) VALUES ('{pid}', "
                     f"'{pid}', '{role}', 'lyon', 'fr', '!', 'logistics', '{start}', 0)"
                     for pid, role in (("ines", "learner"), ("theo", "learner"),
                                       ("marie", "trainer"))))
    ctx = BaliseContext.open(Balise(data_dir=str(data), courses_dir=str(REPO / "courses")))
    try:
        assert ctx.config.store_url == url
        assert sorted(ctx.store.frame(kept.CertificationStale).learner_id) == ["ines", "theo"]
        assert ctx.store.frame(kept.LearnerCertification).empty
        shares = kept.certification_counts(ctx, "site", TODAY)
        assert shares[["learners", "overdue"]].values.tolist() == [[2, 2]]
        assert_same_figures(ctx)
        assert sorted(ctx.store.frame(kept.LearnerCertification).learner_id) == ["ines", "theo"]
        assert not stale(ctx)
    finally:
        ctx.store.dispose()
