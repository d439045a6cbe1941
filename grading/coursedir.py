"""nbgrader's configuration for Balise's course directory.

The one place that turns Balise settings into nbgrader traits, so the CLI,
the server and the grading worker all drive nbgrader the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from traitlets.config import Config

COURSE_ID = "balise"
# The release notebook must run as a Voila app, so the solution region of the
# answers cell becomes an empty answer sheet, not nbgrader's usual
# `raise NotImplementedError()`.
ANSWER_SHEET_STUB = "ANSWERS = {}"


def nbgrader_config(course_root: Path, gradebook_url: str, cell_timeout: int = 30) -> Config:
    c = Config()
    c.CourseDirectory.root = str(course_root)
    c.CourseDirectory.db_url = gradebook_url
    c.CourseDirectory.course_id = COURSE_ID
    c.ClearSolutions.code_stub = {"python": ANSWER_SHEET_STUB}
    c.Execute.timeout = cell_timeout
    # nbconvert checks the notebook against nbformat's schema after every step
    # (twelve times a grade, 4 ms); nbconvert's own option checks it once, after
    # the last step: a notebook left invalid is refused all the same.
    c.NotebookExporter.optimistic_validation = True
    # nbgrader's own lists with its Execute step swapped for the pooled one, its
    # gradebook steps for the same steps on one engine (grading/gradebook.py) and
    # its metadata check for one that checks its schema once; set here so the
    # CLI, the worker and the tests all grade the same way.
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, Execute, LimitOutput

    from balise.grading.cell_metadata import CheckCellMetadataOnce
    from balise.grading.execute import PooledExecute
    from balise.grading.gradebook import SHARED_STEPS
    from balise.grading.output_size import LimitOutputSize

    ours = {Execute: PooledExecute, CheckCellMetadata: CheckCellMetadataOnce, **SHARED_STEPS}
    steps = []
    for step in Autograde.class_traits()["autograde_preprocessors"].default():
        steps.append(ours.get(step, step))
        if step is LimitOutput:
            steps.append(LimitOutputSize)
    c.Autograde.autograde_preprocessors = steps
    from balise.grading.answer_sheet import SealAnswerSheet

    sanitize = [ours.get(step, step)
                for step in Autograde.class_traits()["sanitize_preprocessors"].default()]
    from balise.grading.draw_quiz import DrawQuiz

    c.Autograde.sanitize_preprocessors = [*sanitize, SealAnswerSheet, DrawQuiz]
    c.SealAnswerSheet.release_root = str(course_root / "release")
    from balise.grading.templates import FeedbackExporter

    c.GenerateFeedback.exporter_class = FeedbackExporter
    return c


def ensure_tools_on_path() -> None:
    """nbgrader's Gradebook runs the `alembic` found on PATH: make it the venv's."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])
