"""The feedback maker (balise.grading.feedback) yields to scores and pages being opened."""

from __future__ import annotations

import os
import time

from balise.grading.feedback import FEEDBACK_NICE, FeedbackMaker
from balise.grading.priority import nice_of


def test_feedback_pages_are_made_in_a_session_of_their_own_at_a_low_priority(tmp_path):
    """Linux's autogroup shares the CPU between sessions first: in the worker's session its
    niceness weighed nothing against the server's and the page kernels' sessions."""
    maker = FeedbackMaker(tmp_path, f"sqlite:///{tmp_path / 'gradebook.db'}")
    maker.request("nowhere", "nobody")
    try:
        pid = maker._proc.pid
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
                os.getsid(pid) != pid or nice_of(pid) != FEEDBACK_NICE):
            time.sleep(0.05)
        assert os.getsid(pid) == pid != os.getsid(0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == FEEDBACK_NICE
        assert nice_of(pid) == FEEDBACK_NICE          # its session's, where autogroup is on
    finally:
        maker.close(timeout=10)
    assert not maker._proc.is_alive()
