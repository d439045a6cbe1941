"""The grading service, server side: take a submission in, wait for its grade, never lose it.

The server writes each submission durably and records it as pending; the
grading worker (:mod:`balise.grading.worker`, kept alive by
:class:`~balise.grading.supervisor.WorkerSupervisor`) grades it. A repeated
submission, or a second click while grading runs, gets the first one's
result instead of a second attempt.

Learners waiting for a score share one poller per event loop: every
``poll_seconds`` it reads the status of all awaited attempts in one query and
wakes those graded, so a hundred waiting learners cost the server's event loop
what one does.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from sqlalchemy import func, select

from balise import BaliseError
from balise.catalogue import glossary
from balise.catalogue.answer_words import question_answer, scenario_answer
from balise.catalogue.draw import drawn, name_items
from balise.catalogue.modules import Module
from balise.grading.answers import Answers
from balise.grading.doorbell import ring
from balise.grading.submissions import (
    check_id,
    keep_answers,
    now_utc,
    submission_notebook,
    write_submission,
)
from balise.store.models import Attempt, Store


class GradingService:
    def __init__(self, store: Store, catalogue: dict[str, Module], course_root: Path,
                 archive: Path, timeout: float, log: logging.Logger | None = None,
                 max_attempts: int = 0, poll_seconds: float = 0.005):
        self.store, self.catalogue = store, catalogue
        # One indexed read on a local file per poll, for all waiters: cheap enough to ask often.
        self.poll_seconds = poll_seconds
        self._waiters: dict[asyncio.AbstractEventLoop, dict[str, list[asyncio.Future]]] = {}
        self.course_root, self.archive, self.timeout = course_root, archive, timeout
        self.data_dir = Path(course_root).resolve().parent
        self.log = log or logging.getLogger("balise.grading")
        self.max_attempts = max_attempts
        self.answers = Answers(store, catalogue)

    def module(self, module_id: object) -> Module:
        return self.answers.module(module_id)

    def accept(self, learner: str, module_id: str, submission_id: object,
               answers: object) -> str:
        """Write the submission and record it pending; return its attempt id.

        The same submission id, or any submission while one of the same
        learner and module is pending, returns the attempt already there.
        """
        module = self.module(module_id)
        attempt_id = check_id(submission_id, "submission id")
        if not isinstance(answers, dict):
            raise BaliseError("answers must be a mapping / les réponses sont mal formées")
        with self.store.session() as s:
            known = s.get(Attempt, attempt_id)
            if known is not None and known.learner_id != learner:
                raise BaliseError("submission id already used / identifiant déjà utilisé")
            if known is None:
                known = s.scalar(select(Attempt).where(
                    Attempt.learner_id == learner, Attempt.module_id == module.id,
                    Attempt.status == "pending"))
            if known is not None:
                return known.id
            number = (s.scalar(select(func.max(Attempt.number)).where(
                Attempt.learner_id == learner, Attempt.module_id == module.id)) or 0) + 1
            # What was saved as she went, then what the page sends: only what this
            # attempt asked (answers saved for an earlier draw are left out).
            clean = self.answers.for_attempt(module, learner, number, answers)
            if self.max_attempts and number > self.max_attempts:
                raise BaliseError(f"maximum attempts reached ({self.max_attempts}): ask your "
                                  f"trainer / nombre maximum d'essais atteint "
                                  f"({self.max_attempts}) : demandez à votre formateur")
            when = now_utc()
            keep_answers(self.archive, attempt_id, learner, module.id, clean)
            release = self.course_root / "release" / module.id / f"{module.id}.ipynb"
            write_submission(self.course_root, self.archive, attempt_id, learner, module.id,
                             submission_notebook(release, clean, number), when)
            s.add(Attempt(id=attempt_id, learner_id=learner, module_id=module.id,
                          number=number, status="pending", submitted_at=when.replace(tzinfo=None)))
        ring(self.data_dir)       # committed: the idle worker looks now
        return attempt_id

    async def submit(self, learner: str, module_id: str, submission_id: object,
                     answers: object) -> dict:
        return await self.wait(self.accept(learner, module_id, submission_id, answers))

    def status(self, attempt_id: str) -> str:
        with self.store.session() as s:
            return s.scalar(select(Attempt.status).where(Attempt.id == attempt_id))

    async def wait(self, attempt_id: str, timeout: float | None = None) -> dict:
        """The result once graded, or the pending result after ``timeout`` seconds."""
        if self.status(attempt_id) != "pending":
            return self.result(attempt_id)
        loop = asyncio.get_running_loop()
        waiting = self._waiters.get(loop)
        if waiting is None:
            waiting = self._waiters[loop] = {}
            loop.create_task(self._poll(loop, waiting))
        done = loop.create_future()
        waiting.setdefault(attempt_id, []).append(done)
        try:
            await asyncio.wait_for(done, self.timeout if timeout is None else timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            others = [f for f in waiting.get(attempt_id, []) if f is not done]
            if others:
                waiting[attempt_id] = others
            else:
                waiting.pop(attempt_id, None)
        return self.result(attempt_id)

    async def _poll(self, loop: asyncio.AbstractEventLoop,
                    waiting: dict[str, list[asyncio.Future]]) -> None:
        """Wake the waiters of attempts no longer pending; end when none waits."""
        try:
            while waiting:
                await asyncio.sleep(self.poll_seconds)
                try:
                    with self.store.session() as s:
                        settled = set(s.scalars(select(Attempt.id).where(
                            Attempt.id.in_(list(waiting)), Attempt.status != "pending")))
                except Exception:
                    self.log.exception("Could not read the status of %d awaited attempts; "
                                       "trying again", len(waiting))
                    await asyncio.sleep(1)
                    continue
                for attempt_id in settled:
                    for done in waiting.get(attempt_id, []):
                        if not done.done():
                            done.set_result(None)
        finally:
            if self._waiters.get(loop) is waiting:
                del self._waiters[loop]

    def _answers_sent(self, attempt_id: str) -> dict:
        """The answers the attempt was graded on, as kept when it was taken in."""
        try:
            return json.loads((self.archive / f"{attempt_id}.answers.json").read_text())["answers"]
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def result(self, attempt_id: str) -> dict:
        """What the learner sees of one attempt: total, pass or not, and each item she was asked.

        For each item: the question or situation as the page showed it, her answer in
        words, right or wrong, the right practice and its source. Nothing of an item she
        was not asked, and no key: the module page and her feedback page both show this.
        """
        with self.store.session() as s:
            attempt = s.get(Attempt, attempt_id)
        module = self.catalogue[attempt.module_id]
        out = {"attempt": attempt.id, "number": attempt.number, "status": attempt.status,
               "module": module.id, "pass_mark": module.pass_mark}
        if attempt.status == "failed":
            out["error"] = ("Vos réponses sont enregistrées, mais la correction a échoué. "
                            "Votre formateur est prévenu. / Your answers are saved, but grading "
                            "failed. Your trainer has been told.")
        if attempt.status != "graded":
            return out
        grades = name_items(module, attempt.learner_id, attempt.number,
                            json.loads(attempt.details or "{}"))
        given = self._answers_sent(attempt.id)
        questions = [module.question(q) for q in
                     drawn(module, attempt.learner_id, attempt.number)]
        percent = 100 * attempt.score / attempt.max_score if attempt.max_score else 0.0
        items = []
        for n, item in [*enumerate(module.scenarios, start=1), *enumerate(questions, start=1)]:
            scenario = item in module.scenarios       # numbered as the page numbers them
            answer = given.get(item.id)
            items.append({
                "id": item.id, "n": n, "type": "scenario" if scenario else "question",
                "prompt": item.prompt,
                "answer": (scenario_answer(item.kind, item.public_data, answer) if scenario
                           else question_answer(item.options, answer)),
                "correct": item.id in grades and grades[item.id][0] >= grades[item.id][1],
                "practice": item.practice, "source": item.source})
        # A word she may not know is explained at its first place here too (the practice
        # may be the first text of the module to use it): a tap, as on the module page.
        words = glossary.FirstUse(glossary.glossary_of(module.folder))
        for entry in items:
            for field in ("prompt", "answer", "practice"):
                entry[field] = words.note(entry[field])
        out.update(score=attempt.score, max_score=attempt.max_score, percent=round(percent),
                   passed=percent >= module.pass_mark, questions=items,
                   counts={"scenarios": len(module.scenarios), "questions": len(questions)},
                   graded_at=attempt.graded_at.isoformat() if attempt.graded_at else None)
        return out
