"""Which grading worker grades: the one holding an exclusive lock on a file in the data folder.

Two workers may run at once, warm: the holder grades, the other waits. The lock
is an ``fcntl.flock`` on ``grading.lock``; the operating system releases it when
its holder's process ends in any way, SIGKILL included, so the waiting worker
takes over within one poll. The holder writes its process id into the file, for
the supervisor, tools and tests to see who grades. The lock holds between
processes of one machine (a local data folder): workers on several machines need
a lock of the database's instead.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_NAME = "grading.lock"


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOCK_NAME


def holder(data_dir: Path) -> int | None:
    """The process id the last holder wrote, or None; it may have died since."""
    try:
        text = lock_path(data_dir).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class GradingLease:
    """The right to grade, held from :meth:`try_acquire` until the process ends or releases it.

    The file descriptor is opened close-on-exec (Python's default), so the
    kernels and the feedback process the worker starts never hold the lock.
    """

    def __init__(self, data_dir: Path):
        self.path = lock_path(data_dir)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if free, without waiting; True when this process holds it."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)          # closing the only descriptor drops the lock
            self._fd = None
