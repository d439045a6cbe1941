"""Module pages' kernels at a lower CPU priority than grading, so a score never waits on a page.

On a busy machine the processes that want the CPU are the learners' page
kernels (Voila starts one per page and runs the module in it, about 1.5 CPU
seconds) and the grading worker with its kernels (about 0.3 s a submission).
A learner who submitted is waiting for her score; one opening a page waits a
little longer if its kernel yields. :class:`LowPriorityKernelManager` lowers each page
kernel's priority as soon as it is started; the server selects it by
configuration (``c.MappingKernelManager.kernel_manager_class``), nothing patched.

Linux's autogroup scheduling (on by default in Debian's kernels) shares CPU
between sessions first, and jupyter_client starts every kernel in a session of
its own, so plain niceness would weigh nothing against other sessions: the
kernel's session (its autogroup) is made nicer too. An unprivileged process
may change autogroup niceness at most ten times a second, machine-wide: a burst
of pages retries in the background. ``sysctl kernel.sched_autogroup_enabled=0``
on a dedicated server makes plain niceness enough.
"""

from __future__ import annotations

import asyncio
import os
from contextvars import ContextVar

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets import Integer, List, Unicode

# Set while a page is made for a learner who is waiting for it (balise.web.page_pool):
# its kernel keeps the server's priority until the page is hers, then yields as any page
# kernel. At niceness 10 from the start, a page made while a grading worker restarted
# (its imports and kernels, several CPU-seconds at niceness 0) took 12-18 s to make on
# the 2-core machine; pages rendered ahead, which no one waits for, still start low.
on_her_clock: ContextVar[bool] = ContextVar("balise_on_her_clock", default=False)


class LowPriorityKernelManager(ServerKernelManager):
    # Its kernels are module pages' (balise.web.warm_kernels forks these only).
    page_kernels = True

    nice = Integer(
        10,
        min=0,
        max=19,
        help="""Niceness of a module page's kernel (0-19; higher yields more). At 10 a
        page kernel gets about a tenth of the CPU a grading process gets when both want
        it, so a submission is graded first and pages open a little later under load.
        0 leaves page kernels at the server's priority.
        Example: c.LowPriorityKernelManager.nice = 0""",
    ).tag(config=True)

    autogroup_tries = Integer(
        20, help="Tries, 0.11 s apart, to set the niceness of the kernel's session.",
    ).tag(config=True)

    kernel_arguments = List(
        Unicode(), ["--HistoryManager.hist_file=:memory:"],
        help="""Options given to every page kernel. A page runs its module, never typed
        code, so IPython's history of inputs is kept in memory, not written to the
        history database every page kernel would share (under load, 13 % of the page
        kernels' CPU went to those writes, waiting on each other).
        Example: c.LowPriorityKernelManager.kernel_arguments = []""",
    ).tag(config=True)

    async def start_kernel(self, *args, **kwargs):
        kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", ()), *self.kernel_arguments]
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.priority_deferred = on_her_clock.get()
        if not self.priority_deferred:
            self._lower_priority()
        return kernel_id

    def lower_priority_now(self) -> None:
        """The page made for her is hers (or dropped): its kernel yields from now on."""
        if getattr(self, "priority_deferred", False):
            self.priority_deferred = False
            self._lower_priority()

    async def restart_kernel(self, *args, **kwargs):
        result = await super().restart_kernel(*args, **kwargs)
        self._lower_priority()
        return result

    def _lower_priority(self) -> None:
        pid = getattr(self.provisioner, "pid", None)
        if not self.nice or pid is None:
            return
        try:
            os.setpriority(os.PRIO_PROCESS, pid, self.nice)
        except OSError as err:
            self.log.warning("Could not lower the priority of page kernel %s: %s", pid, err)
            return
        if os.path.exists(f"/proc/{pid}/autogroup"):
            asyncio.ensure_future(self._lower_autogroup(pid))

    async def _lower_autogroup(self, pid: int) -> None:
        for _ in range(self.autogroup_tries):
            try:
                with open(f"/proc/{pid}/autogroup", "w") as fh:
                    fh.write(str(self.nice))
                return
            except BlockingIOError:           # EAGAIN: another was set in the last 0.1 s
                await asyncio.sleep(0.11)
            except OSError as err:            # the kernel already gone, or not allowed
                self.log.info("Could not lower the autogroup of page kernel %s: %s", pid, err)
                return
        self.log.warning("Page kernel %s keeps its session's priority: autogroup busy", pid)
