"""`pytest --nbval-lax` on every release notebook: each runs clean outside a Balise session."""

import subprocess
import sys


def test_every_release_notebook_runs_under_nbval(built_course):
    from balise.catalogue.modules import load_catalogue

    modules = list(load_catalogue(built_course.courses_path))
    assert len(modules) >= 12
    release = built_course.course_root / "release"
    paths = [f"{m}/{m}.ipynb" for m in modules]
    # One nbval run for all: one pytest start, one kernel per notebook.
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-v", *paths],
        cwd=release, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "failed" not in run.stdout and " passed" in run.stdout
    ran = {line.split("::")[0] for line in run.stdout.splitlines() if "::ipynb::Cell" in line}
    assert ran == {f"{m}/{m}" for m in modules}                         # each one ran
