"""`pytest --nbval-lax` on the release notebook: it runs clean outside a Balise session."""

import subprocess
import sys


def test_release_notebook_runs_under_nbval(built_course):
    release = built_course.course_root / "release" / "postures"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         "postures.ipynb"],
        cwd=release, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
