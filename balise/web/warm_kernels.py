"""Page kernels forked from a warm process, instead of started from nothing.

Every module page has its own kernel. Started as Jupyter starts one (a new Python,
``python -m ipykernel_launcher``), each spends about half a CPU-second importing
IPython, ipykernel, ipywidgets and Balise's widgets before it runs a line of the
module: under the 100-learner load (``benchmarks/load.py``) a profile of the page
kernels put imports at about a third of their CPU, on a 2-core machine where CPU per
page open is what runs out.

So the server keeps one **warm process** (:func:`main`, ``python -m
balise.web.warm_kernels``): it imports all that once, then waits. Each page kernel
is a ``fork()`` of it, which shares those modules' memory with it (copy on write) and
starts as a kernel at once. Nothing else changes: the kernel reads the same
connection file, gets the same environment, command-line options and working
folder as the command Jupyter would have run, and is a session of its own (so the
server lowers its priority and signals it as before).

Why the warm process is safe to fork: it starts no thread, opens no ZMQ context and
runs no kernel; it only imports. The forked child builds its kernel (sockets,
threads, event loop) itself, as a fresh ``ipykernel_launcher`` would. Two things a
fresh kernel gets from its imports are done in the child: ipywidgets registers its
comm targets (it does so at import only inside a running kernel), and the kernel
watches the warm process as its parent. The warm process watches the server: when
the server is gone (killed), it exits, and its kernels then see their parent gone
and exit too, as kernels started directly do.

:class:`WarmProvisioner` is Jupyter's provisioner for page kernels (selected in
``jupyter_config.py``). Any other command (grading kernels, which start sealed in
bubblewrap; another Python) is started as Jupyter would, and so is every kernel if
the warm process cannot be started or stops answering: never a page lost over it.
"""

from __future__ import annotations

import asyncio
import json
import os
import pkgutil
import select
import signal
import socket
import sys
import time
from importlib import import_module

from jupyter_client.provisioning import LocalProvisioner

# What the warm process imports: what every page kernel imports before its first cell
# (the kernel itself, the widget library, Balise's page client and widgets).
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
           "ipywidgets", "anywidget", "balise.client", "balise.result_view", "setproctitle")
LAUNCHER = "ipykernel_launcher"
# Room in the warm process's command line for a forked kernel's (its title in `ps`).
TITLE_ROOM = 512
# A request and its answer are one line of JSON each; the answer comes within this.
ANSWER_TIMEOUT = 10.0


# --- the warm process ---------------------------------------------------------------

def preload() -> None:
    for name in PRELOAD:
        import_module(name)
    import balise.widgets
    for info in pkgutil.iter_modules(balise.widgets.__path__):
        import_module(f"balise.widgets.{info.name}")


def _reap(*_) -> None:
    """Children that ended: reaped at once, so the server sees them gone."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(request: dict, channel: socket.socket, reader, told: int) -> None:
    """In the forked child: become the kernel Jupyter asked for, then exit."""
    code = 1
    try:
        reader.close()                               # (the socket's fd stays open while
        channel.close()                              # its file object is: both closed)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()                                  # a session of its own, as Jupyter's
        os.write(told, b"s")                         # the server may now renice it
        os.close(told)
        # Seen in `ps` (and by whoever looks for a kernel by its connection file) as
        # the command Jupyter would have run.
        from setproctitle import setproctitle
        setproctitle(" ".join([request["python"], "-m", LAUNCHER, *request["args"]]))
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        parent = os.getppid()
        os.environ["JPY_PARENT_PID"] = str(parent)
        if sys.path and sys.path[0] == request["home"]:
            sys.path[0] = request["cwd"]             # as `python -m` in her folder
        sys.argv = [LAUNCHER, *request["args"]]
        import ipywidgets
        from ipykernel.kernelapp import IPKernelApp
        app = IPKernelApp.instance()
        # The class read JPY_PARENT_PID when the warm process imported it: say it again.
        app.initialize([*request["args"], f"--IPKernelApp.parent_handle={parent}"])
        ipywidgets.register_comm_target()            # what `import ipywidgets` does in a kernel
        app.start()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:                            # noqa: BLE001 - said, then exit
        import traceback
        traceback.print_exc()
    finally:
        os._exit(code)


def serve(channel: socket.socket) -> None:
    """Fork a kernel for each request; exit when the server is gone."""
    server = os.getppid()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is the server's to handle
    home = os.getcwd()
    reader = channel.makefile("rb")
    while True:
        ready, _, _ = select.select([channel], [], [], 1.0)
        if os.getppid() != server:
            return                                   # the server was killed
        if not ready:
            continue
        line = reader.readline()
        if not line:
            return                                   # the server closed its end
        request = json.loads(line)
        request["home"] = home
        request["python"] = sys.executable
        wait, told = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(wait)
            _child(request, channel, reader, told)
        os.close(told)
        # Answered once the child is a session of its own: the server then lowers its
        # session's priority (balise.web.kernel_priority), never this process's.
        os.read(wait, 1)
        os.close(wait)
        channel.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def main() -> None:
    channel = socket.socket(fileno=int(sys.argv[1]))
    preload()
    channel.sendall(b'{"ready": true}\n')
    serve(channel)


# --- the server's side --------------------------------------------------------------

def live_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name (state first, then the
    parent's pid; the start time is the 20th), or None once the process is gone or a
    zombie."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return None if fields[0] in ("Z", "X") else fields


def page_kernel_pids(server: int) -> list[int]:
    """The pids of ``server``'s page kernels: its own children running ipykernel (kernels
    started the usual way) and its warm process's. Grading kernels are the workers'."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := live_stat(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))

    def command(pid: int) -> str:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                return fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            return ""

    found = []
    for pid in children.get(server, ()):
        if "balise.web.warm_kernels" in command(pid):
            found += [kid for kid in children.get(pid, ()) if LAUNCHER in command(kid)]
        elif LAUNCHER in command(pid):
            found.append(pid)
    return found


def _start_time(pid: int) -> str | None:
    """The process's start time (field 22 of /proc/<pid>/stat), None once it is gone or
    a zombie: with it, a pid used again by another process is not taken for the kernel."""
    fields = live_stat(pid)
    return None if fields is None else fields[19]


class ForkedKernel:
    """A forked kernel seen as :class:`subprocess.Popen` (what the provisioner uses).

    It is the warm process's child, not the server's: the warm process reaps it, and
    the server polls whether it still runs."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.started = _start_time(pid)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and (self.started is None
                                        or _start_time(self.pid) != self.started):
            self.returncode = 0         # its code went to the warm process, who reaped it
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmProcess:
    """The server's warm process, started at the first page kernel; one per server."""

    _current: WarmProcess | None = None

    def __init__(self):
        self.process: asyncio.subprocess.Process | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.lock = asyncio.Lock()

    @classmethod
    def get(cls) -> WarmProcess:
        if cls._current is None:
            cls._current = cls()
        return cls._current

    async def _start(self) -> None:
        ours, theirs = socket.socketpair()
        try:
            # The blank argument makes room for a kernel's command line in its title
            # (setproctitle writes there, and with SPT_NOENV never over the environment).
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "balise.web.warm_kernels", str(theirs.fileno()),
                " " * TITLE_ROOM, pass_fds=[theirs.fileno()],
                stdin=asyncio.subprocess.DEVNULL, env={**os.environ, "SPT_NOENV": "1"})
        finally:
            theirs.close()
        self.reader, self.writer = await asyncio.open_unix_connection(sock=ours)
        ready = await asyncio.wait_for(self.reader.readline(), 60)
        if not json.loads(ready or b"{}").get("ready"):
            raise RuntimeError("the warm process did not start")

    def _stop(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.process is not None and self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass
        self.process = self.reader = self.writer = None

    async def fork(self, args: list[str], env: dict, cwd: str) -> int:
        """A kernel forked with ``args`` (ipykernel's options), ``env`` and ``cwd``: its pid."""
        async with self.lock:                        # one request, one answer at a time
            try:
                if self.process is None or self.process.returncode is not None:
                    self._stop()
                    await self._start()
                self.writer.write(json.dumps({"args": args, "env": env,
                                              "cwd": cwd}).encode() + b"\n")
                await self.writer.drain()
                answer = await asyncio.wait_for(self.reader.readline(), ANSWER_TIMEOUT)
                return int(json.loads(answer)["pid"])
            except BaseException:
                self._stop()                         # started again at the next request
                raise

    def stop(self) -> None:
        """The warm process goes now (its kernels are the server's to end)."""
        self._stop()

    @classmethod
    async def close(cls, wait: float = 2.0) -> None:
        """The server stops: its warm process, told (its end of the channel closed), exits
        and is waited for, killed after ``wait`` seconds; none is left behind."""
        warm, cls._current = cls._current, None
        if warm is None or warm.process is None:
            return
        process = warm.process
        if warm.writer is not None:
            warm.writer.close()
        try:
            await asyncio.wait_for(process.wait(), wait)
        except asyncio.TimeoutError:
            warm.stop()
            await process.wait()


class WarmProvisioner(LocalProvisioner):
    """Jupyter's local provisioner, with page kernels forked from the warm process."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        args = _launcher_args(cmd)
        # Page kernels only (their manager says so): a grading kernel is started as it
        # asks, sealed and limited.
        if args is None or not getattr(self.parent, "page_kernels", False):
            return await super().launch_kernel(cmd, **kwargs)
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = await WarmProcess.get().fork(args, env, cwd)
        except Exception as err:                     # noqa: BLE001 - started as Jupyter would
            self.log.warning("Balise: page kernel started the usual way (warm process: %s)",
                             err)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = pid
        self.pgid = pid                              # setsid(): its own group
        self.cwd = cwd
        return self.connection_info


def _launcher_args(cmd: list[str]) -> list[str] | None:
    """ipykernel's options when ``cmd`` is this Python running ipykernel_launcher, else None."""
    if len(cmd) >= 3 and cmd[1:3] == ["-m", LAUNCHER] and cmd[0] == sys.executable:
        return list(cmd[3:])
    return None


if __name__ == "__main__":
    main()
