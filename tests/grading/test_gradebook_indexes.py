"""Grades read by learner use indexes: a site's or one learner's grades do not scan the
whole gradebook (0.3 s at 1,300 people without them, benchmarks/report.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, or_, text

from balise.grading.coursedir import ensure_tools_on_path
from balise.grading.gradebook import READ_INDEXES, SharedGradebook, dispose_engines
from balise.grading.results import _graded


@pytest.fixture
def gradebook_url(tmp_path):
    ensure_tools_on_path()
    yield f"sqlite:///{tmp_path / 'gradebook.db'}"
    dispose_engines()


def plan(url: str) -> str:
    """SQLite's plan for the grades of two learners, as grades_frame asks for them."""
    from nbgrader.api import Assignment, BaseCell, Grade, SubmittedAssignment

    query = (_graded(SubmittedAssignment.student_id, Assignment.name, BaseCell.name,
                     Grade.score, Grade.max_score, SubmittedAssignment.timestamp)
             .where(or_(Grade.auto_score.is_not(None), Grade.manual_score.is_not(None)))
             .where(SubmittedAssignment.student_id.in_(["a", "b"])))
    engine = create_engine(url)
    try:
        sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as c:
            return "\n".join(row[-1] for row in c.execute(text("EXPLAIN QUERY PLAN " + sql)))
    finally:
        engine.dispose()


def test_a_learners_grades_are_found_by_index_made_once(gradebook_url):
    with SharedGradebook(gradebook_url):
        pass
    steps = plan(gradebook_url)
    assert "SCAN grade" not in steps and "ix_balise_grade_notebook" in steps, steps
    dispose_engines()
    with SharedGradebook(gradebook_url):                  # a new process: IF NOT EXISTS
        pass
    engine = create_engine(gradebook_url)
    with engine.connect() as c:
        names = [row[0] for row in c.execute(text(
            "SELECT name FROM sqlite_master WHERE name LIKE 'ix_balise_%'"))]
    engine.dispose()
    assert sorted(names) == sorted(READ_INDEXES)
