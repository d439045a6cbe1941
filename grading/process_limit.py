"""How many processes a grading kernel may have: a cgroup's ``pids.max`` for each kernel.

A grading kernel runs code a learner could have handed in. Its process
namespace (:mod:`balise.grading.sandbox`) makes whatever it starts die with it,
but until its cell's timeout a fork bomb could use up every process id of the
machine, and Linux ignores ``RLIMIT_NPROC`` for root. The ``pids`` controller
of a control group counts processes and threads whoever owns them: each kernel
is put in a group of its own before it runs a line (its command is prefixed by a
shell that writes its own pid into the group, then ``exec``\\ s the kernel), so
nothing it forks ever escapes the limit.

Groups are made under the cgroup of this process, in a folder of each pool named
for the worker's pid (``balise-grading-<pid>-<random>``); folders left by a
killed worker are removed by the next one. Where no ``pids`` controller can be written (a
container without cgroup delegation), kernels run without the limit and the
worker logs it once.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

CGROUP_FS = Path("/sys/fs/cgroup")
PREFIX = "balise-grading-"


def pids_root(proc_cgroup: Path = Path("/proc/self/cgroup"),
              fs: Path = CGROUP_FS) -> Path | None:
    """A folder where this process may make pids-limited groups, or None.

    cgroup v1 mounts the controller at ``<fs>/pids``; cgroup v2 has one tree
    whose group must hand ``pids`` down (its ``cgroup.subtree_control``)."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            candidate = fs / "pids" / path.lstrip("/")
            if (candidate / "cgroup.procs").exists() and os.access(candidate, os.W_OK):
                return candidate
    for line in lines:
        hierarchy, controllers, path = line.split(":", 2)
        if hierarchy == "0" and controllers == "":
            candidate = fs / path.lstrip("/")
            try:
                handed_down = (candidate / "cgroup.subtree_control").read_text().split()
            except OSError:
                continue
            if "pids" in handed_down and os.access(candidate, os.W_OK):
                return candidate
    return None


def _remove(group: Path, patience: float = 0.0) -> bool:
    """rmdir a group and its children; True once gone.

    A killed kernel's processes leave the group only when they are reaped, which
    can take a moment after a fork bomb: ``patience`` is how long to keep trying."""
    deadline = time.monotonic() + patience
    while True:
        try:
            for child in (p for p in group.iterdir() if p.is_dir()):
                _remove(child)
            group.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


class ProcessLimit:
    """pids-limited groups for one worker's kernels."""

    def __init__(self, max_processes: int, root: Path | None = None):
        self.max_processes = max_processes
        self.root = root if root is not None else pids_root()
        self.folder: Path | None = None
        self._made = 0
        self._leftover: list[Path] = []     # groups whose processes were not yet reaped

    @property
    def available(self) -> bool:
        return self.max_processes > 0 and self.root is not None

    def _worker_folder(self) -> Path:
        if self.folder is None:
            self.remove_stale()
            self.folder = self.root / f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
            self.folder.mkdir()
        return self.folder

    def new_group(self) -> Path:
        """A fresh group holding at most ``max_processes`` processes and threads."""
        self._leftover = [g for g in self._leftover if not _remove(g)]
        self._made += 1
        group = self._worker_folder() / f"kernel-{self._made}"
        group.mkdir()
        (group / "pids.max").write_text(str(self.max_processes))
        return group

    @staticmethod
    def wrap(group: Path, cmd: list[str]) -> list[str]:
        """``cmd`` run from inside ``group``: the shell joins it, then becomes the command."""
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(group / "cgroup.procs"),
                *cmd]

    def remove(self, group: str | Path | None) -> None:
        """Remove a stopped kernel's group now, or at the next new group if not yet empty."""
        if group and not _remove(Path(group)):
            self._leftover.append(Path(group))

    def remove_all(self, patience: float = 5.0) -> None:
        if self.folder is not None and _remove(self.folder, patience):
            self.folder = None
            self._leftover = []

    def remove_stale(self) -> None:
        """Folders of workers that are gone (killed with SIGKILL, say)."""
        for folder in self.root.glob(f"{PREFIX}*"):
            pid = folder.name[len(PREFIX):].split("-")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                _remove(folder)
