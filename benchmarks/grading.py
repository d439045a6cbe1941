"""Grading the same `postures` submissions three ways, in one run.

1. the stock `nbgrader autograde` command;
2. stock nbgrader in-process (`NbGraderAPI.autograde`, a new kernel each time);
3. Balise: submission taken in by the server's GradingService, graded by the
   worker's pooled kernels, time until the score is in the gradebook and the
   attempt is marked graded; measured once both workers (the grading one and
   its standby) have started, as on a server in service.

Balise and the in-process stock run take turns, one submission each, so a
machine whose speed drifts (a shared one) slows both alike; the ratio of each
pair is printed beside the ratio of the medians. Feedback pages, which the
worker makes off the learner's path when it is idle, are left to the end, so
none is made while the stock side is timed.

Then the median of each step, both sides: on Balise's side the server's part
(answers checked, submission written and fsynced, attempt recorded), the
hand-off to the worker, the worker's steps and nbgrader's steps within them,
and the way back to the server; on stock's side the same nbgrader steps. A
slower machine thus says where it lost time. Reports median and p95 in seconds.
Last line:
RESULT balise_median_s=... api_median_s=... cli_median_s=... ratio_api=...
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
RUNS = int(os.environ.get("BALISE_BENCH_RUNS", "20"))

# Balise's side of the breakdown, outside the worker's own steps.
ACCEPT = "server: answers checked, written, fsynced, recorded"
HAND_OFF = "hand-off: doorbell, worker picks it up"
BACK = "back to the server: poll, result read"
OTHER = "nbgrader: API, logs, files (rest of autograde)"
AUTOGRADE = "worker: nbgrader autograde"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def timed_grade(step_log: Path, attempt: str, wait_s: float = 30) -> dict:
    """The worker's step times for ``attempt``: its line is appended just after the grade is
    recorded, so a loaded machine may show the score before the line is there."""
    deadline = time.monotonic() + wait_s
    while True:
        text = step_log.read_text() if step_log.exists() else ""
        for line in text.splitlines(keepends=True):
            if line.endswith("\n") and json.loads(line)["attempt"] == attempt:
                return json.loads(line)
        assert time.monotonic() < deadline, "the worker did not time this grade"
        time.sleep(0.01)


def nbgrader_rest(steps: dict[str, float], autograde_s: float) -> dict[str, float]:
    """The steps, with what autograde spent outside them as one more line."""
    from balise.grading.step_times import TOTAL

    inside = sum(v for k, v in steps.items() if not k.startswith("worker:") and k != TOTAL)
    return {**steps, OTHER: autograde_s - inside}


def print_breakdown(ours: list[dict], stock: list[dict]) -> None:
    """Median milliseconds of each step, Balise's beside stock's where both have it."""
    med = statistics.median
    names = list(dict.fromkeys([*(k for run in ours for k in run),
                                *(k for run in stock for k in run)]))
    order = [ACCEPT, HAND_OFF, *(n for n in names if n.startswith("worker:")), OTHER,
             *(n for n in names if n not in (ACCEPT, HAND_OFF, BACK, OTHER)
               and not n.startswith("worker:")), BACK]
    print(f"{'step (median ms; nbgrader steps indented)':58} {'Balise':>8} {'stock':>8}")
    for name in dict.fromkeys(order):
        if name not in names:
            continue
        cells = [f"{1000 * med([run.get(name, 0.0) for run in side]):8.1f}"
                 if any(name in run for run in side) else f"{'-':>8}" for side in (ours, stock)]
        nested = not (name.startswith(("server:", "hand-off", "worker:", "back")))
        print(f"{('  ' if nested else '') + name:58} {cells[0]} {cells[1]}")


def main() -> None:
    from balise.catalogue.draw import right_answers
    from balise.catalogue.modules import load_catalogue
    from balise.cli import build
    from balise.config import Balise
    from balise.demo import accounts as demo
    from balise.grading import GradingService, WorkerSupervisor, nbgrader_config
    from balise.grading.step_times import measuring
    from balise.store.models import Store

    load_at_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="balise-grading-bench-"))
    balise = Balise(data_dir=str(work / "data"), courses_dir=str(REPO / "courses"))
    build(balise, out=open(os.devnull, "w"))
    store = Store(balise.store_url)
    demo.seed(store)
    catalogue = load_catalogue(balise.courses_path)
    service = GradingService(store, catalogue, balise.course_root,
                             balise.data_path / "attempts", 120)
    config = work / "worker_config.py"
    step_log = work / "steps.jsonl"
    config.write_text(f"c.Balise.courses_dir = {str(balise.courses_path)!r}\n"
                      f"c.GradingWorker.step_times = {str(step_log)!r}\n"
                      # Feedback pages after the timed runs, not during stock's turns.
                      "c.GradingWorker.feedback_idle_seconds = 3600\n"
                      "c.GradingWorker.feedback_max_wait = 3600\n")
    supervisor = WorkerSupervisor(balise.data_path, str(config))
    supervisor.start()
    # A server in service: both workers up (the standby's warm-up grades blank sheets
    # and would otherwise share the two cores with the first measured grades).
    assert supervisor.wait_ready(300), "the grading workers did not start"

    from nbgrader.apps import NbGraderAPI

    stock_config = nbgrader_config(balise.course_root, balise.gradebook_url)
    del stock_config.Autograde["autograde_preprocessors"]   # nbgrader's own steps: stock
    del stock_config.Autograde["sanitize_preprocessors"]
    del stock_config.NotebookExporter["optimistic_validation"]

    def right() -> dict:
        """Full marks on amina's next attempt: its scenarios and the questions it draws."""
        attempt = service.answers.next_attempt("amina", "postures")
        return right_answers(catalogue["postures"], "amina", attempt)

    def stock_grade() -> tuple[float, dict[str, float]]:
        api = NbGraderAPI(config=stock_config)
        with measuring() as steps:
            t0 = time.perf_counter()
            assert api.autograde("postures", "amina", force=True, create=True)["success"]
            elapsed = time.perf_counter() - t0
        return elapsed, nbgrader_rest(dict(steps), elapsed)

    ours, api_times, our_steps, stock_steps, pairs = [], [], [], [], []
    try:
        asyncio.run(service.submit("amina", "postures", "warm-up", right()))  # worker ready
        stock_grade()                                                        # imports done
        for _ in range(RUNS):
            answers = right()
            t0 = time.perf_counter()
            attempt = service.accept("amina", "postures", uuid.uuid4().hex, answers)
            accepted, accepted_at = time.perf_counter(), time.time()
            result = asyncio.run(service.wait(attempt))
            done, done_at = time.perf_counter(), time.time()
            assert result["status"] == "graded" and result["percent"] == 100, result
            ours.append(done - t0)
            graded = timed_grade(step_log, attempt)
            steps = nbgrader_rest(graded["steps"], graded["steps"][AUTOGRADE])
            our_steps.append({ACCEPT: accepted - t0, HAND_OFF: graded["began"] - accepted_at,
                              **steps, BACK: done_at - graded["ended"]})
            elapsed, steps = stock_grade()
            api_times.append(elapsed)
            stock_steps.append(steps)
            pairs.append(elapsed / ours[-1])
    finally:
        supervisor.stop()
    load_after_pairs = os.getloadavg()     # the benchmark's own load included

    cli_times = []
    for _ in range(max(3, RUNS // 4)):
        t0 = time.perf_counter()
        subprocess.run([str(BIN / "nbgrader"), "autograde", "postures", "--student", "amina",
                        "--force", f"--CourseDirectory.root={balise.course_root}",
                        f"--CourseDirectory.db_url={balise.gradebook_url}"],
                       check=True, capture_output=True, cwd=balise.course_root)
        cli_times.append(time.perf_counter() - t0)
    store.dispose()
    shutil.rmtree(work, ignore_errors=True)

    med = statistics.median
    print_breakdown(our_steps, stock_steps)
    for name, values in [("Balise (pooled worker)", ours), ("nbgrader API in-process", api_times),
                         ("nbgrader autograde command", cli_times)]:
        print(f"{name:28} median {med(values):.3f} s  p95 {p95(values):.3f} s  n={len(values)}")
    print(f"machine: {os.cpu_count()} cores, load average (1, 5, 15 min) at start "
          f"{' '.join(f'{v:.2f}' for v in load_at_start)}, after the paired grades "
          f"{' '.join(f'{v:.2f}' for v in load_after_pairs)}")
    print(f"stock / Balise, each pair: min {min(pairs):.1f}  median {med(pairs):.1f}  "
          f"max {max(pairs):.1f}")
    print(f"RESULT balise_median_s={med(ours):.3f} balise_p95_s={p95(ours):.3f} "
          f"api_median_s={med(api_times):.3f} cli_median_s={med(cli_times):.3f} "
          f"ratio_api={med(api_times) / med(ours):.1f}")


if __name__ == "__main__":
    main()
