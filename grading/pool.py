"""A pool of started kernels for autograde, so no submission waits for a kernel to boot.

Kernels are started when the grading worker starts. After each submission
the kernel's namespace is wiped (and its widgets closed); a kernel that died,
timed out or reached ``max_uses`` is replaced by a fresh one. The pool is
used from one thread, the worker's.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import Integer, Unicode
from traitlets.config import LoggingConfigurable

from balise import BaliseError

# A grading kernel has no front-end: widgets would send hundreds of comm
# messages to nobody (and nbclient would save their state in the graded
# notebook). Silent comms keep every cell running as written, minus the noise.
INIT_CODE = """\
def _balise_silent_comms():
    import comm
    dummy = comm.DummyComm
    comm.create_comm = lambda *args, **kwargs: dummy(*args, **kwargs)
_balise_silent_comms()
del _balise_silent_comms
"""

RESET_CODE = """\
try:
    import ipywidgets as _w
    _w.Widget.close_all()
except Exception:
    pass
get_ipython().reset(new_session=False, aggressive=False)
import os as _os
_os.chdir({home!r})
del _os
"""


@dataclass
class PooledKernel:
    km: AsyncKernelManager
    kc: object
    home: str
    uses: int = 0
    started: float = field(default_factory=time.monotonic)

    def run(self, code: str, timeout: float = 10) -> bool:
        """Run a line of housekeeping code; True if the kernel answered ok in time."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = run_sync(self.kc.get_shell_msg)(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:
                return False
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["status"] == "ok"
        return False

    def alive(self) -> bool:
        return bool(run_sync(self.km.is_alive)())


class KernelPool(LoggingConfigurable):
    """Started kernels, ready to grade."""

    size = Integer(
        2,
        help="""Kernels kept started for grading. Each holds ~50 MB. Two keep one
        ready while the other is being replaced. Example: c.KernelPool.size = 4""",
    ).tag(config=True)

    kernel_name = Unicode("python3", help="Kernel spec the release notebooks use.").tag(config=True)

    max_uses = Integer(
        200,
        help="""Submissions one kernel grades before it is replaced: the namespace is
        wiped after each, but imported modules stay, so renew now and then.""",
    ).tag(config=True)

    startup_timeout = Integer(60, help="Seconds a kernel may take to start.").tag(config=True)

    home = Unicode("/", help="Folder a kernel returns to between submissions.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._idle: deque[PooledKernel] = deque()
        self.started = 0
        self.replaced = 0

    def __deepcopy__(self, memo):
        """traitlets deep-copies config values: the pool is shared, not copied."""
        return self

    def start(self) -> None:
        managers = []
        for _ in range(self.size - len(self._idle)):
            km = AsyncKernelManager(kernel_name=self.kernel_name)
            run_sync(km.start_kernel)(cwd=self.home,
                                      extra_arguments=["--HistoryManager.hist_file=:memory:"])
            managers.append(km)
        for km in managers:
            self._idle.append(self._connect(km))

    def _connect(self, km: AsyncKernelManager) -> PooledKernel:
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
        except RuntimeError as err:
            run_sync(km.shutdown_kernel)(now=True)
            raise BaliseError(f"a grading kernel did not start: {err}") from None
        kernel = PooledKernel(km=km, kc=kc, home=self.home)
        if not kernel.run(INIT_CODE, timeout=self.startup_timeout):
            raise BaliseError("a grading kernel did not accept its set-up code")
        self.started += 1
        return kernel

    def acquire(self) -> PooledKernel:
        if not self._idle:
            self.start()
        kernel = self._idle.popleft()
        kernel.uses += 1
        return kernel

    def release(self, kernel: PooledKernel, healthy: bool) -> None:
        """Wipe and keep a healthy kernel; replace any other."""
        if (healthy and kernel.uses < self.max_uses and kernel.alive()
                and kernel.run(RESET_CODE.format(home=self.home))):
            self._idle.append(kernel)
            return
        self.log.info("Replacing grading kernel (healthy=%s, uses=%d)", healthy, kernel.uses)
        self._stop(kernel)
        self.replaced += 1
        self.start()

    def _stop(self, kernel: PooledKernel) -> None:
        try:
            kernel.kc.stop_channels()
            run_sync(kernel.km.shutdown_kernel)(now=True)
        except Exception:
            self.log.exception("Could not stop a grading kernel cleanly")

    def shutdown(self) -> None:
        while self._idle:
            self._stop(self._idle.popleft())
