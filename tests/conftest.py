"""Shared fixtures: a built course and a running Balise server, each in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from shared import ARGS, BIN, CHROMIUM, free_port  # noqa: F401  (free_port: tests import it)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def venv_on_path():
    """nbgrader runs `alembic` from PATH: the venv's, as `make` sets it."""
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, for the browser, security and accessibility tests."""
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def built_course(tmp_path_factory):
    """A data folder with the course built by `balise build` (nbgrader generate_assignment)."""
    from balise.cli import build
    from balise.config import Balise

    data = tmp_path_factory.mktemp("built") / "data"
    balise = Balise(data_dir=str(data), courses_dir=str(REPO / "courses"))
    build(balise, out=open(os.devnull, "w"))
    return balise


class Server:
    def __init__(self, url: str, data: Path, proc: subprocess.Popen, log: Path):
        self.url, self.data, self.proc, self.log = url, data, proc, log

    def session(self, who: str | None = None, password: str | None = None) -> requests.Session:
        """A requests session, signed in as ``who`` (demo password unless given)."""
        s = requests.Session()
        if who:
            r = self.sign_in(s, who, password or f"demo-{who}")
            assert r.status_code == 200, r.text[:300]
        return s

    def sign_in(self, s: requests.Session, who: str, password: str) -> requests.Response:
        s.get(self.url + "login")
        return s.post(self.url + "login", data={"username": who, "password": password,
                                                "_xsrf": s.cookies.get("_xsrf")})


def start_server(data: Path, log: Path) -> Server:
    port = free_port()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        [str(BIN / "balise"), "--config", str(REPO / "jupyter_config.py"), "serve",
         "--data", str(data), "--courses", str(REPO / "courses"), "--port", str(port)],
        cwd=REPO, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"balise serve exited: {log.read_text()[-3000:]}")
        try:
            if requests.get(url + "login", timeout=2).status_code == 200:
                return Server(url, data, proc, log)
        except requests.ConnectionError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"balise serve did not start: {log.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(20)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`balise serve` with demo data on a free loopback port."""
    folder = tmp_path_factory.mktemp("server")
    srv = start_server(folder / "data", folder / "server.log")
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster (Debian's postgresql), stopped at the end."""
    sys.path.insert(0, str(Path(__file__).parent))
    from postgres import Cluster

    cluster = Cluster().start()
    yield cluster
    cluster.stop()
