"""The servers a benchmark measures: starting and stopping them, signing in to them.

Each benchmark starts its own servers (``balise serve``, stock ``voila``) on a free
loopback port with a data folder of its own, waits until they answer, and stops them
when done; it signs in as a learner through the sign-in form, in chromium or with
httpx. Importing this module puts the venv's ``bin`` first on PATH, so that those
servers, and the kernels and commands they start, are the venv's.

Not a benchmark itself (``make bench`` runs it too: it does nothing when run).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}      # the viewport of a learner's phone


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A server a benchmark started: its name, where it answers, its process, its log.

    A context manager: leaving the ``with`` block stops it.
    """

    name: str
    url: str
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        """Terminate it, and kill it if it has not stopped within 30 s."""
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(name: str, cmd: list[str], port: int, log: Path, *, ready: str = "",
          cwd: Path = REPO, own_session: bool = False, seconds: float = 120) -> Server:
    """Run ``cmd``, a server on ``port`` of 127.0.0.1, until its ``ready`` path answers 200.

    Its output goes to ``log``. ``own_session``: in a session of its own, as on a machine
    of its own (the benchmark's process does not share its CPU share). The benchmark
    exits with the log's last lines if the server exits, or has not answered within
    ``seconds`` (then it is killed).
    """
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=own_session)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{name} exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + ready, timeout=2).status_code == 200:
                return Server(name, url, proc, log)
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit(f"{name} did not start:\n{log.read_text()[-3000:]}")


def serve_balise(data: Path, log: Path, *, config: Path = REPO / "jupyter_config.py",
                 demo: bool = True, own_session: bool = False,
                 seconds: float = 120, port: int | None = None) -> Server:
    """``balise serve`` of the repository's courses, data in ``data``; ready once /login is.

    ``demo=False``: no demo accounts (``--no-demo``). ``port``: a free one unless given
    (a server started again where a killed one served). The other options as :func:`start`.
    """
    port = port or free_port()
    cmd = [str(BIN / "balise"), "--config", str(config), "serve", "--data", str(data),
           "--courses", str(REPO / "courses"), "--port", str(port)]
    return start("balise serve", cmd + ([] if demo else ["--no-demo"]), port, log,
                 ready="login", own_session=own_session, seconds=seconds)


def launch_chromium(playwright):
    """Debian's chromium, headless, with nothing of its own on the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def phone_page(browser):
    """A new page in a fresh context (no cookies), the size of a learner's phone."""
    return browser.new_context(viewport=PHONE).new_page()


def sign_in_page(page, url: str, who: str = "amina") -> None:
    """Sign a demo learner in through the form, in the browser; returns on her page."""
    page.goto(url + "login")
    page.fill("#username", who)
    page.fill("#password", f"demo-{who}")
    page.click("#sign-in")
    page.wait_for_url("**/balise/learner")


async def sign_in(http: httpx.AsyncClient, who: str, password: str) -> None:
    """Sign a learner in with httpx (``follow_redirects``) as her browser would.

    The form's ``_xsrf`` cookie is sent back with it. Raises RuntimeError unless she
    lands on her page.
    """
    await http.get("login")
    r = await http.post("login", data={"username": who, "password": password,
                                       "_xsrf": http.cookies.get("_xsrf")})
    if r.status_code != 200 or not r.url.path.startswith("/balise/learner"):
        raise RuntimeError(f"HTTP {r.status_code} at {r.url.path}")
