"""Reading grades back from nbgrader's gradebook, as plain data and pandas frames."""

from __future__ import annotations

import pandas as pd

from balise.grading.coursedir import ensure_tools_on_path

GRADE_COLUMNS = ["learner", "module", "question", "score", "max_score", "timestamp"]


def grades_frame(gradebook_url: str) -> pd.DataFrame:
    """One row per learner, module and graded question, from the latest graded submission."""
    ensure_tools_on_path()
    from nbgrader.api import Gradebook

    rows = []
    with Gradebook(gradebook_url) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.auto_score is None and grade.manual_score is None:
                            continue
                        rows.append((sub.student_id, assignment.name, grade.name,
                                     float(grade.score), float(grade.max_score), sub.timestamp))
    return pd.DataFrame(rows, columns=GRADE_COLUMNS)
