"""The coordinator's figures at 100,000 learners, and every staff page at 1,300 people.

1. Scale. Synthetic data for ``--learners`` (100,000) learners on 17 sites and
   ``--modules`` (20: the 12 of courses/ and copies of them under new ids) in
   nbgrader's gradebook (its own tables: student, submitted_assignment,
   submitted_notebook, grade, bulk-inserted with SQLAlchemy Core; assignments,
   notebooks and grade cells made by nbgrader's Gradebook API) and in Balise's
   store (people, one graded attempt per submission, field validations, a year
   of quarter-hours, warm-ups, visits, hours and accidents). Each learner tried
   each module of her route with a chance of 0.92, any other 0.6; each submission
   has ``--cells`` graded cells (default 1: the module's score in one cell;
   ``--cells 0`` gives each module its real cells, about 12, and a gradebook 12
   times as big).

   Timed: the dashboard's figures as the page makes them
   (:func:`balise.web.dashboard.sections_for` on a :class:`BaliseContext` opened
   on the data folder: certification by site from the gradebook's scores and the
   store's people, quarter-hours, warm-ups, visits, TF/TG, leading indicators,
   charts and tables), cold (the context's first call) and warm (median of 3), after the
   kept certification (:mod:`balise.store.certification`) is worked out once for everyone
   (timed apart); the charts' share of it is said apart, and the page's certification
   figures are asserted equal to those worked out from scratch (the 29 s it took before).
   Baseline: what a stock nbgrader user would write: ``gb.students``, then for
   each student and assignment ``gb.find_submission`` and its ``score``,
   ``max_score`` and ``timestamp``; the same status and certification functions
   run on those scores. The loop is timed on ``--sample`` learners (10: on the
   full gradebook each student costs seconds, as nbgrader's score of a submission
   is a subquery over its unindexed grade table) and extrapolated linearly to all
   of them (listing ``gb.students`` is timed whole); the sample's scores, and the
   certification shares computed from them, are asserted equal to the page's.
   About 8 minutes at 100,000 learners (3.5 of them building the data).

2. Pages. The demo group (balise.demo.group, 3 sites) grown by this script's
   own generator to ``--people`` (1,300) people on ``--sites`` (17) sites, a
   real ``balise serve``, every coordinator and trainer page fetched 10 times
   after one unmeasured fetch (median; the time is the request's on loopback,
   measured by the client). About 8 minutes, most of it the slow pages.

Last line: RESULT learners=... dashboard_s=... gradebook_loop_s=... speedup=...
page_ms_p50=... page_ms_max=...
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
CHUNK = 20_000                      # rows per bulk insert
HANDLING = ("logistics", "construction", "circular-economy")


def say(*args) -> None:
    print(*args, flush=True)


# ---------------------------------------------------------------- synthetic data


def copy_courses(target: Path, modules: int) -> Path:
    """courses/ with copies of its modules under new ids (``<id>-2``) up to ``modules``."""
    shutil.copytree(REPO / "courses", target)
    folders = sorted(p for p in target.iterdir() if (p / "module.yaml").exists())
    for n in range(max(0, modules - len(folders))):
        source = folders[n % len(folders)]
        copy = target / f"{source.name}-{2 + n // len(folders)}"
        shutil.copytree(source, copy)
        text = (copy / "module.yaml").read_text(encoding="utf-8")
        (copy / "module.yaml").write_text(
            re.sub(r"(?m)^id: .*$", f"id: {copy.name}", text, count=1), encoding="utf-8")
    return target


def gradebook_cells(url: str, catalogue: dict, make: bool, cells: int) -> dict:
    """{module: (assignment id, notebook id, [(cell id, max score)])} from the gradebook;
    with ``make``, the assignments, notebooks and grade cells are made first (nbgrader's API)."""
    from nbgrader.api import Assignment, Gradebook, GradeCell, Notebook
    from sqlalchemy import select

    from balise.grading.coursedir import COURSE_ID

    with Gradebook(url, COURSE_ID) as gb:
        if make:
            for module in catalogue.values():
                names = module.grade_names if cells == 0 else [f"c{k}" for k in range(cells)]
                gb.update_or_create_assignment(module.id)
                gb.update_or_create_notebook(module.id, module.id)
                for name in names:
                    gb.update_or_create_grade_cell(name, module.id, module.id, max_score=1.0,
                                                   cell_type="markdown")
        rows = gb.db.execute(
            select(Assignment.name, Assignment.id, Notebook.id, GradeCell.id,
                   GradeCell.max_score)
            .join(Notebook, Notebook.assignment_id == Assignment.id)
            .join(GradeCell, GradeCell.notebook_id == Notebook.id)
            .where(Notebook.name == Assignment.name)).all()
    out: dict = {}
    for module, aid, nid, cid, top in rows:
        out.setdefault(module, (aid, nid, []))[2].append((cid, float(top)))
    return {m: out[m] for m in catalogue if m in out}


class Writer:
    """Bulk inserts into nbgrader's gradebook and Balise's store with SQLAlchemy Core."""

    def __init__(self, gradebook_url: str, store, cells: dict):
        from nbgrader.api import Grade, Student, SubmittedAssignment, SubmittedNotebook
        from sqlalchemy import create_engine, event

        self.tables = {t.__tablename__: t.__table__ for t in
                       (Student, SubmittedAssignment, SubmittedNotebook, Grade)}
        self.engine = create_engine(gradebook_url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", lambda c, _: c.execute("PRAGMA synchronous=OFF"))
        self.store, self.cells, self.serial = store, cells, 0
        self.rows: dict[str, list] = {}

    def uid(self) -> str:
        self.serial += 1
        return f"b{self.serial:031x}"            # nbgrader's ids: 32 characters

    def add(self, table: str, **row) -> None:
        self.rows.setdefault(table, []).append(row)

    def student(self, learner: str) -> None:
        self.add("student", id=learner, first_name=None, last_name=None, email=None,
                 lms_user_id=None)

    def graded(self, learner: str, module: str, when: datetime, right: float,
               attempt: bool = True) -> None:
        """A graded submission: ``right`` (0-1) of each cell's points, the first cells right."""
        aid, nid, cells = self.cells[module]
        sub, snb = self.uid(), self.uid()
        self.add("submitted_assignment", id=sub, assignment_id=aid, student_id=learner,
                 timestamp=when, extension=None)
        self.add("submitted_notebook", id=snb, assignment_id=sub, notebook_id=nid,
                 flagged=False, late_submission_penalty=None)
        good = round(right * len(cells))
        score = 0.0
        for k, (cid, top) in enumerate(cells):
            points = top if k < good else 0.0
            score += points
            self.add("grade", id=self.uid(), cell_id=cid, notebook_id=snb, auto_score=points,
                     manual_score=None, extra_credit=None, needs_manual_grade=False)
        if attempt:
            self.add("attempts", id=f"bench-{learner}-{module}-1", learner_id=learner,
                     module_id=module, number=1, status="graded", submitted_at=when,
                     graded_at=when, score=score, max_score=sum(t for _, t in cells),
                     failures=0)
        if len(self.rows["grade"]) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        from balise.store.models import Base

        book = ["student", "submitted_assignment", "submitted_notebook", "grade"]
        with self.engine.begin() as conn:
            for name in book:
                if self.rows.get(name):
                    conn.execute(self.tables[name].insert(), self.rows.pop(name))
        with self.store.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:       # people before their attempts
                if self.rows.get(table.name):
                    conn.execute(table.insert(), self.rows.pop(table.name))
        self.rows = {}

    def dispose(self) -> None:
        self.flush()
        self.engine.dispose()


def add_group(writer: Writer, catalogue: dict, routes: list, today: date, sites: list[str],
              learners: int, rng: random.Random, prefix: str, trainers: dict[str, str],
              teams: dict[str, list[tuple[str, str]]]) -> list[str]:
    """``learners`` learners spread over ``sites``, their scores, attempts and validations."""
    from balise.progress.routes import route_for

    ids = []
    modules = list(catalogue)
    for n in range(learners):
        site = sites[n % len(sites)]
        team, activity = teams[site][n // len(sites) % len(teams[site])]
        pid = f"{prefix}{n:06d}"
        start = today - timedelta(days=rng.randint(10, 600))
        writer.add("people", id=pid, name=f"Personne {n}", role="learner", site_id=site,
                   language="fr", password_hash="!", team_id=team, activity=activity,
                   placement_start=start, placement_end=start + timedelta(days=540),
                   trainer_id=trainers[site], must_change_password=False)
        writer.student(pid)
        ids.append(pid)
        passed = True
        route = route_for(routes, activity)
        for module in modules:
            if rng.random() >= (0.92 if route and module in route.modules else 0.6):
                if route and module in route.modules:
                    passed = False
                continue
            when = datetime.combine(today - timedelta(days=rng.randint(0, 420)),
                                    datetime.min.time()) + timedelta(hours=rng.randint(7, 17))
            right = rng.choice([1.0, 1.0, 1.0, 0.9, 0.8, 0.5])
            writer.graded(pid, module, when, right)
            if route and module in route.modules and right < 0.8:
                passed = False
        if route and passed and rng.random() < 0.75:
            for skill in route.skills:
                writer.add("field_validations", learner_id=pid, skill=skill,
                           trainer_id=trainers[site], on=today - timedelta(days=5), note="")
        if len(writer.rows.get("people", [])) >= CHUNK // 4:
            writer.flush()
    writer.flush()
    return ids


def add_sites(writer: Writer, sites: list[str], activities: list[str], today: date,
              rng: random.Random, staff: int) -> tuple[dict, dict]:
    """Sites, one trainer and two teams each, and a year of the programme's records."""
    trainers, teams = {}, {}
    for k, site in enumerate(sites):
        writer.add("sites", id=site, name=f"Site {k + 1:02d} — {site}", address="",
                   activities="[]")
    writer.flush()
    for k, site in enumerate(sites):
        trainers[site] = f"formateur-{site}"
        writer.add("people", id=trainers[site], name=f"Formateur {site}", role="trainer",
                   site_id=site, language="fr", password_hash="!", must_change_password=False)
        first, second = activities[k % len(activities)], activities[(k + 2) % len(activities)]
        teams[site] = [(f"{site}-a", first), (f"{site}-b", second)]
    writer.flush()
    months = [today.replace(day=1) - relativedelta(months=n) for n in range(12)]
    for site in sites:
        for team, activity in teams[site]:
            writer.add("teams", id=team, site_id=site, name=f"Équipe {team}", activity=activity,
                       trainer_id=trainers[site])
        writer.flush()
        for month in months:
            for team, activity in teams[site]:
                if rng.random() < 0.8:
                    writer.add("quarter_hours", team_id=team, topic="Porter près du corps",
                               on=min(today, month + timedelta(days=rng.randint(2, 20))),
                               trainer_id=trainers[site])
                if activity in HANDLING:
                    for day in range(0, 28, 2):
                        if month + timedelta(days=day) <= today:
                            writer.add("warm_ups", team_id=team, trainer_id=trainers[site],
                                       on=month + timedelta(days=day))
                for _ in range(rng.randint(0, 2)):
                    writer.add("safety_visits", site_id=site, team_id=team,
                               on=min(today, month + timedelta(days=rng.randint(0, 27))),
                               finding="Palette laissée dans l'allée", module_id=None,
                               talked=False)
            for activity in {a for _, a in teams[site]}:
                writer.add("hours_worked", site_id=site, activity=activity, month=month,
                           hours=float(140 * staff / len(sites)))
        for _ in range(2):
            lost = rng.random() < 0.5
            writer.add("accidents", site_id=site, team_id=teams[site][0][0],
                       activity=teams[site][0][1], on=today - timedelta(days=rng.randint(1, 360)),
                       lost_time=lost, days_lost=rng.randint(2, 20) if lost else 0,
                       what_happened="", first_aid="")
        writer.flush()
    return trainers, teams


# ---------------------------------------------------------------- 1. the dashboard at scale


def gradebook_loop(url: str, learners: list[str], modules: list[str]) -> tuple[list, float]:
    """A stock nbgrader user's reading: every student, every assignment, its submission."""
    from nbgrader.api import Gradebook, MissingEntry

    from balise.grading.coursedir import COURSE_ID

    rows = []
    with Gradebook(url, COURSE_ID) as gb:
        wanted = set(learners)
        students = [s for s in gb.students if s.id in wanted]
        t0 = time.perf_counter()            # the listing is timed apart (list_students)
        for student in students:
            for module in modules:
                try:
                    sub = gb.find_submission(module, student.id)
                except MissingEntry:
                    continue
                rows.append((student.id, module, float(sub.score), float(sub.max_score),
                             sub.timestamp))
    return rows, time.perf_counter() - t0


def list_students(url: str) -> float:
    from nbgrader.api import Gradebook

    from balise.grading.coursedir import COURSE_ID

    t0 = time.perf_counter()
    with Gradebook(url, COURSE_ID) as gb:
        count = len(gb.students)
    took = time.perf_counter() - t0
    say(f"  gb.students: {count} students listed in {took:.2f} s")
    return took


def figures_from(ctx, scores_rows: list, people, attempts, today: date):
    """The loop's scores through the same status, certification and shares as the page."""
    import pandas as pd

    from balise.progress import indicators as ind
    from balise.progress.tables import module_scores

    grades = pd.DataFrame(scores_rows, columns=["learner", "module", "score", "max_score",
                                                "timestamp"]).assign(question="*")
    _, cert = ctx.status(today=today, people=people, attempts=attempts, grades=grades)
    pass_marks = {m.id: m.pass_mark for m in ctx.catalogue.values()}
    return module_scores(grades, pass_marks), ind.certification_shares(people, cert, "site",
                                                                      today)


def scale(args, work: Path) -> dict:
    import pandas as pd

    from balise.catalogue.modules import load_catalogue
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.progress import indicators as ind
    from balise.progress import load_routes
    from balise.store.certification import mark, rebuild
    from balise.store.models import Store
    from balise.web.dashboard import sections_for

    today = date.today()
    rng = random.Random(21)
    courses = copy_courses(work / "courses", args.modules)
    balise = Balise(data_dir=str(work / "data"), courses_dir=str(courses),
                    **({"db_url": args.db_url} if args.db_url else {}),
                    **({"gradebook_db_url": args.gradebook_url} if args.gradebook_url else {}))
    balise.data_path.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue(courses)
    routes = load_routes(courses / "routes.yaml", set(catalogue))
    activities = sorted({job for r in routes for job in r.jobs})
    t0 = time.perf_counter()
    store = Store(balise.store_url)
    cells = gradebook_cells(balise.gradebook_url, catalogue, True, args.cells)
    writer = Writer(balise.gradebook_url, store, cells)
    sites = [f"site-{k + 1:02d}" for k in range(args.sites)]
    trainers, teams = add_sites(writer, sites, activities, today, rng, args.learners)
    learners = add_group(writer, catalogue, routes, today, sites, args.learners, rng, "l",
                         trainers, teams)
    writer.dispose()
    store.dispose()
    per = sum(len(c[2]) for c in cells.values()) / len(cells)
    say(f"built {len(learners)} learners x {len(catalogue)} modules ({per:.0f} graded cells "
        f"each) on {len(sites)} sites in {time.perf_counter() - t0:.0f} s; store "
        f"{'PostgreSQL' if args.db_url else 'SQLite'}, gradebook "
        f"{'PostgreSQL' if args.gradebook_url else 'SQLite'}")

    ctx = BaliseContext.open(balise)
    t0 = time.perf_counter()
    kept = rebuild(ctx)
    rebuilt = time.perf_counter() - t0
    say(f"kept certification (balise.store.certification.rebuild, once, as for a store in "
        f"service): {kept} learners in {rebuilt:.1f} s")
    drawing = charts_timed()
    timings, drawn = [], []
    for _ in range(1 + args.runs):
        drawing[0] = 0.0
        t0 = time.perf_counter()
        sections = sections_for(ctx, "site", today)
        timings.append(time.perf_counter() - t0)
        drawn.append(drawing[0])
    cold, warm = timings[0], statistics.median(timings[1:])
    charts_s = statistics.median(drawn[1:])
    say(f"dashboard figures (sections_for, by site): cold {cold:.2f} s, warm median "
        f"{warm:.2f} s of {args.runs} ({', '.join(f'{t:.2f}' for t in timings[1:])}); of "
        f"which the charts (balise.progress.charts) {drawn[0]:.2f} s cold, {charts_s:.2f} s "
        f"warm, so {warm - charts_s:.2f} s warm for the data and tables")
    marked = sorted(rng.sample(learners, 50))
    mark(ctx.store, marked)
    t0 = time.perf_counter()
    sections_for(ctx, "site", today)
    say(f"  after 50 learners' grades or validations (marked stale): {time.perf_counter() - t0:.2f}"
        f" s, their rows worked out again")
    t0 = time.perf_counter()
    people = ctx.store.frame(ctx.models.Person)
    attempts = ctx.attempt_scores()
    scores = ctx.scores(attempts=attempts)
    parts = {"people + attempts": time.perf_counter() - t0}
    t0 = time.perf_counter()
    _, cert = ctx.status(today=today, people=people, attempts=attempts)
    parts["status + certification"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    shares = ind.certification_shares(people, cert, "site", today)
    parts["shares"] = time.perf_counter() - t0
    say("  of which: " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items()))
    table = next(t for s in sections for t in s.tables if t.id == "table-certification")
    counted = int(table.data.learners.sum())          # placements not ended
    assert 0.5 * len(learners) < counted <= len(learners), table.data
    names = dict(zip(ctx.store.frame(ctx.models.Site).id, ctx.store.frame(ctx.models.Site).name))
    pd.testing.assert_frame_equal(                    # the kept figures are those from scratch
        table.data.reset_index(drop=True),
        shares.assign(site=shares.site.map(names)).reset_index(drop=True))
    say(f"  equal: the page's certification by site (kept) and from scratch, {counted} learners")
    say(shares[["site", "learners", "certified", "expiring_30", "overdue"]].head(3)
        .to_string(index=False))

    # The baseline on a sample, its figures asserted equal to the page's.
    sample = sorted(rng.sample(learners, min(args.sample, len(learners))))
    rows, took = gradebook_loop(balise.gradebook_url, sample, list(catalogue))
    listing = list_students(balise.gradebook_url)
    per_student = took / len(sample)
    loop_s = listing + per_student * len(learners)
    say(f"  nbgrader loop: {len(sample)} students in {took:.2f} s ({1000 * per_student:.1f} ms "
        f"a student, once all are listed) -> {loop_s:.0f} s for {len(learners)} "
        f"(extrapolated linearly)")
    mine = people[people.id.isin(sample) | (people.role != "learner")]
    loop_scores, loop_shares = figures_from(ctx, rows, mine, attempts, today)
    page_scores = scores[scores.learner.isin(sample)]
    key = ["learner", "module"]
    left = loop_scores.sort_values(key).reset_index(drop=True)
    right = page_scores.sort_values(key).reset_index(drop=True)[list(left.columns)]
    left["date"], right["date"] = pd.to_datetime(left.date), pd.to_datetime(right.date)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
    _, page_cert = ctx.status(today=today, people=mine, attempts=attempts)
    pd.testing.assert_frame_equal(
        loop_shares, ind.certification_shares(mine, page_cert, "site", today))
    say(f"  equal: the sample's {len(left)} scores and its certification shares by site")
    ctx.store.dispose()
    return {"learners": len(learners), "dashboard_s": warm, "cold_s": cold,
            "gradebook_loop_s": loop_s, "speedup": loop_s / warm, "charts_s": charts_s,
            "scratch_s": sum(parts.values())}


def charts_timed() -> list[float]:
    """The dashboard's chart functions wrapped to add their time to the list's one item,
    so the figures' time and the charts' are told apart."""
    from balise.web import dashboard

    spent = [0.0]

    def timed(fn):
        def run(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[0] += time.perf_counter() - t0
        return run

    for name in ("certification_bars", "quarter_hour_bars", "rate_lines"):
        setattr(dashboard.charts, name, timed(getattr(dashboard.charts, name)))
    return spent


# ---------------------------------------------------------------- 2. pages at 1,300 people


def grown_demo(args, work: Path) -> Path:
    """The demo (accounts, group, records), grown to ``--people`` people on ``--sites`` sites."""
    import balise.demo.group as group
    from balise.catalogue.modules import load_catalogue
    from balise.cli import build
    from balise.config import Balise
    from balise.demo import accounts as demo
    from balise.demo.records import seed_records
    from balise.progress import load_routes
    from balise.store.models import Person, Site, Store

    today = date.today()
    rng = random.Random(1300)
    balise = Balise(data_dir=str(work / "pages"), courses_dir=str(REPO / "courses"))
    balise.data_path.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    build(balise, out=open(os.devnull, "w"))
    store = Store(balise.store_url)
    catalogue = load_catalogue(balise.courses_path)
    routes = load_routes(balise.courses_path / "routes.yaml", set(catalogue))
    demo.seed(store)
    cells = gradebook_cells(balise.gradebook_url, catalogue, False, 0)
    writer = Writer(balise.gradebook_url, store, cells)
    # The demo's own group, its grades written in bulk instead of one ORM object at a time.
    students = set()

    def bulk_grade(_gradebook, module, learner, when, right):
        if learner not in students:
            students.add(learner)
            writer.student(learner)
        writer.graded(learner, module.id, when, len(right) / len(module.grade_names),
                      attempt=False)

    original, group._grade = group._grade, bulk_grade
    try:
        group.seed_group(store, balise.gradebook_url, catalogue, routes, today)
    finally:
        group._grade = original
    writer.flush()
    seed_records(store)
    with store.session() as s:
        have_sites = len(s.query(Site).all())
        have_people = s.query(Person).count()
    sites = [f"site-{k + 1:02d}" for k in range(have_sites, args.sites)]
    activities = sorted({job for r in routes for job in r.jobs})
    trainers, teams = add_sites(writer, sites, activities, today, rng, args.people)
    for team, site, _, activity in group.TEAMS:           # the demo's sites grow too
        teams.setdefault(site, []).append((team, activity))
    trainers.update({"lyon-logistique": "formatrice", "marseille-chantiers": "formateur-marseille",
                     "lille-recyclage": "formatrice-lille"})
    missing = args.people - have_people - len(sites)
    add_group(writer, catalogue, routes, today, sorted(teams), missing, rng, "g", trainers,
              teams)
    writer.dispose()
    with store.session() as s:
        total, site_count = s.query(Person).count(), s.query(Site).count()
    store.dispose()
    say(f"demo grown to {total} people on {site_count} sites in "
        f"{time.perf_counter() - t0:.0f} s")
    return balise.data_path


def staff_pages() -> list[str]:
    """The coordinator's and trainer's pages worth timing, with ids found on the server."""
    month = date.today().strftime("%Y-%m")
    return ["balise/coordinator", "balise/dashboard", "balise/dashboard?by=activity",
            "balise/dashboard?by=cohort", "balise/expiring", "balise/expiring?site=lyon-logistique",
            "balise/admin/people",
            "balise/admin/sites", "balise/admin/teams", "balise/admin/people/new",
            "balise/admin/import", "balise/trail", "balise/accidents", "balise/hazards",
            "balise/visits", "balise/actions", f"balise/review/lyon-logistique/{month}",
            "balise/hours", "balise/erasure", "balise/person/yusuf", "balise/accidents/1",
            "balise/hazards/1", "balise/actions/1", "balise/visits/new", "balise/actions/new"]


TRAINER_PAGES = ["balise/trainer", "balise/trainer/quarter-hour", "balise/trainer/warm-up",
                 "balise/trainer/validation", "balise/expiring", "balise/accidents",
                 "balise/hazards", "balise/visits", "balise/actions", "balise/visits/new",
                 "balise/hazards/new", "balise/accidents/new", "balise/person/yusuf"]


def time_pages(server, who: str, pages: list[str], runs: int) -> list[tuple[str, int, float]]:
    session = server.session(who)
    out = []
    for page in pages:
        first = session.get(server.url + page, allow_redirects=False)
        if first.status_code != 200:
            say(f"  {who:14} {page:42} HTTP {first.status_code}: not timed")
            continue
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = session.get(server.url + page, allow_redirects=False)
            times.append(1000 * (time.perf_counter() - t0))
            assert r.status_code == 200, (page, r.status_code)
        p50 = statistics.median(times)
        out.append((f"{who} {page}", len(first.content), p50))
        say(f"  {who:14} {page:42} median {p50:6.0f} ms  max {max(times):6.0f} ms  "
            f"{len(first.content) // 1024} kB{'  OVER 300 ms' if p50 > 300 else ''}")
    return out


def pages(args, work: Path) -> dict:
    import importlib.util

    # tests/shared.py's start_server, loaded by path: tests/ on sys.path would hide balise.
    spec = importlib.util.spec_from_file_location("shared", REPO / "tests" / "shared.py")
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    start_server, stop_server = shared.start_server, shared.stop_server

    data = grown_demo(args, work)
    server = start_server(data, work / "serve.log")
    try:
        from balise.demo import accounts as demo

        say(f"server {server.url}; demo accounts: {', '.join(p[0] for p in demo.PEOPLE)}")
        timed = time_pages(server, "coordinateur", staff_pages(), args.page_runs)
        timed += time_pages(server, "formatrice", TRAINER_PAGES, args.page_runs)
    finally:
        stop_server(server)
    medians = [t[2] for t in timed]
    return {"page_ms_p50": statistics.median(medians), "page_ms_max": max(medians),
            "pages": len(timed), "over": [t[0] for t in timed if t[2] > 300]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--cells", type=int, default=1,
                        help="graded cells per submission; 0: each module's own (about 12)")
    parser.add_argument("--sites", type=int, default=17)
    parser.add_argument("--sample", type=int, default=10,
                        help="students the nbgrader loop is timed on (extrapolated)")
    parser.add_argument("--runs", type=int, default=2, help="warm runs of the figures")
    parser.add_argument("--people", type=int, default=1300)
    parser.add_argument("--page-runs", type=int, default=10)
    parser.add_argument("--db-url", help="Balise's store (e.g. postgresql://...), empty")
    parser.add_argument("--gradebook-url", help="nbgrader's gradebook, empty; default SQLite")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the data folders")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="balise-report-bench-"))
    result = {"learners": 0, "dashboard_s": 0.0, "gradebook_loop_s": 0.0, "speedup": 0.0,
              "page_ms_p50": 0.0, "page_ms_max": 0.0}
    try:
        if not args.skip_scale:
            result.update(scale(args, work))
        if not args.skip_pages:
            result.update(pages(args, work))
    finally:
        from balise.grading.gradebook import dispose_engines

        dispose_engines()
        if args.keep:
            say(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if result.get("over"):
        say(f"over 300 ms: {', '.join(result['over'])}")
    if not args.skip_scale:
        say(f"dashboard at {result['learners']} learners: {result['dashboard_s']:.2f} s warm "
            f"(at most 1 s: {'yes' if result['dashboard_s'] <= 1 else 'NO'}), "
            f"{result['cold_s']:.2f} s cold; {result['speedup']:.0f}x the nbgrader loop "
            f"(at least 50x: {'yes' if result['speedup'] >= 50 else 'NO'}); warm, the charts "
            f"{result['charts_s']:.2f} s and the rest "
            f"{result['dashboard_s'] - result['charts_s']:.2f} s; the certification from "
            f"scratch (as before the kept one) {result['scratch_s']:.1f} s")
    say(f"RESULT learners={result['learners']} dashboard_s={result['dashboard_s']:.2f} "
        f"gradebook_loop_s={result['gradebook_loop_s']:.0f} speedup={result['speedup']:.0f} "
        f"page_ms_p50={result['page_ms_p50']:.0f} page_ms_max={result['page_ms_max']:.0f}")


if __name__ == "__main__":
    main()
