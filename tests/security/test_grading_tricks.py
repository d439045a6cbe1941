"""Hostile notebooks graded by a running server's own grading worker.

A page hands in answer ids only (``test_hostile_input.py`` proves the server
refuses anything else), so a whole notebook can reach grading only by being
written into the queue, as a tampered file or a bug upstream would. Each case
here is such a notebook, put into the running server's submission queue the way
the server writes one, then graded by the worker that server started: it scores
nothing, is flagged on the trainer's page, her page stays plain, and nothing of
anybody else (scores, submissions, the secret) moves or leaks.
"""

from __future__ import annotations

import html
import re
import sqlite3
import sys
import time
from pathlib import Path

import nbformat
import pytest
from shared import start_server, stop_server

from balise.config import Balise
from balise.grading.answer_sheet import SHEET_ID
from balise.grading.submissions import check_answers, submission_notebook
from balise.store.models import Attempt, Store

from probe import refused

# The grading tests' helpers: postures' key and queueing a notebook as the server would.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "grading"))
from submitting import POSTURES, full_key, queue, right  # noqa: E402

pytestmark = pytest.mark.slow

SHEET_TRICKS = {
    "eq_always_true": "class Yes:\n    def __eq__(self, other):\n        return True\n"
                      "ANSWERS = {{q: Yes() for q in {key!r}}}",
    "sheet_with_fake_get": "class Sheet(dict):\n    def get(self, key, default=None):\n"
                           "        return {key!r}[key]\nANSWERS = Sheet()",
    "assertions_disabled": "import builtins\nANSWERS = {{}}\n"
                           "builtins.AssertionError = type('Never', (Exception,), {{}})",
    "reads_the_secret": "ANSWERS = {{}}\nLEAK = open({data!r} + '/secret.key').read()\n"
                        "print(LEAK)",
    "reads_the_gradebook": "import sqlite3\nANSWERS = {{}}\nprint(sqlite3.connect({data!r} + "
                           "'/gradebook.db').execute('select * from grade').fetchall())",
    "reaches_the_network": "import urllib.request\nANSWERS = {{}}\nprint(urllib.request."
                           "urlopen({url!r} + 'balise/dashboard').read())",
    "fork_bomb": "import os\nANSWERS = {{}}\nwhile True:\n    os.fork()",
    "endless_loop": "ANSWERS = {{}}\nwhile True:\n    pass",
    "kernel_crash": "import os\nANSWERS = {{}}\nos._exit(1)",
}
# Cells added beside the sheet: a check function redefined, 10 MB of output.
EXTRA_CELLS = {
    "checks_redefined": "def check(*args, **kwargs):\n    return True\n"
                        "import builtins\nbuiltins.all = lambda *a: True",
    "ten_mb_output": "print('x' * 10_000_000)",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server of its own: the learners these cases add stay out of the shared one's site."""
    folder = tmp_path_factory.mktemp("tricks")
    srv = start_server(folder / "data", folder / "server.log")
    balise = Balise(data_dir=str(srv.data), courses_dir=str(Path(__file__).parents[2] / "courses"))
    store = Store(balise.store_url)
    yield srv, balise, store
    store.dispose()
    stop_server(srv)


def release(balise) -> Path:
    return balise.course_root / "release" / "postures" / "postures.ipynb"


def sheet(nb):
    """The answer sheet cell of a submission."""
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                == SHEET_ID)


def notebook(case: str, balise, srv, learner: str):
    """The hostile submission for ``case``, built on postures' release notebook."""
    if case in SHEET_TRICKS:
        nb = submission_notebook(release(balise), {}, 1)
        sheet(nb).source = SHEET_TRICKS[case].format(key=full_key(learner),
                                                     data=str(srv.data), url=srv.url)
        return nb
    if case in EXTRA_CELLS:
        nb = submission_notebook(release(balise), {}, 1)
        nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_code_cell(EXTRA_CELLS[case]))
        return nb
    nb = submission_notebook(release(balise), check_answers(POSTURES, right(learner)), 1)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    if case == "hidden_tests_edited":
        for cell in graded:
            cell.source = "pass  # the test is gone"
        # and the sheet answers nothing, so only an edited test could give points
        sheet(nb).source = "ANSWERS = {}"
    elif case == "checksums_and_points_edited":
        for cell in graded:
            cell.metadata.nbgrader["checksum"] = "0" * 32
            cell.metadata.nbgrader["points"] = 100
        sheet(nb).source = "ANSWERS = {}"
    return nb


CASES = [*SHEET_TRICKS, *EXTRA_CELLS, "hidden_tests_edited", "checksums_and_points_edited"]


def others_scores(data: Path, but: str) -> dict:
    """Every other learner's score per module, from nbgrader's gradebook."""
    with sqlite3.connect(f"file:{data / 'gradebook.db'}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT s.student_id, a.name, SUM(COALESCE(g.manual_score, g.auto_score)) "
            "FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
            "JOIN submitted_assignment s ON n.assignment_id = s.id "
            "JOIN assignment a ON s.assignment_id = a.id GROUP BY 1, 2").fetchall()
    return {(who, module): score for who, module, score in rows if who != but}


def others_files(data: Path, learner: str, attempt: str) -> dict:
    """Every data file but this learner's own (submission, grading, feedback, archive)."""
    def own(rel: Path) -> bool:
        return learner in rel.parts or rel.name.startswith(attempt) or rel.parts[0].startswith(
            ".") or rel.name.endswith(("-wal", "-shm", "-journal", ".lock", ".pid", ".db"))
    return {str(p.relative_to(data)): p.read_bytes() for p in data.rglob("*")
            if p.is_file() and not own(p.relative_to(data))
            and "feedback" not in p.relative_to(data).parts}


def wait_graded(store: Store, attempt_id: str, timeout: float = 120) -> Attempt:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.session() as s:
            attempt = s.get(Attempt, attempt_id)
            if attempt is not None and attempt.status != "pending":
                s.expunge(attempt)
                return attempt
        time.sleep(0.1)
    pytest.fail(f"{attempt_id} still pending after {timeout} s")


def trainer_card(srv, learner: str) -> str:
    """The text of the learner's card on her trainer's group page."""
    page = srv.session("formatrice").get(srv.url + "balise/trainer")
    assert page.status_code == 200
    found = re.search(rf'<li class="person" id="person-{re.escape(learner)}">(.*?)</li>',
                      page.text, re.S)
    if found is None:
        pytest.fail(f"no card for {learner} on the trainer's page")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_notebook_scores_nothing_and_is_flagged(served, case):
    srv, balise, store = served
    learner, attempt_id = f"trick-{case.replace('_', '-')}", f"trick-{case}"
    secret = (srv.data / "secret.key").read_bytes()
    scores, files = others_scores(srv.data, learner), others_files(srv.data, learner, attempt_id)

    queue(balise, store, learner, attempt_id, notebook(case, balise, srv, learner))
    attempt = wait_graded(store, attempt_id)

    assert attempt.status == "graded", (case, attempt.status)
    assert attempt.score == 0 and attempt.max_score == len(POSTURES.grade_names), (
        case, attempt.score)
    assert attempt.flags, f"{case} was not flagged for the trainer"
    # Flagged on her trainer's page: her card sends the trainer to look at it.
    said = trainer_card(srv, learner)
    assert f"À vérifier : {POSTURES.title['fr']}" in said, said
    # Her own page is plain words: no traceback, no path, nothing she handed in echoed.
    s = srv.session()
    srv.sign_in(s, learner, "x")
    refused(s.get(srv.url + "balise/learner"), 200)
    # Nobody else's score moved, no other file changed, the secret never left.
    assert others_scores(srv.data, learner) == scores
    assert others_files(srv.data, learner, attempt_id) == files
    assert (srv.data / "secret.key").read_bytes() == secret
    written = [p for p in srv.data.rglob("*") if p.is_file() and learner in p.parts]
    assert written, "her submission was not kept"
    for path in written:
        body = path.read_bytes()
        assert secret.strip() not in body, f"the secret reached {path}"
        assert b"SQLite format" not in body and b"CONNECTED" not in body


@pytest.mark.parametrize("case,payload", [
    ("malformed_json", b"{ this is not a notebook"),
    ("no_cells", nbformat.writes(nbformat.v4.new_notebook()).encode()),
])
def test_a_broken_notebook_fails_alone_with_a_plain_word(served, case, payload):
    """Not a submission Balise could grade: kept, marked failed with a plain message for
    her, and the next learner's submission is graded as usual."""
    srv, balise, store = served
    learner, attempt_id = f"broken-{case.replace('_', '-')}", f"broken-{case}"
    scores = others_scores(srv.data, learner)
    queue(balise, store, learner, attempt_id, payload)
    attempt = wait_graded(store, attempt_id)
    assert attempt.status in ("failed", "graded"), attempt.status
    if attempt.status == "graded":
        assert attempt.score == 0 and attempt.flags, (attempt.score, attempt.flags)
    assert (balise.data_path / "attempts" / f"{attempt_id}.ipynb").exists(), "not kept"
    assert others_scores(srv.data, learner) == scores
    # The server still grades an honest learner right after.
    honest = f"honest-after-{case.replace('_', '-')}"
    queue(balise, store, honest, f"{honest}-1", submission_notebook(
        release(balise), check_answers(POSTURES, right(honest)), 1))
    done = wait_graded(store, f"{honest}-1")
    assert done.status == "graded" and done.score == done.max_score and not done.flags
