"""Reading grades back from nbgrader's gradebook, as plain data and pandas frames."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select

from balise.grading.coursedir import ensure_tools_on_path

GRADE_COLUMNS = ["learner", "module", "question", "score", "max_score", "timestamp"]


def _graded(*columns):
    """``columns`` of each grade, joined to its cell, submitted notebook and assignment.

    nbgrader's tables and its own ``Grade.score`` and ``Grade.max_score``
    expressions; imported here, where nbgrader's gradebook is first needed.
    """
    ensure_tools_on_path()
    from nbgrader.api import Assignment, BaseCell, Grade, SubmittedAssignment, SubmittedNotebook

    return (select(*columns)
            .select_from(Grade)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id))


def grades_frame(gradebook_url: str, learner: str | None = None,
                 learners: list[str] | None = None) -> pd.DataFrame:
    """One row per learner, module and graded question, from the latest graded submission.

    One query, with nbgrader's own ``Grade.score`` and ``Grade.max_score``
    expressions, on the process's shared engine. Walking nbgrader's objects
    instead (assignments, submissions, notebooks, grades) loads them one by
    one, and a learner's page read the whole gradebook that way on every
    visit: a tenth of the server's time with a hundred learners. ``learner``
    reads one learner's rows only; ``learners``, theirs (a site's, for its trainer's page).
    """
    ensure_tools_on_path()
    from nbgrader.api import Assignment, BaseCell, Grade, SubmittedAssignment

    from balise.grading.gradebook import SharedGradebook

    query = (_graded(SubmittedAssignment.student_id, Assignment.name, BaseCell.name,
                     Grade.score, Grade.max_score, SubmittedAssignment.timestamp)
             .where(or_(Grade.auto_score.is_not(None), Grade.manual_score.is_not(None)))
             .order_by(Assignment.name, SubmittedAssignment.student_id, BaseCell.name))
    if learner is not None:
        query = query.where(SubmittedAssignment.student_id == learner)
    if learners is not None:
        query = query.where(SubmittedAssignment.student_id.in_(list(learners)))
    with SharedGradebook(gradebook_url) as gb:
        rows = [(who, module, name, float(score), float(top), when)
                for who, module, name, score, top, when in gb.db.execute(query)]
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


def module_totals(gradebook_url: str, learners: list[str] | None = None) -> pd.DataFrame:
    """Per learner and module, the sums of :func:`grades_frame`'s rows: one row each.

    The same rows, with the same expressions, summed by the database: what a
    module's score needs (:func:`balise.progress.module_scores` sums them again
    and gets the same), without a row per question. ``question`` is ``"*"``.
    The dashboard reads this: at 100,000 learners, grades_frame's 2,000,000 rows
    and their question names were most of its time. ``learners``: theirs only (the kept
    certification of a few learners, :mod:`balise.store.certification`).
    """
    ensure_tools_on_path()
    from nbgrader.api import Assignment, Grade, SubmittedAssignment

    from balise.grading.gradebook import SharedGradebook

    query = (_graded(SubmittedAssignment.student_id, Assignment.name, func.sum(Grade.score),
                     func.sum(Grade.max_score), func.max(SubmittedAssignment.timestamp))
             .where(or_(Grade.auto_score.is_not(None), Grade.manual_score.is_not(None)))
             .group_by(SubmittedAssignment.student_id, Assignment.name))
    if learners is not None:
        query = query.where(SubmittedAssignment.student_id.in_(list(learners)))
    with SharedGradebook(gradebook_url) as gb:
        rows = [tuple(row) for row in gb.db.execute(query)]     # tuples: see attempt_scores
    frame = pd.DataFrame(rows, columns=["learner", "module", "score", "max_score", "timestamp"])
    frame[["score", "max_score"]] = frame[["score", "max_score"]].astype(float)
    return frame.assign(question="*")[GRADE_COLUMNS]


def notebook_grades(gradebook_url: str, module: str, learner: str) -> dict[str, list[float]]:
    """Each graded cell's ``[score, max_score]`` in a learner's submitted ``module`` notebook.

    The grading worker reads this after every grade; one query instead of
    nbgrader's objects loaded one by one (the notebook, then each grade and its
    cell: about 7 ms of a 130 ms grade here).
    """
    ensure_tools_on_path()
    from nbgrader.api import (
        Assignment,
        BaseCell,
        Grade,
        Notebook,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    from balise.grading.gradebook import SharedGradebook

    query = (_graded(BaseCell.name, Grade.score, Grade.max_score)
             .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
             .where(Assignment.name == module, Notebook.name == module,
                    SubmittedAssignment.student_id == learner))
    with SharedGradebook(gradebook_url) as gb:
        return {name: [float(score), float(top)] for name, score, top in gb.db.execute(query)}
