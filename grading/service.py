"""The grading service: submissions in, nbgrader grades out, nothing lost.

One instance per server. It writes each submission durably before recording
it, grades through nbgrader in a child process (one at a time: SQLite has one
writer), and answers a repeated submission with the first one's result
instead of a second attempt.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from sqlalchemy import func, select

from balise import BaliseError
from balise.catalogue import Module
from balise.grading.autograde import autograde
from balise.grading.results import submission_grades
from balise.grading.submissions import (check_answers, check_id, now_utc, restore_submission,
                                        submission_notebook, write_submission)
from balise.store import Attempt, Store, utcnow


class GradingService:
    def __init__(self, store: Store, catalogue: dict[str, Module], course_root: Path,
                 gradebook_url: str, archive: Path, timeout: float,
                 log: logging.Logger | None = None):
        self.store, self.catalogue = store, catalogue
        self.course_root, self.gradebook_url = course_root, gradebook_url
        self.archive, self.timeout = archive, timeout
        self.log = log or logging.getLogger("balise.grading")
        self._one_writer = asyncio.Lock()
        self._running: dict[str, asyncio.Task] = {}

    def module(self, module_id: object) -> Module:
        if not isinstance(module_id, str) or module_id not in self.catalogue:
            raise BaliseError("unknown module / module inconnu")
        return self.catalogue[module_id]

    async def submit(self, learner: str, module_id: str, submission_id: object,
                     answers: object) -> dict:
        module = self.module(module_id)
        attempt_id = check_id(submission_id, "submission id")
        clean = check_answers(module, answers)
        with self.store.session() as s:
            known = s.get(Attempt, attempt_id)
            if known is not None and known.learner_id != learner:
                raise BaliseError("submission id already used / identifiant déjà utilisé")
            if known is None:
                known = s.scalar(select(Attempt).where(
                    Attempt.learner_id == learner, Attempt.module_id == module.id,
                    Attempt.status == "pending"))
            if known is not None:
                attempt_id = known.id
            else:
                number = (s.scalar(select(func.max(Attempt.number)).where(
                    Attempt.learner_id == learner, Attempt.module_id == module.id)) or 0) + 1
                when = now_utc()
                release = self.course_root / "release" / module.id / f"{module.id}.ipynb"
                nb = submission_notebook(release, clean)
                write_submission(self.course_root, self.archive, attempt_id, learner,
                                 module.id, nb, when)
                s.add(Attempt(id=attempt_id, learner_id=learner, module_id=module.id,
                              number=number, status="pending",
                              submitted_at=when.replace(tzinfo=None)))
        return await self.grade(attempt_id)

    async def grade(self, attempt_id: str) -> dict:
        """Grade a pending attempt once, however many callers wait for it."""
        task = self._running.get(attempt_id)
        if task is None:
            task = asyncio.ensure_future(self._grade(attempt_id))
            self._running[attempt_id] = task
            task.add_done_callback(lambda _: self._running.pop(attempt_id, None))
        return await asyncio.shield(task)

    async def _grade(self, attempt_id: str) -> dict:
        async with self._one_writer:
            with self.store.session() as s:
                attempt = s.get(Attempt, attempt_id)
            if attempt.status == "pending":
                restore_submission(self.course_root, self.archive, attempt.id,
                                   attempt.learner_id, attempt.module_id,
                                   attempt.submitted_at.replace(tzinfo=now_utc().tzinfo))
                outcome = await autograde(self.course_root, self.gradebook_url,
                                          attempt.module_id, attempt.learner_id, self.timeout)
                self._record(attempt_id, outcome)
        return self.result(attempt_id)

    def _record(self, attempt_id: str, outcome: dict) -> None:
        with self.store.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if not outcome.get("success"):
                self.log.error("Grading attempt %s (%s, %s) failed, kept pending: %s",
                               attempt.id, attempt.learner_id, attempt.module_id,
                               outcome.get("error"))
                attempt.message = "grading failed, will retry"
                return
            grades = submission_grades(self.gradebook_url, attempt.module_id, attempt.learner_id)
            attempt.score = sum(score for score, _ in grades.values())
            attempt.max_score = sum(top for _, top in grades.values())
            attempt.status, attempt.graded_at, attempt.message = "graded", utcnow(), None

    def result(self, attempt_id: str) -> dict:
        """What the learner's page shows: total, pass or not, each question with its practice."""
        with self.store.session() as s:
            attempt = s.get(Attempt, attempt_id)
        module = self.catalogue[attempt.module_id]
        out = {"attempt": attempt.id, "number": attempt.number, "status": attempt.status,
               "module": module.id, "pass_mark": module.pass_mark}
        if attempt.status != "graded":
            return out
        grades = submission_grades(self.gradebook_url, module.id, attempt.learner_id)
        percent = 100 * attempt.score / attempt.max_score if attempt.max_score else 0.0
        out.update(score=attempt.score, max_score=attempt.max_score, percent=round(percent),
                   passed=percent >= module.pass_mark, questions=[
                       {"id": q.id, "n": n, "correct": grades.get(q.id, (0, 1))[0] >= grades.get(
                           q.id, (0, 1))[1], "practice": q.practice, "source": q.source}
                       for n, q in enumerate(module.quiz, start=1)])
        return out

    def resume(self) -> list[asyncio.Task]:
        """Grade what a stopped server left pending."""
        with self.store.session() as s:
            pending = s.scalars(select(Attempt.id).where(Attempt.status == "pending")).all()
        if pending:
            self.log.info("Resuming %d pending submission(s)", len(pending))
        return [asyncio.ensure_future(self.grade(a)) for a in pending]
