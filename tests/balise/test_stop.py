"""`balise serve` stops cleanly: SIGTERM with 20 module pages open, all gone within 10 s.

Gone: the server, its grading workers (and their kernels) and every page kernel,
with no process Balise started left behind. It hung for minutes when SIGTERM came
while Voila was still rendering pages: the requests left suspended kept one of
anyio's worker threads (not a daemon) alive, and the interpreter waited for it
(balise/cli.py, end_stopped_server). Both cases are run: pages still rendering
when the signal comes, and pages fully sent.
"""

from __future__ import annotations

import re
import signal
import threading
import time
import uuid

import psutil
import pytest
import requests
from shared import start_server

from balise.web.warm_kernels import page_kernel_pids

pytestmark = pytest.mark.slow

PAGES = 20
MODULES = ["postures", "ppe", "road", "heights", "loading", "warehouse", "weee", "culture",
           "dismantling", "fire-first-aid", "screen-work", "site-logistics"]
STOP_SECONDS = 10


def page_kernels(server) -> int:
    """Kernels the server itself started (Voila's pages'); grading kernels are the workers'."""
    return len(page_kernel_pids(server.proc.pid))


def marked(mark: str) -> list[psutil.Process]:
    """Processes alive (not zombies) whose environment carries ``mark``: Balise's, at any depth."""
    found = []
    for process in psutil.process_iter():
        try:
            if (process.environ().get("BALISE_STOP_TEST") == mark
                    and process.status() != psutil.STATUS_ZOMBIE):
                found.append(process)
        except psutil.Error:
            continue
    return found


@pytest.mark.parametrize("rendered", [False, True], ids=["pages-rendering", "pages-sent"])
def test_sigterm_with_twenty_pages_open_stops_everything_within_10_s(tmp_path, monkeypatch,
                                                                       rendered):
    mark = uuid.uuid4().hex                     # inherited by everything the server starts
    monkeypatch.setenv("BALISE_STOP_TEST", mark)
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        signed_in = server.session("lea")
        answers: list[int] = []

        def open_page(n: int) -> None:
            s = requests.Session()
            s.cookies.update(signed_in.cookies)
            module = MODULES[n % len(MODULES)]
            try:
                r = s.get(server.url + f"voila/render/{module}/{module}.ipynb", timeout=300)
                answers.append(r.status_code if re.search(r'"kernelId":\s*"[0-9a-f-]{36}"',
                                                          r.text) else -r.status_code)
            except requests.RequestException:
                answers.append(0)              # cut short by the stop: expected when rendering

        readers = [threading.Thread(target=open_page, args=(n,), daemon=True)
                   for n in range(PAGES)]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and page_kernels(server) < PAGES:
            time.sleep(0.2)
        # A kernel per page; more while the pool renders pages ahead (balise.web.page_pool).
        assert page_kernels(server) >= PAGES
        if rendered:
            for reader in readers:
                reader.join(max(0.0, deadline - time.monotonic()))
            assert answers == [200] * PAGES, answers
        balise = marked(mark)
        assert len(balise) >= PAGES + 3                 # pages' kernels, 2 workers, theirs

        started = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        code = server.proc.wait(STOP_SECONDS + 20)
        while marked(mark) and time.monotonic() - started < STOP_SECONDS + 20:
            time.sleep(0.1)
        took = time.monotonic() - started
        left = [" ".join(p.cmdline())[:100] for p in marked(mark)]
        print(f"stopped in {took:.2f} s ({len(balise)} processes, rendered={rendered})")
        assert left == [] and code == 0, (code, left)
        assert took < STOP_SECONDS, f"{took:.1f} s"
        assert "keep its process" not in server.log.read_text(errors="replace")
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        for process in marked(mark):
            process.kill()


STUCK_REQUEST = r'''
import asyncio, logging, sys, time
import anyio
from balise.cli import end_stopped_server

async def request():
    """A page request: reads a file in anyio's thread, then is slow to unwind."""
    await anyio.to_thread.run_sync(time.sleep, 0.01)
    try:
        await asyncio.sleep(60)
    except asyncio.CancelledError:
        time.sleep(1.0)            # the busy machine: still unwinding after the 0.5 s given
        await asyncio.sleep(60)

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
loop.create_task(request())
loop.call_later(0.3, loop.stop)    # the server's loop (run_forever, as tornado's), stopped
loop.run_forever()
logging.basicConfig(level=logging.INFO)
end_stopped_server(loop, logging.getLogger("test"), seconds=3.0)
sys.exit(0)
'''


def test_a_request_slow_to_unwind_does_not_keep_the_process(tmp_path):
    """Its anyio thread ends though the loop stopped before the request did: exit 0, at once
    (the fresh-clone run's failure: status 1 from the watchdog, 3 s after the stop)."""
    import subprocess
    import sys
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", STUCK_REQUEST], capture_output=True,
                          text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert "keep its process" not in done.stderr
    assert took < 2.5 + 1.0, f"{took:.1f} s"     # 1 s unwinding, 0.5 s waited, start-up
