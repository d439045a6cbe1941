"""A named pipe the server rings when it records a submission, so an idle worker sleeps.

Without it the grading worker looked for pending attempts every 5 ms, all day:
7-17 % of a core (by machine) where nobody submits. The worker holding the
grading lease keeps ``grading.bell`` (a FIFO in the data folder) open and waits
on it; :meth:`Doorbell.ring` writes a byte into it after the attempt is
committed. A ring is never lost while a worker listens: the byte waits in the
pipe until read, so a ring that comes between the worker's look and its wait
wakes it at once. With no worker listening (a takeover under way) a ring is
dropped, and the next holder looks for pending attempts before it waits. The
worker also looks every ``GradingWorker.doorbell_wait`` seconds whatever happens,
and where a FIFO cannot be made (a file system without them) it polls as before.
"""

from __future__ import annotations

import errno
import os
import select
import stat
from pathlib import Path

BELL_NAME = "grading.bell"


def bell_path(data_dir: Path) -> Path:
    return Path(data_dir) / BELL_NAME


def ring(data_dir: Path) -> None:
    """Wake the listening worker, if any; never blocks, never fails the caller."""
    try:
        fd = os.open(bell_path(data_dir), os.O_WRONLY | os.O_NONBLOCK)
    except OSError:         # ENXIO: nobody listens; ENOENT: no worker has run here yet
        return
    try:
        os.write(fd, b"\0")
    except OSError as err:
        if err.errno != errno.EAGAIN:     # a full pipe is already ringing
            raise
    finally:
        os.close(fd)


class Doorbell:
    """The worker's end: open once the lease is held, then wait between looks."""

    def __init__(self, data_dir: Path):
        self.path = bell_path(data_dir)
        self._read: int | None = None
        self._keep: int | None = None

    @property
    def listening(self) -> bool:
        return self._read is not None

    def open(self) -> bool:
        """Listen; False where no FIFO can be made (the worker then polls)."""
        if self._read is not None:
            return True
        try:
            if self.path.exists() and not stat.S_ISFIFO(self.path.stat().st_mode):
                self.path.unlink()
            if not self.path.exists():
                os.mkfifo(self.path, 0o600)
            self._read = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            # A writer of our own, so the pipe never reads as closed between rings.
            self._keep = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            self.close()
            return False
        return True

    def wait(self, timeout: float) -> bool:
        """Sleep until rung or ``timeout`` seconds; True if rung. Empties the pipe."""
        ready, _, _ = select.select([self._read], [], [], timeout)
        if not ready:
            return False
        try:
            while os.read(self._read, 4096):
                pass
        except BlockingIOError:
            pass
        return True

    def close(self) -> None:
        for fd in (self._read, self._keep):
            if fd is not None:
                os.close(fd)
        self._read = self._keep = None
