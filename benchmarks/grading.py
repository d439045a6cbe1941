"""Grading the same `postures` submissions three ways, in one run.

1. the stock `nbgrader autograde` command;
2. stock nbgrader in-process (`NbGraderAPI.autograde`, a new kernel each time);
3. Balise: submission taken in by the server's GradingService, graded by the
   worker's pooled kernels, time until the score is in the gradebook and the
   attempt is marked graded; measured once both workers (the grading one and
   its standby) have started, as on a server in service.

Reports median and p95 in seconds. Last line:
RESULT balise_median_s=... api_median_s=... cli_median_s=... ratio_api=...
"""

from __future__ import annotations

import asyncio
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


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    from balise.catalogue.draw import right_answers
    from balise.catalogue.modules import load_catalogue
    from balise.cli import build
    from balise.config import Balise
    from balise.demo import accounts as demo
    from balise.grading import GradingService, WorkerSupervisor, nbgrader_config
    from balise.store.models import Store

    work = Path(tempfile.mkdtemp(prefix="balise-grading-bench-"))
    balise = Balise(data_dir=str(work / "data"), courses_dir=str(REPO / "courses"))
    build(balise, out=open(os.devnull, "w"))
    store = Store(balise.store_url)
    demo.seed(store)
    catalogue = load_catalogue(balise.courses_path)
    service = GradingService(store, catalogue, balise.course_root,
                             balise.data_path / "attempts", 120)
    config = work / "worker_config.py"
    config.write_text(f"c.Balise.courses_dir = {str(balise.courses_path)!r}\n")
    supervisor = WorkerSupervisor(balise.data_path, str(config))
    supervisor.start()
    # A server in service: both workers up (the standby's warm-up grades blank sheets
    # and would otherwise share the two cores with the first measured grades).
    assert supervisor.wait_ready(300), "the grading workers did not start"

    def right() -> dict:
        """Full marks on amina's next attempt: its scenarios and the questions it draws."""
        attempt = service.answers.next_attempt("amina", "postures")
        return right_answers(catalogue["postures"], "amina", attempt)

    ours = []
    try:
        asyncio.run(service.submit("amina", "postures", "warm-up", right()))  # worker ready
        for _ in range(RUNS):
            answers = right()
            t0 = time.perf_counter()
            result = asyncio.run(service.submit("amina", "postures", uuid.uuid4().hex, answers))
            ours.append(time.perf_counter() - t0)
            assert result["status"] == "graded" and result["percent"] == 100, result
    finally:
        supervisor.stop()

    from nbgrader.apps import NbGraderAPI

    stock_config = nbgrader_config(balise.course_root, balise.gradebook_url)
    del stock_config.Autograde["autograde_preprocessors"]   # nbgrader's own steps: stock
    del stock_config.Autograde["sanitize_preprocessors"]
    del stock_config.NotebookExporter["optimistic_validation"]
    api_times = []
    for _ in range(RUNS):
        api = NbGraderAPI(config=stock_config)
        t0 = time.perf_counter()
        assert api.autograde("postures", "amina", force=True, create=True)["success"]
        api_times.append(time.perf_counter() - t0)

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
    for name, values in [("Balise (pooled worker)", ours), ("nbgrader API in-process", api_times),
                         ("nbgrader autograde command", cli_times)]:
        print(f"{name:28} median {med(values):.3f} s  p95 {p95(values):.3f} s  n={len(values)}")
    print(f"RESULT balise_median_s={med(ours):.3f} balise_p95_s={p95(ours):.3f} "
          f"api_median_s={med(api_times):.3f} cli_median_s={med(cli_times):.3f} "
          f"ratio_api={med(api_times) / med(ours):.1f}")


if __name__ == "__main__":
    main()
