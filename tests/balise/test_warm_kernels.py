"""Page kernels forked from the warm process (balise/web/warm_kernels.py): the same kernel
Jupyter would have started, with its widgets' comm targets, its environment and its
options, a session of its own at the page's priority; gone with the server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_client.utils import run_sync

from balise.web import warm_kernels
from balise.web.kernel_priority import LowPriorityKernelManager
from balise.web.warm_kernels import ForkedKernel, WarmProcess, page_kernel_pids


def ppid(pid: int) -> int:
    return int(warm_kernels.live_stat(pid)[1])


def alive(pid: int) -> bool:
    return warm_kernels._start_time(pid) is not None


@pytest.fixture
def warm(monkeypatch):
    monkeypatch.setattr(KernelProvisionerFactory.instance(), "default_provisioner_name",
                        "balise-warm-provisioner")
    monkeypatch.setattr(WarmProcess, "_current", None)
    yield
    if WarmProcess._current is not None:
        WarmProcess._current.stop()


def start(nice: int = 0, **kwargs) -> LowPriorityKernelManager:
    # As the server's: a connection file of its own, the Unix sockets named after it.
    km = LowPriorityKernelManager(kernel_name="python3", transport="ipc", nice=nice,
                                  connection_file=os.path.join(tempfile.mkdtemp(),
                                                               "kernel-test.json"))
    run_sync(km.start_kernel)(**kwargs)
    return km


def run(km, code: str) -> str:
    """What ``code`` prints in the kernel."""
    kc = km.blocking_client()
    kc.start_channels()
    out = []
    try:
        kc.wait_for_ready(timeout=60)
        reply = kc.execute_interactive(
            code, timeout=60, output_hook=lambda msg: out.append(
                msg["content"].get("text", "") if msg["msg_type"] == "stream" else ""))
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
    return "".join(out)


def test_a_page_kernel_is_forked_and_is_the_kernel_jupyter_would_start(warm, tmp_path):
    km = start(nice=10, env={**os.environ, "BALISE_ASKED": "yes"}, cwd=str(tmp_path))
    try:
        assert isinstance(km.provisioner.process, ForkedKernel)
        pid = km.provisioner.pid
        warm_pid = ppid(pid)
        assert ppid(warm_pid) == os.getpid()                 # the warm process is ours
        assert page_kernel_pids(os.getpid()) == [pid]
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            title = fh.read().decode()
        assert "ipykernel_launcher" in title and km.connection_file in title
        said = json.loads(run(km, textwrap.dedent("""
            import json, os, comm, ipywidgets
            ip = get_ipython()
            print(json.dumps({
                "targets": sorted(comm.get_comm_manager().targets),
                "env": os.environ.get("BALISE_ASKED"), "cwd": os.getcwd(),
                "parent": os.environ["JPY_PARENT_PID"], "ppid": os.getppid(),
                "hist": ip.history_manager.hist_file,
                "session": os.getsid(0) == os.getpid()}))
            """)))
        assert {"jupyter.widget", "jupyter.widget.control"} <= set(said["targets"])
        assert said["env"] == "yes" and said["cwd"] == str(tmp_path)
        assert int(said["parent"]) == said["ppid"] == warm_pid
        assert said["hist"] == ":memory:"                      # kernel_arguments given
        assert said["session"]
        # The page kernel yields; the warm process (the server's session) does not.
        assert os.getpriority(os.PRIO_PROCESS, pid) == 10
        assert os.getpriority(os.PRIO_PROCESS, warm_pid) == 0
    finally:
        run_sync(km.shutdown_kernel)(now=True)
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    assert km.provisioner is None or km.provisioner.process is None


def test_two_kernels_do_not_share_state(warm):
    first, second = start(), start()
    try:
        run(first, "import random; X = random.random()")
        assert run(first, "print(X)") != run(second, "import random; print(random.random())")
        assert "NameError" in run(second, "try:\n    X\nexcept NameError:\n    print('NameError')")
    finally:
        for km in (first, second):
            run_sync(km.shutdown_kernel)(now=True)


def test_without_the_warm_process_a_kernel_starts_the_usual_way(warm, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("no warm process")

    monkeypatch.setattr(WarmProcess, "fork", broken)
    km = start()
    try:
        assert not isinstance(km.provisioner.process, ForkedKernel)
        assert ppid(km.provisioner.pid) == os.getpid()
        assert run(km, "print(1 + 1)").strip() == "2"
    finally:
        run_sync(km.shutdown_kernel)(now=True)


@pytest.mark.parametrize(("cmd", "args"), [
    ([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"], ["-f", "k.json"]),
    (["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "k.json"], None),   # another Python
    (["bwrap", "--", sys.executable, "-m", "ipykernel_launcher"], None),       # a sealed kernel
    ([sys.executable, "-m", "other"], None),
])
def test_only_this_pythons_ipykernel_is_forked(cmd, args):
    assert warm_kernels._launcher_args(cmd) == args


def test_the_warm_process_and_its_kernels_go_when_the_server_is_killed(tmp_path):
    """A server killed with SIGKILL (no shutdown): the warm process sees it gone, exits,
    and its kernels then see theirs gone and exit, as kernels started directly do."""
    script = tmp_path / "server.py"
    script.write_text(textwrap.dedent("""
        import asyncio, sys
        from jupyter_client.provisioning import KernelProvisionerFactory
        from balise.web.kernel_priority import LowPriorityKernelManager
        KernelProvisionerFactory.instance().default_provisioner_name = "balise-warm-provisioner"

        async def main():
            km = LowPriorityKernelManager(kernel_name="python3", transport="ipc", nice=0,
                                          ip=sys.argv[1])
            await km.start_kernel()
            kc = km.client(); kc.start_channels(); await kc.wait_for_ready(timeout=60)
            print(km.provisioner.pid, flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
        """))
    server = subprocess.Popen([sys.executable, str(script), str(tmp_path / "ipc")],
                              stdout=subprocess.PIPE, text=True)
    try:
        kernel = int(server.stdout.readline())
        warm_pid = ppid(kernel)
        assert ppid(warm_pid) == server.pid
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        deadline = time.monotonic() + 10
        while (alive(kernel) or alive(warm_pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(warm_pid), "the warm process outlived the server"
        assert not alive(kernel), "a page kernel outlived the server"
    finally:
        if server.poll() is None:
            server.kill()


def test_the_warm_process_is_waited_for_when_the_server_stops(warm):
    km = start()
    warm_pid = ppid(km.provisioner.pid)
    run_sync(km.shutdown_kernel)(now=True)
    run_sync(WarmProcess.close)()
    assert not alive(warm_pid) and WarmProcess._current is None


def test_a_forked_kernel_keeps_no_end_of_the_warm_process_channel(warm):
    km = start()
    try:
        pid = km.provisioner.pid
        sockets = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        warm_pid = ppid(pid)
        warm_fds = {os.readlink(f"/proc/{warm_pid}/fd/{fd}")
                    for fd in os.listdir(f"/proc/{warm_pid}/fd")}
        channel = {s for s in warm_fds if s.startswith("socket:")}
        assert channel and not channel & set(sockets)
    finally:
        run_sync(km.shutdown_kernel)(now=True)


def test_a_kernel_made_for_a_waiting_learner_yields_only_once_her_page_is_hers(warm):
    """Made while she waits (balise.web.page_pool sets ``on_her_clock``), a page kernel
    keeps the server's priority until the page is hers; then it yields as any other."""
    from balise.web.kernel_priority import on_her_clock

    clock = on_her_clock.set(True)
    try:
        km = start(nice=10)
    finally:
        on_her_clock.reset(clock)
    try:
        pid = km.provisioner.pid
        assert os.getpriority(os.PRIO_PROCESS, pid) == 0 and km.priority_deferred
        km.lower_priority_now()
        assert os.getpriority(os.PRIO_PROCESS, pid) == 10 and not km.priority_deferred
        km.lower_priority_now()                              # once only
        ahead = start(nice=10)                               # no one waits: low at once
        try:
            assert os.getpriority(os.PRIO_PROCESS, ahead.provisioner.pid) == 10
        finally:
            run_sync(ahead.shutdown_kernel)(now=True)
    finally:
        run_sync(km.shutdown_kernel)(now=True)
