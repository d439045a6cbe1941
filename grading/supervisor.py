"""Keeping the grading workers running: start them, restart one that dies, stop them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from traitlets import Bool, Float
from traitlets.config import LoggingConfigurable

from balise.grading.coursedir import ensure_tools_on_path
from balise.grading.lease import holder

READY = "balise grading worker ready"      # the worker's first line on stdout


class WorkerSupervisor(LoggingConfigurable):
    """Runs ``python -m balise.grading.worker`` children and restarts each one that exits.

    With ``standby`` on, two workers run: both warm up, the holder of the grading
    lease grades, the other takes over the moment the holder dies, and a new
    standby is started behind it. One thread waits on each child, so supervision
    does not depend on any event loop; the server, the CLI and the tests use it
    alike. Its options are read from ``config_file``, the file the workers read.
    """

    standby = Bool(
        True,
        help="""Keep a second grading worker started and warm (imports, kernel pool)
        beside the one that grades. A killed or crashed worker then costs a learner
        next to nothing (the standby waits on the lock and takes it when the holder
        dies) instead of the 5-9 s a new worker
        takes to start on a busy 2-core machine; the price is one more worker and its
        kernel pool in memory (about 250 MB). Example: c.WorkerSupervisor.standby = False""",
    ).tag(config=True)

    own_session = Bool(
        True,
        help="""Start each worker in a session of its own. On Linux with autogroup
        scheduling (the default), CPU time is shared between sessions first: the
        worker then gets its own share rather than splitting the server's.""",
    ).tag(config=True)

    restart_delay = Float(
        0.5, help="Seconds to wait before restarting a worker that exited.").tag(config=True)

    stop_timeout = Float(
        3,
        help="""Seconds the workers get to end on SIGTERM when the server stops (the one
        grading finishes its current attempt first), then they are killed; an attempt
        cut short stays pending and is graded when the server starts again. Short, so
        that `balise serve` stops within 10 s: its kernels are shut down after this.
        Example: c.WorkerSupervisor.stop_timeout = 10""",
    ).tag(config=True)

    def __init__(self, data_dir: Path, config_file: str | None = None,
                 log: logging.Logger | None = None, restart_delay: float | None = None,
                 courses_dir: Path | None = None, **kwargs):
        if config_file and "config" not in kwargs:
            from balise.config import load_config

            kwargs["config"] = load_config(config_file)
        super().__init__(**kwargs)
        if log is not None:
            self.log = log
        if restart_delay is not None:
            self.restart_delay = restart_delay
        self.data_dir, self.config_file = data_dir, config_file
        # The server's courses folder, whatever the worker's working directory
        # (JupyterHub starts the service elsewhere): grading re-draws quizzes from it.
        self.courses_dir = courses_dir
        self.procs: list[subprocess.Popen | None] = []
        self.ready: list[threading.Event] = []
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def proc(self) -> subprocess.Popen | None:
        """The worker that grades: the lease holder if it lives, else the oldest one alive."""
        alive = [p for p in self.procs if p is not None and p.poll() is None]
        pid = holder(self.data_dir)
        return next((p for p in alive if p.pid == pid), alive[0] if alive else None)

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "balise.grading.worker", "--data", str(self.data_dir)]
        if self.config_file:
            cmd += ["--config", self.config_file]
        if self.courses_dir:
            cmd += ["--courses", str(self.courses_dir)]
        return cmd

    def _spawn(self, slot: int) -> None:
        ensure_tools_on_path()
        self.ready[slot] = threading.Event()
        proc = self.procs[slot] = subprocess.Popen(
            self.command(), env={**os.environ}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, encoding="utf-8", errors="replace",
            start_new_session=self.own_session)
        # A thread of its own: the worker's kernels share the pipe and may outlive it.
        threading.Thread(target=self._relay, args=(proc, self.ready[slot]), daemon=True,
                         name=f"grading-worker-{proc.pid}-stdout").start()

    @staticmethod
    def _relay(proc: subprocess.Popen, ready: threading.Event) -> None:
        """Pass the worker's output on; note when it says it is ready (warm, waiting or grading)."""
        for line in proc.stdout:
            if line.startswith(READY):
                ready.set()
            sys.stdout.write(line)
            sys.stdout.flush()

    def wait_ready(self, timeout: float) -> bool:
        """Wait until every worker has said it is ready; False if not within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        return all(event.wait(max(0, deadline - time.monotonic())) for event in self.ready)

    def start(self) -> None:
        self._stopping.clear()
        self.procs = [None] * (2 if self.standby else 1)
        self.ready = [threading.Event() for _ in self.procs]
        self._threads = []
        for slot in range(len(self.procs)):
            self._spawn(slot)
            thread = threading.Thread(target=self._watch, args=(slot,),
                                      name=f"grading-supervisor-{slot}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _watch(self, slot: int) -> None:
        while not self._stopping.is_set():
            code = self.procs[slot].wait()
            if self._stopping.is_set():
                return
            self.log.error("Grading worker %s exited with %s; restarting it",
                           self.procs[slot].pid, code)
            time.sleep(self.restart_delay)
            with self._lock:
                if self._stopping.is_set():
                    return
                self.restarts += 1
                self._spawn(slot)

    def stop(self, timeout: float | None = None) -> None:
        """Stop the standby first, so it does not take over what the holder leaves.

        Both within ``timeout`` seconds (default ``stop_timeout``), then killed: the
        server's stop waits on this."""
        deadline = time.monotonic() + (self.stop_timeout if timeout is None else timeout)
        with self._lock:
            self._stopping.set()
        active = self.proc
        ordered = [p for p in self.procs if p is not None and p is not active]
        for proc in [*ordered, active]:
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log.warning("Grading worker %s still busy after SIGTERM: killed; what "
                                 "it was grading stays pending, graded at the next start",
                                 proc.pid)
                proc.kill()
                proc.wait()
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

