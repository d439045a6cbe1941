"""The worker's nbgrader steps: nbgrader's own code, on one gradebook engine per process."""

from __future__ import annotations

import nbformat
import pytest
from nbgrader import preprocessors as stock
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde
from nbgrader.nbgraderformat import ValidationError
from sqlalchemy import event, text

from balise.grading.cell_metadata import CheckCellMetadataOnce
from balise.grading.coursedir import ensure_tools_on_path
from balise.grading.gradebook import (
    SHARED_STEPS,
    OneCommitGradebook,
    SharedAutograde,
    SharedGradebook,
    dispose_engines,
)


@pytest.fixture
def gradebook_url(tmp_path):
    ensure_tools_on_path()
    yield f"sqlite:///{tmp_path / 'gradebook.db'}"
    dispose_engines()


def test_shared_steps_run_nbgraders_own_code():
    """An nbgrader upgrade changes these steps too: nothing of nbgrader is copied."""
    for nbgrader_step, ours in SHARED_STEPS.items():
        assert issubclass(ours, nbgrader_step)
        assert ours.preprocess.__code__ is nbgrader_step.preprocess.__code__
        assert ours.preprocess is not nbgrader_step.preprocess
    assert SharedAutograde.init_assignment.__code__ is Autograde.init_assignment.__code__
    assert CheckCellMetadataOnce.preprocess.__code__ is stock.CheckCellMetadata.preprocess.__code__


def test_stock_nbgrader_keeps_its_own_gradebook(gradebook_url):
    """The stock path (CLI, benchmark) still opens a new engine each time."""
    assert stock.SaveAutoGrades.preprocess.__globals__["Gradebook"] is Gradebook
    with Gradebook(gradebook_url) as one, Gradebook(gradebook_url) as two:
        assert one.engine is not two.engine


def test_one_engine_and_a_session_of_its_own_each_time(gradebook_url):
    with SharedGradebook(gradebook_url, "balise") as one:
        one.add_student("lea")
        engine = one.engine
    with SharedGradebook(gradebook_url, "balise") as two:
        assert two.engine is engine
        assert [s.id for s in two.students] == ["lea"]
        assert two.db() is not one.db()
    with Gradebook(gradebook_url) as stock_gb:       # another process's view: committed
        assert [s.id for s in stock_gb.students] == ["lea"]
        mode = stock_gb.db.execute(text("PRAGMA journal_mode"))
        assert mode.scalar() == "wal"


def test_disposed_engines_are_opened_again(gradebook_url):
    with SharedGradebook(gradebook_url) as gb:
        first = gb.engine
    dispose_engines()
    with SharedGradebook(gradebook_url) as gb:
        assert gb.engine is not first


def test_saving_grades_commits_once_at_the_end_of_the_step(gradebook_url):
    with SharedGradebook(gradebook_url, "balise"):
        pass                                    # the engine and the course row
    commits = []
    event.listen(SharedGradebook(gradebook_url).engine, "commit", lambda conn: commits.append(1))
    with OneCommitGradebook(gradebook_url, "balise") as gb:
        gb.add_student("lea")                   # nbgrader commits in there: a flush now
        gb.add_student("ali")
        gb.db.commit()
        assert sorted(s.id for s in gb.students) == ["ali", "lea"]   # read back in the step
        assert commits == []
        with Gradebook(gradebook_url) as elsewhere:             # not committed yet
            assert elsewhere.students == []
    assert commits == [1]
    with Gradebook(gradebook_url) as elsewhere:
        assert sorted(s.id for s in elsewhere.students) == ["ali", "lea"]


def test_a_step_that_fails_saves_nothing(gradebook_url):
    with pytest.raises(RuntimeError):
        with OneCommitGradebook(gradebook_url, "balise") as gb:
            gb.add_student("lea")
            raise RuntimeError("the step failed")
    with Gradebook(gradebook_url) as elsewhere:
        assert elsewhere.students == []


def _cell(meta: dict):
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["nbgrader"] = meta
    return cell


@pytest.mark.parametrize("meta", [
    {"schema_version": 3, "grade": True, "solution": False, "locked": True,
     "grade_id": "q1", "points": "one"},                          # schema: points not a number
    {"schema_version": 3, "grade": True, "solution": False, "locked": True,
     "grade_id": "q1"},                                            # nbgrader: no points
])
def test_metadata_check_still_refuses_what_nbgrader_refuses(meta):
    nb = nbformat.v4.new_notebook(cells=[_cell(meta)])
    for step in (stock.CheckCellMetadata(), CheckCellMetadataOnce(), CheckCellMetadataOnce()):
        with pytest.raises(ValidationError):
            step.preprocess(nb, {})


def test_metadata_check_passes_what_nbgrader_passes():
    meta = {"schema_version": 3, "grade": True, "solution": False, "locked": True,
            "grade_id": "q1", "points": 1}
    nb = nbformat.v4.new_notebook(cells=[_cell(meta)])
    stock.CheckCellMetadata().preprocess(nb, {})
    CheckCellMetadataOnce().preprocess(nb, {})


def test_cells_read_at_once_are_nbgraders_own_rows(gradebook_url):
    """Each look-up answers what nbgrader's own query answers, from one query per kind."""
    from nbgrader.api import MissingEntry

    from balise.grading.gradebook import CellsAtOnce

    with SharedGradebook(gradebook_url, "balise") as gb:
        gb.add_assignment("postures")
        gb.add_notebook("postures", "postures")
        for name in ("s1", "quiz1", "quiz2"):
            gb.add_grade_cell(name, "postures", "postures", max_score=1, cell_type="code")
            gb.add_source_cell(name, "postures", "postures", cell_type="code", locked=True,
                               source=f"# {name}", checksum=f"sum-{name}")
        gb.add_task_cell("task1", "postures", "postures", max_score=2, cell_type="markdown")
        gb.add_student("lea")
        gb.add_student("ali")
        gb.add_submission("postures", "lea")
        gb.add_submission("postures", "ali")
    statements = []
    engine = SharedGradebook(gradebook_url).engine
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    names = ["s1", "quiz1", "quiz2", "task1"]
    with CellsAtOnce(gradebook_url, "balise") as ours, Gradebook(gradebook_url) as theirs:
        for name in names:
            if name != "task1":
                mine = ours.find_source_cell(name, "postures", "postures")
                stock_row = theirs.find_source_cell(name, "postures", "postures")
                assert (mine.id, mine.source, mine.checksum) == (
                    stock_row.id, stock_row.source, stock_row.checksum)
            assert ours.find_graded_cell(name, "postures", "postures").id == \
                theirs.find_graded_cell(name, "postures", "postures").id
            for learner in ("lea", "ali"):
                assert ours.find_grade(name, "postures", "postures", learner).id == \
                    theirs.find_grade(name, "postures", "postures", learner).id
        ours_statements = [s for s in statements if s]
        for ask in (lambda: ours.find_source_cell("nope", "postures", "postures"),
                    lambda: ours.find_graded_cell("nope", "postures", "postures"),
                    lambda: ours.find_grade("s1", "postures", "postures", "nobody"),
                    lambda: ours.find_grade("s1", "other", "postures", "lea")):
            with pytest.raises(MissingEntry):
                ask()
    # Our engine's queries for 4 cells x 2 learners: source cells, grade cells, task
    # cells, then grades by grade cell and by task cell for each learner: 7, not 4 + 4 + 8.
    assert len(ours_statements) == 7
