"""Grading: the nbgrader course directory, building releases, taking and grading submissions.

The only part of Balise that knows nbgrader.
"""

from balise.grading.build import build_module
from balise.grading.coursedir import ensure_tools_on_path, nbgrader_config
from balise.grading.results import grades_frame
from balise.grading.service import GradingService
from balise.grading.supervisor import WorkerSupervisor

__all__ = ["GradingService", "build_module", "ensure_tools_on_path", "grades_frame",
           "nbgrader_config", "WorkerSupervisor"]
