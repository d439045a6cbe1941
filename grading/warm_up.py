"""A standby worker's rehearsal: grade a blank sheet in a scratch course, keep nothing.

A fresh worker's first grade costs several times a later one: nbgrader's and
nbconvert's steps are imported on first use, the gradebook's engine is opened
(schema checked, alembic run), statements are compiled, and each pooled kernel
imports the module's widgets the first time it runs its cells. A standby worker
has time to spare while it waits for the grading lease: it grades a blank
answer sheet once per pooled kernel in a scratch copy of one module (its own
course folder and SQLite gradebook in a temporary folder of the data folder), then opens the real
gradebook, so its first real grade after a takeover costs what any grade costs.
An SQLite gradebook is copied (SQLite's online backup) rather than built again:
building one runs nbgrader's generate_assignment, seconds of CPU.
Nothing of the rehearsal reaches the real course folder, gradebook or store.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from traitlets.config import Config

from balise import BaliseError
from balise.grading.coursedir import nbgrader_config
from balise.grading.gradebook import SharedGradebook, SharedGradebookAPI, dispose_engines
from balise.grading.submissions import now_utc, submission_notebook, write_submission
from balise.store.backup import copy_sqlite

LEARNER = "balise-warm-up"


def rehearsal_module(course_root: Path) -> str | None:
    """The first module (by name) with both a source and a release folder, or None."""
    for source in sorted((course_root / "source").glob("*/")):
        if (course_root / "release" / source.name / f"{source.name}.ipynb").exists():
            return source.name
    return None


def warm_up(course_root: Path, gradebook_url: str, user_config: Config, pool, rounds: int,
            log) -> None:
    """Grade ``rounds`` blank sheets of one module in a scratch course; open the real gradebook."""
    module = rehearsal_module(course_root)
    if module is not None:
        # Inside the data folder, which grading kernels cannot see, like the real one.
        scratch = Path(tempfile.mkdtemp(prefix=".warm-up-", dir=course_root.parent))
        try:
            _rehearse(course_root, gradebook_url, scratch, module, user_config, pool, rounds)
        except Exception:
            # A rehearsal that fails costs only speed: the worker grades as it would have.
            log.exception("The grading rehearsal on %s failed; the first grade will be slower",
                          module)
        finally:
            dispose_engines()           # the scratch gradebook's engine
            shutil.rmtree(scratch, ignore_errors=True)
    with SharedGradebook(gradebook_url):
        pass


def _scratch_gradebook(gradebook_url: str, target: Path) -> bool:
    """Copy an SQLite gradebook (online backup: the grading worker may be writing); False else."""
    if not gradebook_url.startswith("sqlite:///"):
        return False
    copy_sqlite(Path(gradebook_url[len("sqlite:///"):]), target)
    return True


def _rehearse(course_root: Path, gradebook_url: str, scratch: Path, module: str,
              user_config: Config, pool, rounds: int) -> None:
    root = scratch / "course"
    shutil.copytree(course_root / "source" / module, root / "source" / module)
    shutil.copytree(course_root / "release" / module, root / "release" / module)
    url = f"sqlite:///{scratch / 'gradebook.db'}"
    copied = _scratch_gradebook(gradebook_url, scratch / "gradebook.db")
    config = nbgrader_config(root, url)
    config.merge(user_config)
    # Whatever the user's file says, the rehearsal writes only in the scratch folder.
    config.merge(nbgrader_config(root, url))
    config.PooledExecute.pool = pool
    api = SharedGradebookAPI(config=config)
    # The real gradebook already knows the module; a PostgreSQL one is built afresh.
    built = {"success": True} if copied else api.generate_assignment(module, force=True,
                                                                     create=True)
    if not built.get("success"):
        raise BaliseError(f"{module} did not build in the scratch course")
    blank = submission_notebook(root / "release" / module / f"{module}.ipynb", {}, 1)
    for n in range(rounds):
        write_submission(root, scratch / "attempts", f"warm-up-{n}", LEARNER, module, blank,
                         now_utc())
        result = api.autograde(module, LEARNER, force=True, create=True)
        if not result.get("success"):
            raise BaliseError(f"the blank sheet of {module} did not grade: "
                              f"{(result.get('error') or '')[-300:]}")
