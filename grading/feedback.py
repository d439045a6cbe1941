"""nbgrader's generate_feedback, in a process of its own beside the grading worker.

Feedback pages take about as long to make as a grade; made in the worker
they would hold up the next learner's score. This child process makes them
on the other core, one request at a time, and ends when its parent does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue as queue_module
from pathlib import Path

log = logging.getLogger("balise.grading")
FEEDBACK_NICE = 10


def _serve(course_root: str, gradebook_url: str, requests, parent: int) -> None:
    from balise.grading.coursedir import ensure_tools_on_path, nbgrader_config
    from balise.grading.priority import set_nice

    # A feedback page can wait; the next learner's score, and the page she is opening,
    # should not. Linux's autogroup shares the CPU between sessions first: niceness 10
    # within the worker's session weighed as the worker's own 0 against the server and
    # the page kernels. A session of its own, at niceness 10, yields to them. It still
    # ends with the worker.
    try:
        os.setsid()
    except OSError:
        pass
    set_nice(os.getpid(), FEEDBACK_NICE)
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI

    logging.getLogger("traitlets").setLevel(logging.WARNING)
    config = nbgrader_config(Path(course_root), gradebook_url)
    while os.getppid() == parent:
        try:
            item = requests.get(timeout=1)
        except queue_module.Empty:
            continue
        if item is None:
            return
        module, learner = item
        result = NbGraderAPI(config=config).generate_feedback(module, learner, force=True)
        if not result.get("success"):
            log.error("Feedback for %s, %s failed: %s", learner, module, result.get("error"))


class FeedbackMaker:
    def __init__(self, course_root: Path, gradebook_url: str):
        self.course_root, self.gradebook_url = str(course_root), gradebook_url
        self._context = multiprocessing.get_context("spawn")
        self._requests = self._context.Queue()
        self._proc = None

    def request(self, module: str, learner: str) -> None:
        if self._proc is None or not self._proc.is_alive():
            self._proc = self._context.Process(
                target=_serve, name="balise-feedback", daemon=True,
                args=(self.course_root, self.gradebook_url, self._requests, os.getpid()))
            self._proc.start()
        self._requests.put((module, learner))

    def close(self, timeout: float = 30) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._requests.put(None)
            self._proc.join(timeout)
            if self._proc.is_alive():
                self._proc.kill()
