"""The grades frame read in one query equals what nbgrader's own objects say."""

import pandas as pd
from nbgrader.api import Gradebook

from balise.grading.results import GRADE_COLUMNS, grades_frame, module_totals

from submitting import TOTAL, right, run, wrong


def walked(url: str) -> pd.DataFrame:
    """The reference: nbgrader's objects walked one by one (the frame's former reading)."""
    rows = []
    with Gradebook(url) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.auto_score is None and grade.manual_score is None:
                            continue
                        rows.append((sub.student_id, assignment.name, grade.name,
                                     float(grade.score), float(grade.max_score), sub.timestamp))
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["module", "learner", "question"]).reset_index(drop=True)


def test_one_query_reads_what_nbgraders_objects_hold(service, data, worker):
    balise, _ = data
    run(service.submit("amina", "postures", "r1", right("amina")))
    run(service.submit("lea", "postures", "r2", wrong(right("lea"), "lea", 0, 3)[0]))
    with Gradebook(balise.gradebook_url) as gb:         # a trainer's hand on two grades
        grades = gb.find_submission_notebook("postures", "postures", "lea").grades
        grades[0].manual_score, grades[1].extra_credit = 0.5, 1.0
        gb.db.commit()
    book = grades_frame(balise.gradebook_url)
    assert len(book) == 2 * TOTAL and book.score.sum() == TOTAL + TOTAL - 2 - 1 + 0.5 + 1
    pd.testing.assert_frame_equal(ordered(book), ordered(walked(balise.gradebook_url)))
    lea = grades_frame(balise.gradebook_url, learner="lea")
    pd.testing.assert_frame_equal(ordered(lea), ordered(book[book.learner == "lea"]))
    assert grades_frame(balise.gradebook_url, learner="nobody").empty
    some = grades_frame(balise.gradebook_url, learners=["lea", "nobody"])
    pd.testing.assert_frame_equal(ordered(some), ordered(book[book.learner == "lea"]))
    assert grades_frame(balise.gradebook_url, learners=[]).empty
    # The dashboard's sums per learner and module, by the database: the frame's, summed.
    summed = (book.groupby(["learner", "module"], as_index=False)
              .agg(score=("score", "sum"), max_score=("max_score", "sum"),
                   timestamp=("timestamp", "max")))
    totals = module_totals(balise.gradebook_url)
    assert set(totals.question) == {"*"}
    pd.testing.assert_frame_equal(
        totals.drop(columns="question").sort_values(["learner", "module"])
        .reset_index(drop=True)[list(summed.columns)], summed)
