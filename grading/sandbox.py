"""Grading kernels that cannot see Balise's data, reach the network or outlive their kernel.

A grading kernel runs the module's cells next to a learner's answers. It is
started under bubblewrap (Debian's ``bubblewrap``) with the data folder
replaced by an empty in-memory folder: the gradebook, the store, the secret
and every submission are out of its sight, while the Python install and the
course code stay readable. It has a network of its own with nothing in it (no
loopback server, no database, no internet), so it talks to the worker over
Unix sockets (ZeroMQ's ``ipc`` transport) in a folder it can see. It is the
first process of a process namespace of its own: when it is killed (a cell past
its time, a pool replacing it), every process it started dies with it, however
it detached itself (a fork bomb lasts at most one cell's timeout), and its
group of processes has a ceiling (:mod:`balise.grading.process_limit`), so
until then it cannot use up the machine's process ids either.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode

from balise.grading.process_limit import ProcessLimit


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


class HiddenPathsKernelManager(AsyncKernelManager):
    hidden_paths = List(Unicode(), help="Folders the kernel sees as empty.")
    bwrap = Unicode("", help="Path of the bwrap program; '' runs the kernel as is.")
    cgroup = Unicode("", help="A pids-limited cgroup folder the kernel runs in; '' for none.")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = self._sealed_cmd(super().format_kernel_cmd(extra_arguments))
        return ProcessLimit.wrap(Path(self.cgroup), cmd) if self.cgroup else cmd

    def _sealed_cmd(self, cmd: list[str]) -> list[str]:
        if not (self.bwrap and self.hidden_paths):
            return cmd
        # A signal to the process group would reach bwrap first, and bwrap dies
        # of it (taking the kernel along): interrupt through the control channel.
        self.kernel_spec.interrupt_mode = "message"
        # --as-pid-1: the kernel itself is the namespace's first process (ipykernel
        # takes a parent of pid 1 for an orphaned kernel and would stop).
        wrap = [self.bwrap, "--dev-bind", "/", "/", "--die-with-parent", "--unshare-net",
                "--unshare-pid", "--as-pid-1"]
        for path in self.hidden_paths:
            wrap += ["--tmpfs", path]
        return wrap + ["--"] + cmd


def ipc_address(folder: str | None = None) -> str:
    """Where a sealed kernel's ZeroMQ sockets go: a fresh path prefix in a visible folder."""
    folder = folder or tempfile.mkdtemp(prefix="balise-ipc-")
    return f"{folder}/kernel-{uuid.uuid4().hex[:12]}"
