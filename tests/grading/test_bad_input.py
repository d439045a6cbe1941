"""Broken submissions fail alone: a clear word, the submission kept, the next one graded."""


import nbformat
import pytest

from balise.grading import WorkerSupervisor
from balise.grading.submissions import check_answers, submission_notebook
from balise.store.models import Attempt

from submitting import queue, right, run

pytestmark = pytest.mark.slow
def sheet_with(balise, module, code, learner):
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    nb = submission_notebook(release, check_answers(module, right(learner)), 1)
    nb.cells[0].source = code + "\n" + nb.cells[0].source
    return nb


def extra_cell(balise, module, code, learner):
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    nb = submission_notebook(release, check_answers(module, right(learner)), 1)
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return nb


def test_each_broken_submission_fails_alone(service, data, tmp_path):
    balise, store = data
    module = service.catalogue["postures"]
    config = tmp_path / "jupyter_config.py"
    config.write_text("c.Execute.timeout = 3\nc.GradingWorker.max_failures = 2\n")
    cases = {
        "malformed": b"{ this is not a notebook",
        "no_cells": nbformat.v4.new_notebook(),
        "big_output": extra_cell(balise, module, "print('x' * 10_000_000)", "big_output"),
        "endless": sheet_with(balise, module, "while True:\n    pass", "endless"),
        "crash": sheet_with(balise, module, "import os\nos._exit(1)", "crash"),
    }
    for name, payload in cases.items():
        queue(balise, store, name, f"bad-{name}", payload)
    queue(balise, store, "normal", "good", submission_notebook(
        balise.course_root / "release" / "postures" / "postures.ipynb",
        check_answers(module, right("normal")), 1))
    supervisor = WorkerSupervisor(balise.data_path, str(config))
    supervisor.start()
    try:
        results = {name: run(service.wait(f"bad-{name}", timeout=120)) for name in cases}
        good = run(service.wait("good", timeout=120))
    finally:
        supervisor.stop()
    assert good["status"] == "graded" and good["percent"] == 100
    # Code slipped into a submission never runs: the added cell is dropped, the
    # sheet holding a loop or a crash is graded as empty; all are flagged.
    assert results["big_output"]["status"] == "graded" and results["big_output"]["percent"] == 100
    for name in ("endless", "crash"):
        assert results[name]["status"] == "graded" and results[name]["score"] == 0, name
    with store.session() as s:
        assert all(s.get(Attempt, f"bad-{n}").flags for n in ("big_output", "endless", "crash"))
    assert results["malformed"]["status"] == "failed"
    assert "Your answers are saved" in results["malformed"]["error"]
    assert results["no_cells"]["status"] in ("graded", "failed")
    for name in cases:
        assert (balise.data_path / "attempts" / f"bad-{name}.ipynb").exists(), name
    graded = nbformat.read(balise.course_root / "autograded" / "big_output" / "postures" /
                           "postures.ipynb", as_version=4)
    assert len(nbformat.writes(graded)) < 1_000_000


def test_a_ten_megabyte_output_is_cut():
    from balise.grading.output_size import LimitOutputSize

    cell = nbformat.v4.new_code_cell("print('x' * 10_000_000)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 10_000_000),
                    nbformat.v4.new_output("execute_result", data={"text/plain": "y" * 200_000})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    LimitOutputSize().preprocess(nb, {})
    assert len(cell.outputs[0].text) < 100_100 and "output cut by Balise" in cell.outputs[0].text
    assert len(cell.outputs[1].data["text/plain"]) < 100_100
