"""Pooled grading gives the grades stock `nbgrader autograde` gives, on code submissions.

A small code assignment (not a Balise module) is built with nbgrader, twenty
submissions are graded twice, once by stock nbgrader (a new kernel each) and
once through PooledExecute on a one-kernel pool, and every cell's score must
match. The same single kernel grades them all, so the `leftover` test also
proves each submission gets a fresh namespace.
"""

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from balise.grading import nbgrader_config
from balise.grading.pool import KernelPool

pytestmark = pytest.mark.slow
CELL_TIMEOUT = 3


def meta(grade_id, grade=False, solution=False, points=0):
    m = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
         "solution": solution, "task": False}
    if grade:
        m["points"] = points
    return {"nbgrader": m}


SOURCE = [
    new_markdown_cell("Write `add`."),
    new_code_cell("def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
                  metadata=meta("solution", solution=True)),
    new_code_cell("assert add(1, 2) == 3\nassert add(-1, 1) == 0",
                  metadata=meta("t_add", grade=True, points=2)),
    new_code_cell("### BEGIN HIDDEN TESTS\nassert add(10, 5) == 15\n### END HIDDEN TESTS",
                  metadata=meta("t_hidden", grade=True, points=1)),
    new_code_cell("assert 'leftover' not in globals(), 'sees an earlier submission'",
                  metadata=meta("t_fresh", grade=True, points=1)),
]

SUBMISSIONS = {
    "right1": "def add(a, b):\n    return a + b",
    "right2": "def add(a, b):\n    return sum([a, b])",
    "right3": "add = lambda a, b: b + a",
    "wrong1": "def add(a, b):\n    return a - b",
    "wrong2": "def add(a, b):\n    return 0",
    "wrong3": "def add(a, b):\n    return str(a) + str(b)",
    "partly1": "def add(a, b):\n    return a + b if a < 10 else 0",
    "partly2": "def add(a, b):\n    return a + b if b != 5 else -1",
    "partly3": "leftover = 1\ndef add(a, b):\n    return a + b",
    "raise1": "def add(a, b):\n    raise ValueError('no')",
    "raise2": "def add(a, b):\n    return a / 0",
    "raise3": "def add(a, b):\n    return add(a, b)",
    "syntax1": "def add(a, b)\n    return a + b",
    "syntax2": "def add(a, b):\nreturn a + b",
    "leftover2": "leftover = 'again'\ndef add(a, b):\n    return a + b",
    "after_leftover": "def add(a, b):\n    return a + b",
    "stub": "def add(a, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
    "empty": "",
    "timeout": "import time\ndef add(a, b):\n    time.sleep(60)\n    return a + b",
    "crash": "import os\nos._exit(1)",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Two identical course folders holding the built assignment and the twenty submissions."""
    from nbgrader.apps import NbGraderAPI

    from balise.grading.coursedir import ensure_tools_on_path

    ensure_tools_on_path()
    base = tmp_path_factory.mktemp("corpus")
    root = base / "stock"
    (root / "source" / "add").mkdir(parents=True)
    nb = new_notebook(cells=SOURCE, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, root / "source" / "add" / "add.ipynb")
    api = NbGraderAPI(config=stock_config(root))
    assert api.generate_assignment("add", force=True, create=True)["success"]
    release = nbformat.read(root / "release" / "add" / "add.ipynb", as_version=4)
    for student, code in SUBMISSIONS.items():
        sub = nbformat.from_dict(release)
        sub.cells[1].source = code
        folder = root / "submitted" / student / "add"
        folder.mkdir(parents=True)
        nbformat.write(sub, folder / "add.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-25 09:00:00.000000 UTC")
    shutil.copytree(root, base / "pooled")
    return base


def stock_config(root):
    cfg = nbgrader_config(root, f"sqlite:///{root / 'gradebook.db'}", cell_timeout=CELL_TIMEOUT)
    del cfg.Autograde["autograde_preprocessors"]          # nbgrader's own steps: stock
    del cfg.Autograde["sanitize_preprocessors"]
    return cfg


def grade_all(root, config) -> dict:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    outcome = {}
    for student in SUBMISSIONS:
        ok = NbGraderAPI(config=config).autograde("add", student, force=True, create=True)
        scores = {}
        if ok["success"]:
            with Gradebook(config.CourseDirectory.db_url) as gb:
                nb = gb.find_submission_notebook("add", "add", student)
                scores = {g.name: g.score for g in nb.grades}
        outcome[student] = (ok["success"], scores)
    return outcome


@pytest.fixture(scope="module")
def both(corpus):
    stock = grade_all(corpus / "stock", stock_config(corpus / "stock"))
    root = corpus / "pooled"
    pool = KernelPool(size=1, home=str(root))
    pool.start()
    try:
        cfg = nbgrader_config(root, f"sqlite:///{root / 'gradebook.db'}", CELL_TIMEOUT)
        cfg.PooledExecute.pool = pool
        pooled = grade_all(root, cfg)
        replaced = pool.replaced
    finally:
        pool.shutdown()
    return stock, pooled, replaced


def test_pooled_grades_equal_stock_nbgrader(both):
    stock, pooled, _ = both
    assert len(stock) >= 20
    for student in SUBMISSIONS:
        assert pooled[student] == stock[student], student


def test_corpus_covers_every_kind_of_outcome(both):
    stock, _, _ = both
    full = {"t_add": 2, "t_hidden": 1, "t_fresh": 1}
    assert stock["right1"] == (True, full)
    assert stock["wrong1"][1]["t_add"] == 0
    assert stock["partly1"][1] == {"t_add": 2, "t_hidden": 0, "t_fresh": 1}
    assert stock["timeout"][1]["t_add"] == 0


def test_each_submission_gets_a_fresh_namespace(both):
    _, pooled, _ = both
    assert pooled["partly3"][1]["t_fresh"] == 0            # defines leftover itself
    assert pooled["leftover2"][1]["t_fresh"] == 0
    assert pooled["after_leftover"][1]["t_fresh"] == 1     # same kernel, does not see it


def test_dead_or_stuck_kernels_are_replaced(both):
    _, _, replaced = both
    assert replaced >= 2                                   # the timeout and the crash
