"""The grading worker: a long-lived process that grades pending attempts with pooled kernels.

The server writes each submission and records it as pending; this process
takes pending attempts oldest first, runs nbgrader's own Autograde (its
Execute step swapped for :class:`PooledExecute` through configuration) and
records the grades. Killed at any moment, it loses nothing: an attempt is
marked graded only after nbgrader has saved its grades, so whatever was in
flight is still pending when the worker starts again.

Only the holder of the grading lease (:mod:`balise.grading.lease`) grades. A
second, standby worker started beside it warms up (imports, kernel pool) and
waits for the lease; when the holder dies, even by SIGKILL, the standby grades
the next attempt, the killed worker's unfinished one first, at once.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import timedelta, timezone
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from sqlalchemy import select
from traitlets import Bool, Float, Integer, Unicode
from traitlets.config import Config, LoggingConfigurable

from balise.grading.answer_sheet import inspect
from balise.grading.build import ASSETS
from balise.grading.coursedir import ensure_tools_on_path, nbgrader_config
from balise.grading.doorbell import Doorbell
from balise.grading.feedback import FeedbackMaker
from balise.grading.gradebook import SharedGradebookAPI, dispose_engines
from balise.grading.lease import GradingLease, holder
from balise.grading.pool import KernelPool
from balise.grading.priority import can_come_back, set_nice
from balise.grading.results import notebook_grades
from balise.grading.step_times import measuring
from balise.grading.submissions import read_notebook, restore_submission
from balise.grading.warm_up import warm_up
from balise.store.models import Attempt, Store, utcnow


class GradingWorker(LoggingConfigurable):
    poll_seconds = Float(
        0.005,
        help="""Seconds between two looks for pending attempts when idle, where the
        doorbell (a named pipe in the data folder) cannot be made: one indexed read of a
        local table, so a short wait costs little and a learner waits less.""",
    ).tag(config=True)
    doorbell_wait = Float(
        0.5,
        help="""Longest idle sleep, in seconds, of a worker listening on the doorbell the
        server rings at each submission: it looks for pending attempts at least this
        often anyway (and makes due feedback pages), at no cost to a learner's wait.""",
    ).tag(config=True)
    max_failures = Integer(
        3,
        help="""Times grading of one attempt may fail (crash, malformed notebook)
        before it is marked failed for a trainer to look at. The submission is kept.""",
    ).tag(config=True)
    feedback_idle_seconds = Float(
        0.5,
        help="""Feedback pages (nbgrader's generate_feedback, about as long as a grade) are
        made once no attempt has waited for this long, so they never take the CPU from the
        next learner's score; the score and each question's verdict are on her page
        already, the feedback page is for later.""",
    ).tag(config=True)
    feedback_max_wait = Float(
        20.0,
        help="""Seconds after which a feedback page is made even if grading never goes
        idle (a long rush of submissions).""",
    ).tag(config=True)
    warm_up = Bool(
        True,
        help="""A worker that starts as the standby (another holds the grading lease)
        first grades a blank sheet once per pooled kernel in a scratch course, so its
        first real grade after a takeover costs what any grade costs (a fresh worker's
        first grade takes 1-2 s more on a busy 2-core machine). Nothing is recorded.""",
    ).tag(config=True)

    standby_nice = Integer(
        10,
        min=0,
        max=19,
        help="""Niceness of a worker, and of its kernels, started while another worker
        grades (a standby started after a crash or a kill): its warm-up then yields the
        CPU to the scores being graded and to pages. It grades at niceness 0 once it
        takes over. Used only where the worker may raise its priority back (root,
        CAP_SYS_NICE or RLIMIT_NICE 20). 0 to warm up at full priority.""",
    ).tag(config=True)

    step_times = Unicode(
        "",
        help="""A file to which the worker appends, for each grade, one JSON line with the
        wall time of each of its steps (nbgrader's own, timed by name) and when it began
        and ended; for benchmarks/grading.py. Empty (the default): nothing is timed.""",
    ).tag(config=True)

    def __init__(self, store: Store, course_root: Path, gradebook_url: str, archive: Path,
                 user_config: Config | None = None, **kwargs):
        super().__init__(config=user_config or Config(), **kwargs)
        self.store, self.course_root, self.archive = store, course_root, archive
        self.gradebook_url = gradebook_url
        scratch = self._scratch = tempfile.mkdtemp(prefix="balise-grading-")
        data_dir = Path(course_root).resolve().parent
        self.pool = KernelPool(parent=self, home=scratch, hidden_paths=[str(data_dir)])
        cfg = nbgrader_config(course_root, gradebook_url)
        # The module's pictures are for its page: a submission holds the answer sheet and
        # the graded cells only, so nbgrader need not clear and copy them at every grade.
        cfg.CourseDirectory.ignore = [*CourseDirectory.class_traits()["ignore"].default(),
                                      ASSETS]
        # nbgrader's API sets its logger to INFO: some twenty lines a grade (each file
        # copied, each step) formatted twice, for its captured log and the worker's stderr.
        # Warnings and errors are logged as before (a failed grade's log keeps its error).
        cfg.NbGraderAPI.log_level = "WARN"
        cfg.merge(user_config or Config())
        cfg.PooledExecute.pool = self.pool
        self.nbgrader_config = cfg
        self.user_config = user_config or Config()
        self._stop = False
        self.feedback = FeedbackMaker(course_root, gradebook_url)
        self._feedback_due: dict[tuple[str, str], float] = {}   # (module, learner): since
        self._last_grade = 0.0
        self._releases: dict[str, tuple[int, object]] = {}
        self._api: SharedGradebookAPI | None = None
        self.lease = GradingLease(data_dir)
        self.doorbell = Doorbell(data_dir)
        self._parent = os.getppid()
        self._data_dir = data_dir
        self._lowered = False

    def pending(self) -> list[Attempt]:
        with self.store.session() as s:
            return list(s.scalars(select(Attempt).where(Attempt.status == "pending")
                                  .order_by(Attempt.submitted_at)).all())

    def grade(self, attempt: Attempt) -> None:
        if not self.step_times:
            return self._grade(attempt, {})
        began = time.time()
        with measuring() as times:
            self._grade(attempt, times)
        ended = time.time()
        with open(self.step_times, "a") as out:
            out.write(json.dumps({"attempt": attempt.id, "began": began, "ended": ended,
                                  "steps": times}) + "\n")

    def _grade(self, attempt: Attempt, times: dict) -> None:
        lap = time.perf_counter()

        def step(name: str) -> None:
            nonlocal lap
            now = time.perf_counter()
            times[name] = times.get(name, 0.0) + now - lap
            lap = now

        submitted = restore_submission(self.course_root, self.archive, attempt.id,
                                       attempt.learner_id, attempt.module_id,
                                       attempt.submitted_at)
        self._flag(attempt, submitted)
        step("worker: submission read, sheet checked")
        if self._api is None:
            # One for the worker's life, as nbgrader's formgrader keeps one: autograde sets
            # the module and learner for the call only. Its start lists the exchange folder.
            self._api = SharedGradebookAPI(config=self.nbgrader_config)
        result = self._api.autograde(attempt.module_id, attempt.learner_id, force=True, create=True)
        step("worker: nbgrader autograde")
        if result.get("success"):
            grades = notebook_grades(self.gradebook_url, attempt.module_id, attempt.learner_id)
            step("worker: grades read")
            self._record(attempt.id, grades)
            step("worker: attempt recorded")
            # One page per learner and module, from her latest grades, made when idle.
            self._feedback_due.setdefault((attempt.module_id, attempt.learner_id),
                                          time.monotonic())
        else:
            self._failed(attempt.id, result.get("error") or result.get("log") or "")

    def _send_feedback(self, idle: bool) -> None:
        """Hand due feedback pages to the feedback process: all when idle, else the overdue."""
        now = time.monotonic()
        for key, since in list(self._feedback_due.items()):
            if idle or now - since >= self.feedback_max_wait:
                del self._feedback_due[key]
                self.feedback.request(*key)

    def _feedback_left(self, within_s: float = 600) -> None:
        """Feedback a killed holder had not made yet: graded lately, its page missing or older.

        Only where nbgrader left an autograded notebook to make it from: a score written
        without one (the demo's seeded attempts) has no page to make, and asking for it
        only logs nbgrader's "No notebooks were matched"."""
        since = utcnow() - timedelta(seconds=within_s)
        with self.store.session() as s:
            rows = s.execute(select(Attempt.module_id, Attempt.learner_id, Attempt.graded_at)
                             .where(Attempt.status == "graded", Attempt.graded_at >= since)).all()
        for module, learner, graded_at in rows:
            if not (self.course_root / "autograded" / learner / module).is_dir():
                continue
            page = self.course_root / "feedback" / learner / module / f"{module}.html"
            made = page.stat().st_mtime if page.exists() else 0
            if made < graded_at.replace(tzinfo=timezone.utc).timestamp():
                self._feedback_due.setdefault((module, learner), time.monotonic())

    def _release(self, module: str):
        path = self.course_root / "release" / module / f"{module}.ipynb"
        stamp = path.stat().st_mtime_ns
        cached = self._releases.get(module)
        if cached is None or cached[0] != stamp:
            cached = (stamp, read_notebook(path))
            self._releases[module] = cached
        return cached[1]

    def _flag(self, attempt: Attempt, submitted) -> None:
        """Record for the trainer what in the submission Balise did not write."""
        flags = inspect(submitted, self._release(attempt.module_id))
        if flags:
            self.log.warning("Attempt %s (%s) flagged: %s", attempt.id, attempt.learner_id, flags)
            with self.store.session() as s:
                s.get(Attempt, attempt.id).flags = json.dumps(flags)

    def _record(self, attempt_id: str, grades: dict[str, list[float]]) -> None:
        with self.store.session() as s:
            attempt = s.get(Attempt, attempt_id)
            attempt.score = sum(score for score, _ in grades.values())
            attempt.max_score = sum(top for _, top in grades.values())
            attempt.details = json.dumps(grades)
            attempt.status, attempt.graded_at, attempt.message = "graded", utcnow(), None

    def _failed(self, attempt_id: str, error: str) -> None:
        dispose_engines()       # a database restarted under us: start afresh
        with self.store.session() as s:
            attempt = s.get(Attempt, attempt_id)
            attempt.failures += 1
            attempt.message = error.strip().splitlines()[-1][:400] if error.strip() else "failed"
            if attempt.failures >= self.max_failures:
                attempt.status = "failed"
            self.log.error("Grading %s (%s, %s) failed (%d/%d): %s", attempt.id,
                           attempt.learner_id, attempt.module_id, attempt.failures,
                           self.max_failures, error[-2000:])

    def _another_grades(self) -> bool:
        pid = holder(self._data_dir)
        if pid is None or pid == os.getpid():
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return True

    def _yield_cpu(self) -> None:
        """A standby started while another worker grades warms up at a low priority."""
        if self.standby_nice and self._another_grades() and can_come_back():
            self._lowered = set_nice(os.getpid(), self.standby_nice)
            if self._lowered:
                self.pool.nice = self.standby_nice

    def _take_cpu(self) -> None:
        """Holding the lease: back to the normal priority, with the kernels."""
        if self._lowered:
            set_nice(os.getpid(), 0)
            self.pool.renice(0)
            self._lowered = False

    def run(self) -> None:
        ensure_tools_on_path()
        if not self.pool.sealed:
            self.log.warning("Grading kernels can see the data folder: install bubblewrap "
                             "(apt-get install bubblewrap) to hide it from them.")
        self._yield_cpu()
        self.pool.start()
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "_stop", True))
        if self.lease.try_acquire():
            self._take_cpu()
            self.doorbell.open()
            self._feedback_left()
        elif self.warm_up:
            warm_up(self.course_root, self.gradebook_url, self.user_config, self.pool,
                    self.pool.size, self.log)
            self.pending()
        # What is alive now (nbgrader, SQLAlchemy, the pool...) lives as long as the worker:
        # left out of later collections, which then walk only what a grade made (as in
        # the kernels, pool.INIT_CODE); a full collection walked some 375,000 objects.
        gc.collect()
        gc.freeze()
        print("balise grading worker ready", flush=True)
        try:
            while not self._stop:
                if os.getppid() != self._parent:
                    self.log.warning("The supervisor is gone: the grading worker stops.")
                    break
                if not self.lease.held:
                    if not self.lease.wait(0.2):    # stop and supervisor looked at between
                        continue
                    self._take_cpu()
                    self.log.warning("Worker %d holds the grading lease: it grades now.",
                                     os.getpid())
                    self.doorbell.open()
                    self._feedback_left()
                batch = self.pending()
                if not batch:
                    if self._feedback_due:
                        self._send_feedback(
                            time.monotonic() - self._last_grade >= self.feedback_idle_seconds)
                    if self.doorbell.listening:
                        self.doorbell.wait(self.doorbell_wait)
                    else:
                        time.sleep(self.poll_seconds)
                    continue
                for attempt in batch:
                    if self._stop:
                        break
                    try:
                        self.grade(attempt)
                    except Exception as err:
                        self.log.exception("Grading %s crashed", attempt.id)
                        self._failed(attempt.id, f"{type(err).__name__}: {err}")
                    self._last_grade = time.monotonic()
                if self._feedback_due:
                    self._send_feedback(idle=False)
        finally:
            for key in self._feedback_due:      # stopping: what is due is made before the end
                self.feedback.request(*key)
            self.doorbell.close()
            self.lease.release()
            self.pool.shutdown()
            shutil.rmtree(self._scratch, ignore_errors=True)     # the kernels' home
            self.feedback.close()
            dispose_engines()


def main(argv: list[str] | None = None) -> None:
    from balise.config import Balise, load_config

    parser = argparse.ArgumentParser(description="Balise's grading worker.")
    parser.add_argument("--config")
    parser.add_argument("--data", required=True)
    parser.add_argument("--courses", help="the courses folder (default: the config's)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="[%(levelname).1s %(asctime)s balise.grading] %(message)s")
    # nbgrader logs every file it copies at INFO: keep the worker's own lines readable.
    logging.getLogger("traitlets").setLevel(logging.WARNING)
    user_config = load_config(args.config) if args.config else Config()
    user_config.Balise.data_dir = args.data
    if args.courses:
        user_config.Balise.courses_dir = args.courses
    balise = Balise(config=user_config)
    user_config.DrawQuiz.courses = str(balise.courses_path)
    store = Store(balise.store_url)
    worker = GradingWorker(store, balise.course_root, balise.gradebook_url,
                           balise.data_path / "attempts", user_config=user_config)
    worker.run()
    sys.exit(0)


if __name__ == "__main__":
    main()
