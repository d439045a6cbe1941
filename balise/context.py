"""What Balise's handlers share in one server: settings, store, catalogue, grading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select

from balise import progress as progress_module
from balise.catalogue.modules import Module, load_catalogue
from balise.config import Balise
from balise.grading import GradingService, WorkerSupervisor, grades_frame
from balise.grading.answers import Answers
from balise.grading.results import module_totals
from balise.progress import Route, load_routes
from balise.store import models as models_module
from balise.store.models import Store
from balise.tokens import load_secret
from balise.web.throttle import SignInThrottle


@dataclass
class BaliseContext:
    config: Balise
    store: Store
    catalogue: dict[str, Module]
    routes: list[Route]
    secret: bytes
    grading: GradingService
    worker: WorkerSupervisor
    answers: Answers
    throttle: SignInThrottle
    models = models_module
    progress = progress_module

    @classmethod
    def open(cls, config: Balise, log=None, config_file: str | None = None) -> "BaliseContext":
        catalogue = load_catalogue(config.courses_path)
        store = Store(config.store_url)
        grading = GradingService(store, catalogue, config.course_root,
                                 config.data_path / "attempts", config.grading_timeout, log,
                                 max_attempts=config.max_attempts)
        return cls(config=config, store=store, catalogue=catalogue,
                   routes=load_routes(config.courses_path / "routes.yaml", set(catalogue)),
                   secret=load_secret(config.secret_path), grading=grading,
                   worker=WorkerSupervisor(config.data_path, config_file, log,
                                           courses_dir=config.courses_path),
                   answers=grading.answers,
                   throttle=SignInThrottle(config.signin_max_failures,
                                           config.signin_window_minutes * 60))

    def grades(self, attempts: pd.DataFrame | None = None,
               learner: str | None = None, learners: list[str] | None = None) -> pd.DataFrame:
        """nbgrader's grades, each quiz slot named by the question its attempt drew.

        ``learner``: hers only (a learner's page reads her rows, not the group's);
        ``learners``: theirs only (a trainer's page reads her site's, not the group's:
        the whole group's took 10 s at 1,300 people, ``benchmarks/report.py``).
        """
        from balise.catalogue.draw import name_questions

        return name_questions(grades_frame(self.config.gradebook_url, learner, learners),
                              self.attempts(learner, learners) if attempts is None
                              else attempts, self.catalogue)

    def scores(self, grades: pd.DataFrame | None = None,
               attempts: pd.DataFrame | None = None) -> pd.DataFrame:
        """Each learner's counted score per module; pass frames a page already read.

        Without ``grades``, the gradebook's sums per learner and module
        (:func:`balise.grading.results.module_totals`): a score needs no question names.
        """
        pass_marks = {m.id: m.pass_mark for m in self.catalogue.values()}
        last = progress_module.module_scores(
            module_totals(self.config.gradebook_url) if grades is None else grades, pass_marks)
        if self.config.score_policy == "last":
            return last
        return progress_module.best_scores(
            last, self.attempts() if attempts is None else attempts, pass_marks)

    def validations(self, learners: list[str] | None = None) -> pd.DataFrame:
        """Field validations signed off by trainers: learner, skill, trainer, on, note;
        ``learners``: theirs only."""
        validation = models_module.programme.FieldValidation
        frame = self.store.frame(validation, *([] if learners is None else
                                               [validation.learner_id.in_(list(learners))]))
        return frame.rename(columns={"learner_id": "learner", "trainer_id": "trainer"})

    def status(self, today: date | None = None, attempts: pd.DataFrame | None = None,
               people: pd.DataFrame | None = None, grades: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every learner's module statuses and route certification, as of ``today``."""
        people = self.store.frame(models_module.Person) if people is None else people
        attempts = self.attempt_scores() if attempts is None else attempts
        learners = list(people.loc[people.role == "learner", "id"])
        status = progress_module.module_status(
            learners, {m.id: m.validity_months for m in self.catalogue.values()},
            self.scores(grades, attempts), attempts, today or date.today())
        cert = progress_module.certification(status, self.validations(), self.routes, people)
        return status, cert

    def assign_refreshers(self, today: date | None = None, grades: pd.DataFrame | None = None,
                          attempts: pd.DataFrame | None = None,
                          people: pd.DataFrame | None = None,
                          learner: str | None = None) -> pd.DataFrame:
        """Record every refresher the programme's data call for; all refreshers recorded.

        ``learner``: hers only, from frames of hers (her page's visit does not
        assign the whole group's); the rules are per person, so she gets the same.

        Expired passes, visits and accidents linked to a module (for the team), and
        wrong questions spaced out; each recorded once (the table's unique key).
        """
        from balise.progress import refreshers as rules

        programme = models_module.programme
        people = self.store.frame(models_module.Person) if people is None else people
        grades = self.grades(learner=learner) if grades is None else grades
        if learner is not None:
            people = people[people.id == learner]
            grades, attempts = grades[grades.learner == learner], (
                None if attempts is None else attempts[attempts.learner_id == learner])
        status, _ = self.status(today, attempts if attempts is not None else
                                self.attempts(learner), people, grades)
        wanted = pd.concat([
            rules.expired(status),
            rules.from_events(people, self.store.frame(programme.SafetyVisit), "visit"),
            rules.from_events(people, self.store.frame(programme.Accident), "accident"),
            rules.spaced(grades),
        ], ignore_index=True)
        hers = [] if learner is None else [programme.Refresher.learner_id == learner]
        have = self.store.frame(programme.Refresher, *hers)
        known = set(zip(have.learner_id, have.module_id, have.reason,
                        pd.to_datetime(have.due_on).dt.date))
        with self.store.session() as s:
            for row in wanted.itertuples():
                key = (row.learner, row.module, row.reason, pd.Timestamp(row.due_on).date())
                if key not in known:
                    known.add(key)
                    s.add(programme.Refresher(learner_id=row.learner, module_id=row.module,
                                              reason=row.reason, due_on=key[3],
                                              questions=row.questions))
        return self.store.frame(programme.Refresher, *hers).rename(
            columns={"learner_id": "learner", "module_id": "module"})

    def due_refreshers(self, learner: str, today: date | None = None,
                       grades: pd.DataFrame | None = None, attempts: pd.DataFrame | None = None,
                       people: pd.DataFrame | None = None) -> pd.DataFrame:
        """What one learner should take again now, not yet done; pass frames a page already read."""
        from balise.progress import refreshers as rules

        today = today or date.today()
        grades = self.grades(learner=learner) if grades is None else grades
        attempts = self.attempts(learner) if attempts is None else attempts
        people = (self.store.frame(models_module.Person, models_module.Person.id == learner)
                  if people is None else people)
        recorded = self.assign_refreshers(today, grades, attempts, people, learner)
        mine = recorded[recorded.learner == learner]
        scores = self.scores(grades, attempts)
        wrong = (grades[grades.score < grades.max_score].groupby(["learner", "module"])
                 .question.agg(set).rename("wrong").reset_index())
        scores = scores.merge(wrong, on=["learner", "module"], how="left")
        return rules.due(mine, scores[scores.learner == learner], today)

    def journey(self, learner: str, today: date | None = None,
                status: pd.DataFrame | None = None, people: pd.DataFrame | None = None):
        """Her route's progress (:func:`balise.progress.journey.route_progress`), or None
        when her job family has no route. Pass the frames a page already read."""
        from balise.progress.journey import route_progress
        from balise.progress.routes import route_for

        people = (self.store.frame(models_module.Person, models_module.Person.id == learner)
                  if people is None else people)
        mine = people[people.id == learner]
        route = route_for(self.routes, mine.activity.iloc[0] if not mine.empty else None)
        if route is None:
            return None
        if status is None:
            attempts = self.attempts(learner)
            status, _ = self.status(today, attempts, mine, self.grades(attempts, learner))
        return route_progress(route, status, self.validations(), learner)

    def attempts(self, learner: str | None = None,
                 learners: list[str] | None = None) -> pd.DataFrame:
        """Every attempt, or one learner's, or those of ``learners``."""
        where = []
        if learner is not None:
            where.append(models_module.Attempt.learner_id == learner)
        if learners is not None:
            where.append(models_module.Attempt.learner_id.in_(list(learners)))
        return self.store.frame(models_module.Attempt, *where)

    def attempt_scores(self, learners: list[str] | None = None) -> pd.DataFrame:
        """Every attempt's columns a status needs (who, which module, its state and score):
        the whole table without its answers and messages, a third of the time at scale.
        ``learners``: theirs only."""
        attempt = models_module.Attempt
        columns = [attempt.learner_id, attempt.module_id, attempt.status, attempt.score,
                   attempt.max_score, attempt.graded_at]
        query = select(*columns)
        if learners is not None:
            query = query.where(attempt.learner_id.in_(list(learners)))
        with self.store.engine.connect() as conn:
            # Plain tuples: pandas probes each SQLAlchemy Row for attributes, 3 s at 2 million.
            rows = [tuple(row) for row in conn.execute(query)]
        return pd.DataFrame(rows, columns=[c.key for c in columns])

    def api_url(self, handler) -> str:
        """Where the page's kernel reaches this server: always loopback, never the Host header."""
        app = handler.settings["serverapp"]
        host = app.ip if app.ip not in ("", "0.0.0.0", "*", "::", "localhost") else "127.0.0.1"
        return f"http://{host}:{app.port}{app.base_url}"
