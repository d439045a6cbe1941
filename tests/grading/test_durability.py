"""Nothing lost: a worker killed with SIGKILL mid-grade, 50 submissions at once."""

import asyncio
import os
import signal
import time

from sqlalchemy import select

from balise.grading.results import grades_frame
from balise.store.models import Attempt

from submitting import TOTAL, add_learners, right, run


def answers_for(i, learner):
    """A different, known score for each learner: the first i % 11 items right."""
    good = list(right(learner).items())[: i % 11]
    return dict(good), len(good)


def test_worker_killed_mid_grade_loses_nothing_and_grades_once(service, data, worker):
    balise, store = data
    learners = add_learners(store, [f"learner{i:02d}" for i in range(8)])
    attempts = {service.accept(pid, "postures", f"k{i}", answers_for(i, pid)[0]): (pid, i)
                for i, pid in enumerate(learners)}
    kills = 0
    deadline = time.time() + 120
    while kills < 3 and time.time() < deadline:
        time.sleep(0.15)
        with store.session() as s:
            graded = s.scalar(select(Attempt.id).where(Attempt.status == "graded").limit(1))
        if graded is not None and worker.proc.poll() is None:
            os.kill(worker.proc.pid, signal.SIGKILL)     # mid-queue, most likely mid-grade
            kills += 1
            time.sleep(0.6)
    assert kills == 3
    results = {a: run(service.wait(a, timeout=180)) for a in attempts}
    assert worker.restarts >= 3
    for attempt, result in results.items():
        pid, i = attempts[attempt]
        assert result["status"] == "graded", (pid, result)
        assert result["score"] == answers_for(i, pid)[1], (pid, result)
    book = grades_frame(balise.gradebook_url)
    per_learner = book.groupby("learner").question.count()
    assert sorted(per_learner.index) == sorted(learners)
    assert (per_learner == TOTAL).all()               # one graded submission each
    totals = book.groupby("learner").score.sum()
    assert all(totals[pid] == answers_for(i, pid)[1] for pid, i in attempts.values())
    for attempt in attempts:
        assert (balise.data_path / "attempts" / f"{attempt}.ipynb").exists()


def test_fifty_submissions_at_once_on_sqlite(service, data, worker):
    balise, store = data
    learners = add_learners(store, [f"learner{i:02d}" for i in range(50)])

    async def everyone():
        return await asyncio.gather(*(
            service.submit(pid, "postures", f"c{i}", answers_for(i, pid)[0])
            for i, pid in enumerate(learners)))

    results = run(everyone())
    assert [r["status"] for r in results] == ["graded"] * 50
    expected = [answers_for(i, pid)[1] for i, pid in enumerate(learners)]
    assert [r["score"] for r in results] == expected
    with store.session() as s:
        assert s.scalar(select(Attempt).where(Attempt.status != "graded")) is None


def test_fifty_submissions_at_once_on_postgresql(postgres, built_course, tmp_path):
    """The same load with both the store and nbgrader's gradebook on PostgreSQL."""
    import shutil

    from balise.catalogue.modules import load_catalogue
    from balise.cli import build
    from balise.config import Balise
    from balise.demo import accounts as demo
    from balise.grading import GradingService, WorkerSupervisor
    from balise.store.models import Store

    store_url, book_url = postgres.create_db("balise"), postgres.create_db("gradebook")
    config = tmp_path / "jupyter_config.py"
    config.write_text(f"c.Balise.db_url = {store_url!r}\n"
                      f"c.Balise.gradebook_db_url = {book_url!r}\n")
    balise = Balise(data_dir=str(tmp_path / "data"), courses_dir=built_course.courses_dir,
                    db_url=store_url, gradebook_db_url=book_url)
    build(balise, out=open(os.devnull, "w"))               # generate_assignment into PostgreSQL
    store = Store(store_url)
    demo.seed(store)
    learners = add_learners(store, [f"learner{i:02d}" for i in range(50)])
    service = GradingService(store, load_catalogue(balise.courses_path), balise.course_root,
                             balise.data_path / "attempts", 180)
    supervisor = WorkerSupervisor(balise.data_path, str(config))
    supervisor.start()

    async def everyone():
        return await asyncio.gather(*(
            service.submit(pid, "postures", f"pg{i}", answers_for(i, pid)[0])
            for i, pid in enumerate(learners)))

    try:
        results = run(everyone())
    finally:
        supervisor.stop()
    assert [r["status"] for r in results] == ["graded"] * 50
    expected = [answers_for(i, pid)[1] for i, pid in enumerate(learners)]
    assert [r["score"] for r in results] == expected
    book = grades_frame(book_url)
    assert book.learner.nunique() == 50 and not balise.gradebook_url.startswith("sqlite")
    store.dispose()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
