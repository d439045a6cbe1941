"""A warm standby worker: killing the grading worker hands over at once, nothing graded twice."""

import os
import signal
import time

import psutil
from sqlalchemy import func, select

from balise.grading import WorkerSupervisor
from balise.grading.lease import GradingLease, holder
from balise.grading.priority import can_come_back, nice_of
from balise.grading.results import grades_frame
from balise.store.models import Attempt

from submitting import TOTAL, add_learners, right, run


def graded(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Attempt)
                        .where(Attempt.status == "graded"))


def kernels_nice(worker_pid: int) -> set[int]:
    kernels = [p.pid for p in psutil.Process(worker_pid).children(recursive=True)
               if "ipykernel_launcher" in " ".join(p.cmdline())]
    assert kernels, "the worker has kernels"
    return {nice_of(pid) for pid in kernels}


def test_lease_is_held_by_one_process_and_freed_when_released(tmp_path):
    first, second = GradingLease(tmp_path), GradingLease(tmp_path)
    assert first.try_acquire() and holder(tmp_path) == os.getpid()
    assert not second.try_acquire()          # flock: one holder per open file
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_waiting_standby_takes_the_lease_when_the_holder_lets_go(tmp_path):
    first, second = GradingLease(tmp_path), GradingLease(tmp_path)
    assert first.try_acquire()
    assert not second.wait(0.05) and not second.held      # blocked in flock, not polling
    first.release()
    assert second.wait(5) and second.held and not first.try_acquire()
    second.release()
    assert first.try_acquire()
    first.release()


def test_killing_the_grading_worker_hands_over_to_the_standby_within_a_second(service, data):
    balise, store = data
    learners = add_learners(store, [f"learner{i:02d}" for i in range(7)])
    supervisor = WorkerSupervisor(balise.data_path)
    assert supervisor.standby
    supervisor.start()
    try:
        first = service.accept(learners[0], "postures", "s0", right(learners[0]))
        assert run(service.wait(first, timeout=120))["status"] == "graded"
        active = supervisor.proc
        assert active.pid == holder(balise.data_path)
        standby = next(p for p in supervisor.procs if p is not active)
        assert supervisor.wait_ready(120)              # the standby is warm
        attempts = [service.accept(pid, "postures", f"s{i}", right(pid))
                    for i, pid in enumerate(learners[1:-1], start=1)]
        while graded(store) < 2:                     # the holder is busy with the queue
            time.sleep(0.005)
        before = graded(store)
        os.kill(active.pid, signal.SIGKILL)
        killed = time.monotonic()
        while graded(store) == before and time.monotonic() - killed < 30:
            time.sleep(0.005)
        handover = time.monotonic() - killed
        results = [run(service.wait(a, timeout=120)) for a in attempts]
        assert holder(balise.data_path) == standby.pid
        assert handover < 1.0, f"next grade {handover:.2f} s after the kill"
        assert [r["status"] for r in results] == ["graded"] * len(attempts)
        assert all(r["percent"] == 100 for r in results)
        deadline = time.monotonic() + 30
        while supervisor.restarts < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert supervisor.restarts == 1
        assert sum(p.poll() is None for p in supervisor.procs) == 2   # a new standby
        # The new standby warms up, kernels included, at a low priority...
        newcomer = next(p for p in supervisor.procs if p.pid != standby.pid)
        assert supervisor.wait_ready(120)
        low = 10 if can_come_back() else 0
        assert nice_of(newcomer.pid) == low and kernels_nice(newcomer.pid) == {low}
        assert nice_of(standby.pid) == 0 and kernels_nice(standby.pid) == {0}
        # ...and grades at the normal one once it takes over.
        os.kill(standby.pid, signal.SIGKILL)
        last = service.accept(learners[-1], "postures", "last", right(learners[-1]))
        assert run(service.wait(last, timeout=120))["percent"] == 100
        assert holder(balise.data_path) == newcomer.pid
        assert nice_of(newcomer.pid) == 0 and kernels_nice(newcomer.pid) == {0}
    finally:
        supervisor.stop()
    with store.session() as s:
        rows = s.execute(select(Attempt.learner_id, Attempt.status, Attempt.failures)).all()
    assert sorted(r.learner_id for r in rows) == sorted(learners)     # one attempt each
    assert {(r.status, r.failures) for r in rows} == {("graded", 0)}
    book = grades_frame(balise.gradebook_url)
    per_learner = book.groupby("learner").question.count()
    assert sorted(per_learner.index) == sorted(learners)
    assert (per_learner == TOTAL).all()                  # one graded submission each
    assert (book.score == book.max_score).all()
