"""No cheap points: tricks in a submission score nothing and are flagged for the trainer."""

import json

import pytest

from balise.grading import WorkerSupervisor
from balise.grading.answer_sheet import sheet_is_answers_only
from balise.grading.submissions import check_answers, submission_notebook
from balise.store.models import Attempt

from submitting import TOTAL, full_key, queue, right, run

pytestmark = pytest.mark.slow
@pytest.mark.parametrize("source,ok", [
    ("ANSWERS = {'q1': 'b'}", True),
    ("ANSWERS = {}", True),
    ("ANSWERS = {'s2': ['a', 'b']}", True),
    ("ANSWERS = {'q1': X()}", False),
    ("import os\nANSWERS = {}", False),
    ("ANSWERS = D()", False),
    ("ANSWERS = {'s3': {'H': 25, 'V': 75, 'D': 25, 'A': 0}}", True),    # a lift's measures
    ("ANSWERS = {'q1': {1, 2}}", False),                 # a set: not what the server writes
    ("ANSWERS = {1: 'b'}", False),
    ("ANSWERS = {'q1': b'b'}", False),
    ("ANSWERS = {'q1': [[[[['b']]]]]}", False),
    ("ANSWERS, X = {}, 1", False),
    ("ANSWERS = {'q1': 'b'}\nget = None", False),
    ("ANSWERS = {'q1': 'b'", False),
])
def test_only_a_literal_sheet_counts_as_answers(source, ok):
    assert sheet_is_answers_only(source) is ok


def tricks(release_nb):
    """Each trick, applied to a submission that answers nothing honestly."""
    eq_true = ("class Yes:\n    def __eq__(self, other):\n        return True\n"
               f"ANSWERS = {{q: Yes() for q in {list(full_key('eq_true'))!r}}}")
    fake_get = ("class Sheet(dict):\n    def get(self, key, default=None):\n"
                f"        return {full_key('fake_get')!r}[key]\nANSWERS = Sheet()")
    redefine = ("import builtins\n_real = builtins.AssertionError\n"
                "ANSWERS = {}\nbuiltins.AssertionError = type('Never', (Exception,), {})")

    def with_sheet(code):
        nb = submission_notebook(release_nb, {})
        nb.cells[0].source = code
        return nb

    edited = submission_notebook(release_nb, {})
    for cell in edited.cells[1:]:
        cell.source = "pass  # tests removed"
    checksum = submission_notebook(release_nb, {})
    for cell in checksum.cells[1:]:
        cell.metadata.nbgrader["checksum"] = "0" * 32
        cell.metadata.nbgrader["points"] = 100
    return {"eq_true": with_sheet(eq_true), "fake_get": with_sheet(fake_get),
            "redefine": with_sheet(redefine), "edited_tests": edited, "checksum": checksum}


def test_tricks_score_nothing_and_are_flagged(service, data):
    balise, store = data
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    cases = tricks(release)
    for name, nb in cases.items():
        queue(balise, store, name, f"t-{name}", nb)
    honest = service.accept("amina", "postures", "honest",
                            check_answers(service.catalogue["postures"], right("amina")))
    supervisor = WorkerSupervisor(balise.data_path)
    supervisor.start()
    try:
        results = {name: run(service.wait(f"t-{name}", timeout=120)) for name in cases}
        assert run(service.wait(honest, timeout=120))["percent"] == 100
    finally:
        supervisor.stop()
    for name, result in results.items():
        assert result["status"] == "graded", name
        assert result["score"] == 0 and result["max_score"] == TOTAL, (name, result)
        with store.session() as s:
            flags = json.loads(s.get(Attempt, f"t-{name}").flags or "[]")
        assert flags, f"{name} was not flagged"
    with store.session() as s:
        assert s.get(Attempt, "honest").flags is None
