"""The wheel ships every room: templates, static files, migrations and catalogues.

``pyproject.toml`` lists packages and their data by hand; a file left out works from
the checkout (``pip install -e``) and is missing on a server installed from the
wheel. The wheel is built and installed into a fresh venv, and every such file of
the checkout must be found in that venv's ``site-packages``.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Balise's Voila template (Voila's lab one without its CDN links).
VOILA_TEMPLATE = "static/jupyter/voila/templates/balise"
# (folder in the checkout, glob, folder inside the installed balise package)
SHIPPED = [
    ("balise/web/templates", "*.html", "web/templates"),
    ("balise/web/static", "*.js", "web/static"),
    (f"balise/web/{VOILA_TEMPLATE}", "*", f"web/{VOILA_TEMPLATE}"),
    ("balise/store/migrations", "*.py", "store/migrations"),
    ("balise/store/migrations", "*.mako", "store/migrations"),
    ("balise/store/migrations/versions", "*.py", "store/migrations/versions"),
    ("balise/hub", "*.py", "hub"),
    ("balise/locale", "*/LC_MESSAGES/*.po", "locale"),
    ("widgets/js", "*.js", "widgets/js"),
]
PACKAGES = ["balise", "balise/web", "balise/store", "balise/catalogue", "balise/hub",
            "balise/demo", "grading", "widgets", "progress"]


def expected_files() -> list[str]:
    found = []
    for folder, pattern, target in SHIPPED:
        for path in sorted((REPO / folder).glob(pattern)):
            found.append(f"{target}/{path.relative_to(REPO / folder)}")
    return found


@pytest.mark.slow
def test_the_wheel_holds_every_template_migration_and_catalogue(tmp_path):
    out = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(out), str(REPO)], check=True,
                   cwd=tmp_path)
    wheel = next(out.glob("balise-*.whl"))
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "--no-deps", str(wheel)], check=True)
    site = Path(subprocess.run(
        [str(env / "bin" / "python"), "-c",
         "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()) / "balise"
    wanted = expected_files()
    assert len(wanted) > 20                         # the globs found the checkout's files
    missing = [name for name in wanted if not (site / name).is_file()]
    assert not missing, f"not in the wheel: {missing}"
    for package in PACKAGES:
        init = site / package.removeprefix("balise").lstrip("/") / "__init__.py"
        assert init.is_file(), f"{init} missing"
