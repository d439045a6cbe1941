"""A standby grading worker warms up at a low CPU priority and grades at the normal one.

When the grading worker is killed, its standby takes over at once and the
supervisor starts a new standby behind it: imports, two kernels, a blank sheet
graded per kernel, 4-5 CPU seconds. On a 2-core machine serving pages, that
warm-up took the CPU from the next learners' scores, just when a score was
already late. A worker that starts as the standby (another process holds the
grading lease) therefore runs, with its kernels, at ``GradingWorker.standby_nice``
and comes back to niceness 0 when it takes the lease.

Linux's autogroup scheduling (on in Debian's kernels) shares CPU between
sessions first; the worker and each kernel are sessions of their own, so the
niceness set is the session's (``/proc/<pid>/autogroup``), or the process's
where there is no autogroup. Coming back to 0 needs the right to raise priority
(root, CAP_SYS_NICE or an RLIMIT_NICE of 20): without it a standby never lowers
its priority, rather than grade at a low one after a takeover.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path


def can_come_back() -> bool:
    """True if this process may set niceness 0 again after raising it."""
    if os.geteuid() == 0:
        return True
    try:
        return resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20
    except (AttributeError, OSError, ValueError):
        return False


def set_nice(pid: int, nice: int) -> bool:
    """The niceness of ``pid``'s session (its autogroup) and of the process; True if set."""
    done = False
    autogroup = Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():
        try:
            autogroup.write_text(str(nice))
            done = True
        except OSError:
            pass
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
        done = True
    except OSError:
        pass
    return done


def nice_of(pid: int) -> int:
    """The niceness that counts for ``pid``: its autogroup's where there is one."""
    autogroup = Path(f"/proc/{pid}/autogroup")
    if autogroup.exists():
        return int(autogroup.read_text().split()[-1])
    return os.getpriority(os.PRIO_PROCESS, pid)
