"""A pool of started kernels for autograde, so no submission waits for a kernel to boot.

Kernels are started when the grading worker starts. After each submission
the kernel's namespace is wiped (and its widgets closed); a kernel that died,
timed out or reached ``max_uses`` is replaced by a fresh one. The pool is
used from one thread, the worker's.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import CaselessStrEnum, Integer, List, Unicode
from traitlets.config import LoggingConfigurable

from balise import BaliseError
from balise.grading.priority import set_nice
from balise.grading.process_limit import ProcessLimit
from balise.grading.sandbox import HiddenPathsKernelManager, bwrap_path, ipc_address

# A grading kernel has no front-end: widgets would send hundreds of comm
# messages to nobody (and nbclient would save their state in the graded
# notebook). Silent comms keep every cell running as written, minus the noise.
# The kernel's logger is left at DEBUG by traitlets (its handler at WARNING): each
# message made log records nobody emits (5 % of the kernel's main thread in a
# profile of trivial cells). It is set to the lowest level a handler emits: the
# same lines are logged, no record is made for nothing.
INIT_CODE = """\
def _balise_silent_comms():
    import comm
    dummy = comm.DummyComm
    comm.create_comm = lambda *args, **kwargs: dummy(*args, **kwargs)
_balise_silent_comms()
del _balise_silent_comms
def _balise_quiet_log():
    log = get_ipython().kernel.log
    if log.handlers and not log.propagate:
        log.setLevel(min(handler.level for handler in log.handlers))
_balise_quiet_log()
del _balise_quiet_log
import gc as _gc
_gc.freeze()
del _gc
"""

# How a grading kernel is started. ipykernel sleeps 0.5 ms after every cell
# (``_execute_sleep``, a workaround for front-ends that stop reading output at
# the reply): about 1.3 ms a cell here, 15 ms of a grade's thirteen requests.
# nbclient reads output until the kernel's "idle" status, sent on the same
# channel after all output, so it misses nothing without the sleep.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:", "--IPythonKernel._execute_sleep=0"]

# The wipe. IPython's reset runs a full garbage collection (before it empties
# the namespace), which walked every object of every module imported
# (ipywidgets, Balise): 37 ms of CPU a submission, on a machine whose other core
# is serving pages. Here the emptied namespace is collected, then what is left,
# all alive, is frozen (gc.freeze: left out of later collections), so each
# collection walks only what the last submission made: 4 ms for the wipe. The
# namespace is emptied exactly as before.
RESET_CODE = """\
try:
    import ipywidgets as _w
    _w.Widget.close_all()
except Exception:
    pass
get_ipython().reset(new_session=False, aggressive=False)
import gc as _gc
_gc.collect()
_gc.freeze()
del _gc
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
    # The housekeeping request sent when the kernel was last released, whose
    # reply is awaited when it is next acquired: the reset runs while the
    # grade is being saved, not before.
    pending_reset: str | None = None
    # The kernel's reply to kernel_info, asked once when it started: nbconvert asks for it
    # before every notebook, a round trip to the kernel a grade (see PooledExecute).
    info: dict | None = None

    def send(self, code: str) -> str:
        return self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)

    def run(self, code: str, timeout: float = 10) -> bool:
        """Run a line of housekeeping code; True if the kernel answered ok in time."""
        return self.reply_ok(self.send(code), timeout)

    def reply_ok(self, msg_id: str, timeout: float = 10) -> bool:
        reply = self.reply(msg_id, timeout)
        return reply is not None and reply["content"]["status"] == "ok"

    def reply(self, msg_id: str, timeout: float = 10) -> dict | None:
        """The kernel's reply to ``msg_id``, or None if none came in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                left = max(0.01, deadline - time.monotonic())
                reply = run_sync(self.kc.get_shell_msg)(timeout=left)
            except Exception:
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        return None

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

    hidden_paths = List(
        Unicode(),
        help="""Folders a grading kernel must not see (the worker adds the data folder:
        gradebook, store, secret, submissions).""",
    ).tag(config=True)

    sandbox = CaselessStrEnum(
        ["auto", "on", "off"],
        default_value="auto",
        help="""Hide `hidden_paths` from kernels with bubblewrap: 'auto' when `bwrap` is
        installed, 'on' to refuse to start without it, 'off' never.""",
    ).tag(config=True)

    max_processes = Integer(
        256,
        help="""Processes and threads one grading kernel may have at once (the pids.max
        of a cgroup of its own; a kernel alone uses about 10). A fork bomb in a submission
        then stops there instead of using up the machine's process ids until its cell
        times out. 0 for no limit. Example: c.KernelPool.max_processes = 128""",
    ).tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._idle: deque[PooledKernel] = deque()
        self._limit = ProcessLimit(self.max_processes)
        if self.max_processes and not self._limit.available:
            self.log.warning("No writable pids cgroup: grading kernels run without a process "
                             "limit (a fork bomb lasts until its cell's timeout)")
        self.replaced = 0
        self._ipc: str | None = None
        # Niceness of the kernels' sessions; a standby worker raises it while it waits.
        self.nice = 0

    def __deepcopy__(self, memo):
        """traitlets deep-copies config values: the pool is shared, not copied."""
        return self

    @property
    def sealed(self) -> bool:
        """True when kernels run with ``hidden_paths`` hidden."""
        if self.sandbox == "off" or not self.hidden_paths:
            return False
        if bwrap_path() is None:
            if self.sandbox == "on":
                raise BaliseError("KernelPool.sandbox is 'on' but bwrap is not installed: "
                                  "apt-get install bubblewrap")
            return False
        return True

    def hides(self, path: str) -> bool:
        return self.sealed and any(
            path == hidden or path.startswith(hidden.rstrip("/") + "/")
            for hidden in self.hidden_paths)

    def _ipc_folder(self) -> str:
        if self._ipc is None:
            self._ipc = tempfile.mkdtemp(prefix="balise-ipc-")
        return self._ipc

    def start(self) -> None:
        managers = []
        for _ in range(self.size - len(self._idle)):
            sealed = self.sealed
            # A sealed kernel has no network: it reaches the worker over Unix sockets.
            where = {"transport": "ipc", "ip": ipc_address(self._ipc_folder())} if sealed else {}
            km = HiddenPathsKernelManager(
                kernel_name=self.kernel_name, hidden_paths=list(self.hidden_paths),
                bwrap=(bwrap_path() or "") if sealed else "",
                cgroup=str(self._limit.new_group()) if self._limit.available else "", **where)
            run_sync(km.start_kernel)(cwd=self.home,
                                      extra_arguments=KERNEL_ARGUMENTS)
            if self.nice:
                set_nice(km.provisioner.pid, self.nice)
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
            self._limit.remove(km.cgroup)
            raise BaliseError(f"a grading kernel did not start: {err}") from None
        kernel = PooledKernel(km=km, kc=kc, home=self.home)
        if not kernel.run(INIT_CODE, timeout=self.startup_timeout):
            raise BaliseError("a grading kernel did not accept its set-up code")
        kernel.info = kernel.reply(kc.kernel_info(), timeout=self.startup_timeout)
        return kernel

    def renice(self, nice: int) -> None:
        """Set the niceness of every kernel's session, and of kernels started from now on."""
        self.nice = nice
        for kernel in self._idle:
            set_nice(kernel.km.provisioner.pid, nice)

    def acquire(self) -> PooledKernel:
        """A kernel with a wiped namespace; one whose wipe failed is replaced first."""
        while True:
            if not self._idle:
                self.start()
            kernel = self._idle.popleft()
            if kernel.pending_reset is None or kernel.reply_ok(kernel.pending_reset):
                kernel.pending_reset = None
                kernel.uses += 1
                return kernel
            self._replace(kernel, "its namespace could not be wiped")

    def release(self, kernel: PooledKernel, healthy: bool) -> None:
        """Start wiping a healthy kernel and keep it; replace any other."""
        if healthy and kernel.uses < self.max_uses and kernel.alive():
            kernel.pending_reset = kernel.send(RESET_CODE.format(home=self.home))
            self._idle.append(kernel)
            return
        self._replace(kernel, f"healthy={healthy}, uses={kernel.uses}")

    def _replace(self, kernel: PooledKernel, why: str) -> None:
        self.log.info("Replacing a grading kernel (%s)", why)
        self._stop(kernel)
        self.replaced += 1
        self.start()

    def _stop(self, kernel: PooledKernel) -> None:
        try:
            kernel.kc.stop_channels()
            run_sync(kernel.km.shutdown_kernel)(now=True)
        except Exception:
            self.log.exception("Could not stop a grading kernel cleanly")
        self._limit.remove(getattr(kernel.km, "cgroup", ""))

    def shutdown(self) -> None:
        while self._idle:
            self._stop(self._idle.popleft())
        if self._ipc is not None:
            shutil.rmtree(self._ipc, ignore_errors=True)
            self._ipc = None
        self._limit.remove_all()
