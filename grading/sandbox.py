"""Grading kernels that cannot see Balise's data.

A grading kernel runs the module's cells next to a learner's answers. It is
started under bubblewrap (Debian's ``bubblewrap``) with the data folder
replaced by an empty in-memory folder: the gradebook, the store, the secret
and every submission are out of its sight, while the Python install and the
course code stay readable.
"""

from __future__ import annotations

import shutil

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


class HiddenPathsKernelManager(AsyncKernelManager):
    hidden_paths = List(Unicode(), help="Folders the kernel sees as empty.")
    bwrap = Unicode("", help="Path of the bwrap program; '' runs the kernel as is.")

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if not (self.bwrap and self.hidden_paths):
            return cmd
        # A signal to the process group would reach bwrap first, and bwrap dies
        # of it (taking the kernel along): interrupt through the control channel.
        self.kernel_spec.interrupt_mode = "message"
        wrap = [self.bwrap, "--dev-bind", "/", "/", "--die-with-parent"]
        for path in self.hidden_paths:
            wrap += ["--tmpfs", path]
        return wrap + ["--"] + cmd
