"""Submit → nbgrader autograde → gradebook, through the service the server uses."""

import asyncio
import csv
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from sqlalchemy import select

from balise.catalogue.draw import drawn
from balise.grading import WorkerSupervisor
from balise.store.models import Attempt

from submitting import POSTURES, TOTAL, right, run, wrong


def attempts(store, learner="amina"):
    with store.session() as s:
        return s.scalars(select(Attempt).where(Attempt.learner_id == learner)).all()


def test_submission_is_graded_by_nbgrader_with_feedback_per_question(service, worker):
    answers, (missed,) = wrong(right("amina"), "amina", 4)          # one wrong
    result = run(service.submit("amina", "postures", "s1", answers))
    assert result["status"] == "graded"
    total = TOTAL                           # the questions drawn and the scenarios
    assert total >= 11
    assert (result["score"], result["max_score"]) == (total - 1, total)
    assert result["percent"] == round(100 * (total - 1) / total)
    assert result["passed"] is True
    assert [q["id"] for q in result["questions"] if not q["correct"]] == [missed]
    shown = next(q for q in result["questions"] if q["id"] == missed)
    question = POSTURES.question(missed)
    assert shown["practice"] == question.practice and shown["source"] == question.source


def test_unanswered_questions_score_nothing(service, worker):
    result = run(service.submit("amina", "postures", "s2", {}))
    assert result["score"] == 0 and result["passed"] is False


def test_second_click_while_grading_makes_no_second_attempt(service, data, worker):
    _, store = data

    async def two_clicks():
        right_answers = right("amina")
        first = asyncio.ensure_future(service.submit("amina", "postures", "click1", right_answers))
        await asyncio.sleep(0.05)            # the first is being graded
        second = asyncio.ensure_future(service.submit("amina", "postures", "click2", right_answers))
        same_id = asyncio.ensure_future(
            service.submit("amina", "postures", "click1", right_answers))
        return await asyncio.gather(first, second, same_id)

    results = run(two_clicks())
    assert {r["attempt"] for r in results} == {"click1"}
    assert len(attempts(store)) == 1


def test_a_later_attempt_counts_and_keeps_the_first(service, data, worker):
    balise, store = data
    run(service.submit("amina", "postures", "first", {}))
    again = run(service.submit("amina", "postures", "second", right("amina", 2)))
    assert again["number"] == 2 and again["percent"] == 100
    assert (balise.data_path / "attempts" / "first.ipynb").exists()
    assert len(attempts(store)) == 2


def test_pending_submission_is_graded_when_the_worker_starts(service, data):
    """A submission taken in while no worker runs is graded once one starts."""
    balise, store = data
    attempt = service.accept("yusuf", "postures", "lost", right("yusuf"))
    assert service.status(attempt) == "pending"
    # A page opened meanwhile is told of it, with that attempt's questions, not the next.
    pending = service.answers.pending("yusuf", "postures")
    assert pending["attempt"] == attempt and pending["number"] == 1
    assert pending["questions"] == drawn(service.catalogue["postures"], "yusuf", 1)
    assert pending["questions"] != service.answers.questions("yusuf", "postures")
    supervisor = WorkerSupervisor(balise.data_path)
    supervisor.start()
    try:
        result = run(service.wait(attempt, timeout=120))
    finally:
        supervisor.stop()
    assert result["status"] == "graded" and result["percent"] == 100
    assert [a.status for a in attempts(store, "yusuf")] == ["graded"]
    assert service.answers.pending("yusuf", "postures") is None


def test_scenario_and_quiz_cells_run_without_error_during_grading(service, data, worker):
    """Only failed tests may show errors in the graded notebook, never the widget cells."""
    balise, _ = data
    run(service.submit("amina", "postures", "clean", right("amina")))
    graded = nbformat.read(balise.course_root / "autograded" / "amina" / "postures" /
                           "postures.ipynb", as_version=4)
    errors = [c.source[:60] for c in graded.cells if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    assert errors == []
    # The module's pictures are its page's: grading neither clears nor copies them.
    assert (balise.course_root / "source" / "postures" / "assets").is_dir()
    assert not (balise.course_root / "autograded" / "amina" / "postures" / "assets").exists()


def test_nbgrader_export_lists_the_score(service, data, worker, tmp_path):
    balise, _ = data
    run(service.submit("lea", "postures", "lea1", wrong(right("lea"), "lea", 0, 1)[0]))
    out = tmp_path / "grades.csv"
    subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "export",
         f"--CourseDirectory.root={balise.course_root}",
         f"--CourseDirectory.db_url={balise.gradebook_url}",
         f"--CsvExportPlugin.to={out}"],
        check=True, capture_output=True, cwd=tmp_path)
    rows = {r["student_id"]: r for r in csv.DictReader(out.open()) if r["assignment"] == "postures"}
    assert float(rows["lea"]["raw_score"]) == TOTAL - 2
    assert float(rows["lea"]["max_score"]) == TOTAL


def test_maximum_attempts_is_a_setting(service, data, worker):
    from balise import BaliseError

    service.max_attempts = 2
    run(service.submit("lea", "postures", "m1", {}))
    run(service.submit("lea", "postures", "m2", {}))
    try:
        service.accept("lea", "postures", "m3", right("lea", 3))
    except BaliseError as err:
        assert "maximum attempts reached (2)" in str(err)
    else:
        raise AssertionError("a third attempt was accepted")
    assert len(attempts(data[1], "lea")) == 2


def test_nbgrader_feedback_is_generated_after_the_score(service, data, worker):
    balise, _ = data
    run(service.submit("amina", "postures", "fb1", wrong(right("amina"), "amina", 2)[0]))
    page = balise.course_root / "feedback" / "amina" / "postures" / "postures.html"
    deadline = time.time() + 60
    while not page.exists() and time.time() < deadline:
        time.sleep(0.1)
    text = page.read_text()
    total = TOTAL
    assert f"{total - 1}.0" in text and f"{total}.0" in text  # nbgrader's own score line


def test_feedback_a_killed_worker_had_not_made_is_made_by_the_next(service, data):
    """Feedback pages wait for grading to be idle; a worker killed first leaves them to the next."""
    balise, _ = data
    config = balise.data_path / "slow_feedback.py"
    config.write_text("c.GradingWorker.feedback_idle_seconds = 600\n"
                      "c.GradingWorker.feedback_max_wait = 600\n")
    page = balise.course_root / "feedback" / "amina" / "postures" / "postures.html"
    supervisor = WorkerSupervisor(balise.data_path, str(config), standby=False)
    supervisor.start()
    try:
        result = run(service.submit("amina", "postures", "fb-kill", right("amina")))
        assert result["status"] == "graded"
        time.sleep(1)
        assert not page.exists()                 # held back: grading has not been idle long
        killed = supervisor.proc
        killed.kill()                            # SIGKILL; the supervisor starts another
        deadline = time.time() + 90
        while not page.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert supervisor.restarts == 1 and supervisor.proc is not killed
        assert page.exists()
    finally:
        supervisor.stop()
