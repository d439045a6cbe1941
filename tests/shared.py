"""What several test folders share, importable by its own name.

A plain module beside the root conftest (pytest puts this folder on sys.path):
`tests.` imports would break whenever an installed distribution ships a
top-level `tests` package of its own (textstat 0.7.13's wheel does).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def copy_built(source: Path, target: Path) -> Path:
    """Copy a built data folder, its recordings hard-linked rather than copied.

    A built course holds about 420 MB of read-aloud recordings, once in the
    audio cache and once more linked into each module's release. A plain
    copytree breaks those links and writes 840 MB per test: a full run filled
    a CI disk that way. The recordings are never written after they are made
    (their names are their content's hash), so linking them is safe; every
    other file (the databases above all) is a real copy the test may change.
    """
    import shutil

    def copy(src: str, dst: str) -> str:
        if src.endswith(".wav"):
            try:
                os.link(src, dst)
                return dst
            except OSError:                 # another filesystem: copy it
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def ready_page(server: Server, module: str, timeout: float = 180) -> str:
    """The kernel of a page of ``module`` rendered ahead and not yet given (read in the
    server's log, balise.web.page_pool), waiting for one up to ``timeout`` seconds."""
    import re

    path = f"{module}/{module}.ipynb"
    deadline = time.monotonic() + timeout
    while True:
        log = server.log.read_text(errors="replace")
        kernel = r"\(kernel ([0-9a-f-]{36})\)"
        made = re.findall(rf"page of {re.escape(path)} rendered ahead {kernel}", log)
        gone = set(re.findall(rf"page of {re.escape(path)} (?:given|dropped) {kernel}", log))
        ready = [k for k in made if k not in gone]
        if ready:
            return ready[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no page of {module} rendered ahead in {timeout} s")
        time.sleep(0.3)


def store_now():
    """The store's clock: UTC, naive (``saved_at`` and the like), this machine's."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).replace(tzinfo=None)


def saved_answer(server: Server, learner: str, module: str, item: str,
                 since=None, timeout: float = 20, want=None) -> object:
    """Her answer to ``item`` as the store holds it, once saved after ``since`` (UTC; by
    default the call): the page's kernel saves it in the background as she answers.

    With ``want``, waits for that value (returned as soon as seen, else the last value
    read): a scenario's pick is saved twice, once checked at once and once by the
    background queue, so the answer before hers may land after ``since``."""
    import json
    from datetime import timedelta

    from balise.store.models import SavedAnswer, Store

    since = since or store_now() - timedelta(seconds=5)
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    deadline = time.monotonic() + timeout
    try:
        while True:
            with store.session() as s:
                row = s.get(SavedAnswer, (learner, module, item))
                value = (json.loads(row.value) if row is not None and row.saved_at >= since
                         else None)
            if value is not None and (want is None or value == want):
                return value
            if time.monotonic() > deadline:
                return value
            time.sleep(0.2)
    finally:
        store.dispose()


RECORDINGS: list[Path] = []     # audio caches built in this run, newest last


def seed_recordings(data: Path) -> None:
    """Give a new data folder the read-aloud recordings this run has already made.

    `balise serve` records every text it cannot find in its audio cache (about
    12 s of CPU for the twelve modules). A recording's name is its text's hash,
    so a cache from another folder of the same run is valid here: linked in,
    the server only records what is new (a test's own changed text).
    """
    cache = data / "course" / "audio-cache"
    source = next((s for s in reversed(RECORDINGS) if s.is_dir() and s != cache), None)
    if source is None or cache.exists():
        return
    cache.mkdir(parents=True)
    for wav in source.glob("*.wav"):
        try:
            os.link(wav, cache / wav.name)
        except OSError:              # another filesystem: the server records the rest
            return


def start_server(data: Path, log: Path, courses: Path = REPO / "courses") -> Server:
    seed_recordings(data)
    port = free_port()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        [str(BIN / "balise"), "--config", str(REPO / "jupyter_config.py"), "serve",
         "--data", str(data), "--courses", str(courses), "--port", str(port)],
        cwd=REPO, stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"balise serve exited: {log.read_text()[-3000:]}")
        try:
            if requests.get(url + "login", timeout=2).status_code == 200:
                RECORDINGS.append(data / "course" / "audio-cache")
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


def add_learner(server: Server, learner: str, name: str, password: str) -> str:
    """A learner of the demo's Lyon logistics site, her own account for one test module."""
    from balise.passwords import hash_password
    from balise.store.models import Person, Store

    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    with store.session() as s:
        s.add(Person(id=learner, name=name, role="learner", site_id="lyon-logistique",
                     activity="logistics", password_hash=hash_password(password)))
    store.dispose()
    return learner


def from_address(address: str | None = None) -> requests.Session:
    """A requests session whose connections leave from another loopback address
    (127.0.x.y): the server sees another visitor, so a throttle counting per address
    (badge sign-in) counts this session's tries apart from every other test's."""
    import random

    from requests.adapters import HTTPAdapter

    source = address or f"127.0.{random.randint(1, 250)}.{random.randint(2, 250)}"

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source, 0)
            super().init_poolmanager(*args, **kwargs)

    s = requests.Session()
    s.mount("http://", FromAddress())
    return s


def store_at(path: Path, revision: str, *rows: str) -> str:
    """A store migrated only up to ``revision`` at ``path``, with ``rows`` (SQL INSERTs) in
    it, as a server of that version left it; its URL. Opening a :class:`Store` on it then
    runs every later migration, as an upgrade in service does."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    import balise.store.models as models

    url = f"sqlite:///{path}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(Path(models.__file__).parent / "migrations"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        for row in rows:
            conn.execute(text(row))
    engine.dispose()
    return url
