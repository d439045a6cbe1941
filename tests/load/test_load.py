"""Under load, with the grading worker killed, every learner gets her grade and none is lost.

A smaller run of ``benchmarks/load.py`` (which `make bench` runs at 100 learners):
learners sign in, open the module in Voila, answer and submit over loopback while the
worker is SIGKILLed twice. Arrivals over 20 s and 5-15 s of thinking: the benchmark's
model of a group at work, compressed to keep the suite short. The same run with the
server itself SIGKILLed once and started again (``--kill-server``): every learner cut
off reloads and finishes, and nothing she saved or submitted before the kill is lost.
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.load, pytest.mark.slow]


def result_line(run: subprocess.CompletedProcess) -> dict[str, str]:
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT "), run.stdout[-3000:] + run.stderr[-3000:]
    return dict(pair.split("=") for pair in last.split()[1:])


def test_ten_learners_submit_while_the_worker_is_killed_and_none_is_lost():
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "load.py"), "--learners", "10",
         "--concurrency", "5", "--kills", "2", "--deadline", "400",
         "--ramp", "20", "--think", "5", "15"],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = result_line(run)
    assert result["learners"] == "10" and result["kills"] == "2", run.stdout[-3000:]
    assert result["errors"] == "0", run.stdout[-3000:]
    assert result["lost"] == "0", run.stdout[-3000:]


def test_learners_cut_off_by_a_server_kill_finish_after_a_reload_and_nothing_is_lost():
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "load.py"), "--learners", "8",
         "--concurrency", "8", "--kills", "2", "--kill-server", "--deadline", "400",
         "--ramp", "10", "--think", "10", "20"],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    result = result_line(run)
    told = run.stdout[-4000:] + run.stderr[-3000:]
    assert run.returncode == 0, told
    assert result["server_kills"] == "1" and int(result["cut_off"]) >= 1, told
    assert result["finished"] == "8" and result["errors"] == "0", told
    assert int(result["answers_before"]) > 0, told
    assert result["answers_found"] == result["answers_before"], told
    assert result["lost"] == "0", told
