"""`pytest --nbval-lax` on the widget gallery, as `balise serve` ships it: it runs clean."""

import subprocess
import sys

from balise.grading.build import build_gallery


def test_gallery_notebook_runs_under_nbval(tmp_path):
    build_gallery(tmp_path)                 # the copy `balise serve` makes, beside the modules
    gallery = tmp_path / "release" / "gallery"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
         "gallery.ipynb"],
        cwd=gallery, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
