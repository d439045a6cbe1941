"""The code style we follow (ruff, configured in pyproject.toml) holds everywhere."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "balise", "widgets", "grading",
                          "progress", "tests", "benchmarks"], cwd=REPO, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout[-3000:]
