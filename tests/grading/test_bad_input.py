"""Broken submissions fail alone: a clear word, the submission kept, the next one graded."""

import asyncio
import concurrent.futures

import nbformat
import pytest

from balise.grading import WorkerSupervisor
from balise.grading.submissions import check_answers, now_utc, submission_notebook, write_submission
from balise.passwords import hash_password
from balise.store import Attempt, Person

pytestmark = pytest.mark.slow
RIGHT = {"q1": "b", "q2": "a", "q3": "b", "q4": "b", "q5": "b", "q6": "b", "q7": "b", "q8": "a",
         "s1": "b", "s2": ["avoid", "evaluate", "collective", "ppe"]}


def run(coro):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sheet_with(balise, module, code):
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    nb = submission_notebook(release, check_answers(module, RIGHT))
    nb.cells[0].source = code + "\n" + nb.cells[0].source
    return nb


def extra_cell(balise, module, code):
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    nb = submission_notebook(release, check_answers(module, RIGHT))
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return nb


def queue(balise, store, learner, attempt_id, payload):
    """Write an archived submission (notebook or raw bytes) and record it pending."""
    with store.session() as s:
        s.add(Person(id=learner, name=learner, role="learner", site_id="lyon-logistique",
                     password_hash=hash_password("x")))
    when = now_utc()
    if isinstance(payload, bytes):
        archive = balise.data_path / "attempts"
        archive.mkdir(parents=True, exist_ok=True)
        (archive / f"{attempt_id}.ipynb").write_bytes(payload)
    else:
        write_submission(balise.course_root, balise.data_path / "attempts", attempt_id, learner,
                         "postures", payload, when)
    with store.session() as s:
        s.add(Attempt(id=attempt_id, learner_id=learner, module_id="postures", number=1,
                      status="pending", submitted_at=when.replace(tzinfo=None)))


def test_each_broken_submission_fails_alone(service, data, tmp_path):
    balise, store = data
    module = service.catalogue["postures"]
    config = tmp_path / "jupyter_config.py"
    config.write_text("c.Execute.timeout = 3\nc.GradingWorker.max_failures = 2\n")
    cases = {
        "malformed": b"{ this is not a notebook",
        "no_cells": nbformat.v4.new_notebook(),
        "big_output": extra_cell(balise, module, "print('x' * 10_000_000)"),
        "endless": sheet_with(balise, module, "while True:\n    pass"),
        "crash": sheet_with(balise, module, "import os\nos._exit(1)"),
    }
    for name, payload in cases.items():
        queue(balise, store, name, f"bad-{name}", payload)
    queue(balise, store, "normal", "good", submission_notebook(
        balise.course_root / "release" / "postures" / "postures.ipynb",
        check_answers(module, RIGHT)))
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
