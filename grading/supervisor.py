"""Keeping the grading worker running: start it, restart it if it dies, stop it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from balise.grading.coursedir import ensure_tools_on_path


class WorkerSupervisor:
    """Runs ``python -m balise.grading.worker`` as a child and restarts it when it exits.

    A thread waits on the child, so supervision does not depend on any event
    loop; the server, the CLI and the tests use it alike.
    """

    def __init__(self, data_dir: Path, config_file: str | None = None,
                 log: logging.Logger | None = None, restart_delay: float = 0.5):
        self.data_dir, self.config_file = data_dir, config_file
        self.log = log or logging.getLogger("balise.grading")
        self.restart_delay = restart_delay
        self.proc: subprocess.Popen | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "balise.grading.worker", "--data", str(self.data_dir)]
        if self.config_file:
            cmd += ["--config", self.config_file]
        return cmd

    def _spawn(self) -> None:
        ensure_tools_on_path()
        self.proc = subprocess.Popen(self.command(), env={**os.environ}, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        self._stopping.clear()
        self._spawn()
        self._thread = threading.Thread(target=self._watch, name="grading-supervisor",
                                        daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stopping.is_set():
            code = self.proc.wait()
            if self._stopping.is_set():
                return
            self.log.error("Grading worker exited with %s; restarting it", code)
            time.sleep(self.restart_delay)
            if not self._stopping.is_set():
                self.restarts += 1
                self._spawn()

    def stop(self, timeout: float = 20) -> None:
        self._stopping.set()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._thread:
            self._thread.join(timeout)
