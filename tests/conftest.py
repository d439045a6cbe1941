"""Shared fixtures: a built course and a running Balise server, each in a temporary folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from shared import (  # noqa: F401
    ARGS,
    BIN,
    CHROMIUM,
    RECORDINGS,
    free_port,
    seed_recordings,
    start_server,
    stop_server,
)

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
    seed_recordings(data)
    build(balise, out=open(os.devnull, "w"))
    RECORDINGS.append(data / "course" / "audio-cache")
    return balise


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


@pytest.fixture(scope="module")
def store(server):
    """The running server's store, opened beside it (a module's own rows, read and written)."""
    from balise.store.models import Store

    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def trainer(server):
    """The demo's trainer of Lyon, signed in."""
    return server.session("formatrice")


@pytest.fixture(scope="module")
def coordinator(server):
    """The demo's coordinator, signed in."""
    return server.session("coordinateur")
