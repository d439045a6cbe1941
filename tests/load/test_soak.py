"""Page kernels and the server's memory stay bounded while pages are opened and abandoned.

A smaller run of ``benchmarks/soak.py`` (which `make bench` runs at 300 page opens over
15 minutes): 18 opens over 40 s, two in three abandoned without closing the tab,
culling after 6 s idle, the server's memory looked at every 5 s. The script fails
(status 1) unless, at the end, live page kernels are at most the pages still open plus
the pool's, and the server's memory is within 10 % of its start.
"""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.load, pytest.mark.slow]


def test_page_kernels_and_memory_come_back_after_pages_are_abandoned():
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "soak.py"), "--opens", "18",
         "--seconds", "40", "--idle", "6", "--interval", "2", "--collect", "5",
         "--keep", "8", "--read", "2", "5", "--learners", "4"],
        cwd=REPO, capture_output=True, text=True, timeout=900)
    last = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    assert run.returncode == 0 and last.startswith("RESULT "), (run.stdout[-3000:]
                                                                + run.stderr[-3000:])
    result = dict(pair.split("=") for pair in last.split()[1:])
    assert int(result["abandoned"]) >= 7, last          # most of them, as asked
    assert int(result["live_kernels"]) <= int(result["bound"]), last
    assert float(result["rss_ratio"]) <= 1.10, last
    assert result["errors"] == "0", last
