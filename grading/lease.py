"""Which grading worker grades: the one holding an exclusive lock on a file in the data folder.

Two workers may run at once, warm: the holder grades, the other waits. The lock
is an ``fcntl.flock`` on ``grading.lock``; the operating system releases it when
its holder's process ends in any way, SIGKILL included, so the waiting worker
takes over at once: it waits in a blocking ``flock`` (in a thread, so it can
still stop), which costs no CPU while it waits. The holder writes its process id into the file, for
the supervisor, tools and tests to see who grades. The lock holds between
processes of one machine (a local data folder): workers on several machines need
a lock of the database's instead.
"""

from __future__ import annotations

import fcntl
import os
import threading
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
        self._waiter: threading.Thread | None = None
        self._got = threading.Event()

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
        self._took(fd)
        return True

    def _took(self, fd: int) -> None:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the lock; True when this process holds it.

        The first call starts a thread blocked in ``flock`` until the holder's
        process ends; later calls only wait for it, so the caller can look at
        its own stop signals between two waits.
        """
        if self._fd is not None:
            return True
        if self._waiter is None:
            def block() -> None:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._took(fd)
                self._got.set()

            self._waiter = threading.Thread(target=block, name="balise-lease", daemon=True)
            self._waiter.start()
        return self._got.wait(timeout) and self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)          # closing the only descriptor drops the lock
            self._fd = None
            self._waiter, self._got = None, threading.Event()
