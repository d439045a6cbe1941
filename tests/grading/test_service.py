"""Submit → nbgrader autograde → gradebook, through the service the server uses."""

import asyncio
import concurrent.futures
import csv
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from balise.store import Attempt



def run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


RIGHT = {"q1": "b", "q2": "a", "q3": "b", "q4": "b", "q5": "b", "q6": "b", "q7": "b", "q8": "a"}


def attempts(store, learner="amina"):
    with store.session() as s:
        return s.scalars(select(Attempt).where(Attempt.learner_id == learner)).all()


def test_submission_is_graded_by_nbgrader_with_feedback_per_question(service):
    answers = {**RIGHT, "q5": "a"}          # one wrong
    result = run(service.submit("amina", "postures", "s1", answers))
    assert result["status"] == "graded"
    assert (result["score"], result["max_score"], result["percent"]) == (7, 8, 88)
    assert result["passed"] is True
    wrong = [q["id"] for q in result["questions"] if not q["correct"]]
    assert wrong == ["q5"]
    q5 = result["questions"][4]
    assert q5["practice"]["fr"] and q5["practice"]["en"] and "NIOSH" in q5["source"]


def test_unanswered_questions_score_nothing(service):
    result = run(service.submit("amina", "postures", "s2", {}))
    assert result["score"] == 0 and result["passed"] is False


def test_second_click_while_grading_makes_no_second_attempt(service, data):
    _, store = data

    async def two_clicks():
        first = asyncio.ensure_future(service.submit("amina", "postures", "click1", RIGHT))
        await asyncio.sleep(0.05)            # the first is being graded
        second = asyncio.ensure_future(service.submit("amina", "postures", "click2", RIGHT))
        same_id = asyncio.ensure_future(service.submit("amina", "postures", "click1", RIGHT))
        return await asyncio.gather(first, second, same_id)

    results = run(two_clicks())
    assert {r["attempt"] for r in results} == {"click1"}
    assert len(attempts(store)) == 1


def test_a_later_attempt_counts_and_keeps_the_first(service, data):
    balise, store = data
    run(service.submit("amina", "postures", "first", {}))
    again = run(service.submit("amina", "postures", "second", RIGHT))
    assert again["number"] == 2 and again["percent"] == 100
    assert (balise.data_path / "attempts" / "first.ipynb").exists()
    assert len(attempts(store)) == 2


def test_pending_submission_is_graded_on_restart(service, data):
    """A server stopped after writing the submission grades it when it starts again."""
    balise, store = data
    from balise.grading.submissions import (check_answers, now_utc, submission_notebook,
                                            write_submission)

    module = service.catalogue["postures"]
    release = balise.course_root / "release" / "postures" / "postures.ipynb"
    when = now_utc()
    write_submission(balise.course_root, balise.data_path / "attempts", "lost", "yusuf",
                     "postures", submission_notebook(release, check_answers(module, RIGHT)),
                     when)
    with store.session() as s:
        s.add(Attempt(id="lost", learner_id="yusuf", module_id="postures", number=1,
                      status="pending", submitted_at=when.replace(tzinfo=None)))

    async def restart():
        return await asyncio.gather(*service.resume())

    (result,) = run(restart())
    assert result["status"] == "graded" and result["percent"] == 100
    assert [a.status for a in attempts(store, "yusuf")] == ["graded"]


def test_nbgrader_export_lists_the_score(service, data, tmp_path):
    balise, _ = data
    run(service.submit("lea", "postures", "lea1", {**RIGHT, "q1": "a", "q2": "b"}))
    out = tmp_path / "grades.csv"
    subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "export",
         f"--CourseDirectory.root={balise.course_root}",
         f"--CourseDirectory.db_url={balise.gradebook_url}",
         f"--CsvExportPlugin.to={out}"],
        check=True, capture_output=True, cwd=tmp_path)
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert float(rows["lea"]["raw_score"]) == 6.0
    assert float(rows["lea"]["max_score"]) == 8.0
