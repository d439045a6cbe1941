"""A module page's script is built from balise/web/frontend, and what is served is that build.

`make serve` needs only python3, so the built page.js and page.css are kept in
balise/web/static; these tests rebuild them (esbuild is deterministic) and fail when a
change to the sources, to package-lock.json or to build.mjs was not rebuilt.
"""

from __future__ import annotations

import gzip
import json
import shlex
import subprocess

import pytest
from shared import REPO

STATIC = REPO / "balise" / "web" / "static"
ESBUILD = REPO / "node_modules" / ".bin" / "esbuild"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """The files `npm run frontend` makes, made once into a folder of their own."""
    tmp_path = tmp_path_factory.mktemp("frontend")
    if not ESBUILD.exists():
        pytest.fail("esbuild is missing: run `make install-test` (npm ci)")
    script = shlex.split(json.loads((REPO / "package.json").read_text())["scripts"]["frontend"])
    assert script[0] == "node", script         # build.mjs, given the folder to write into
    subprocess.run([*script, str(tmp_path)], cwd=REPO, check=True, capture_output=True)
    return {name: (tmp_path / name).read_bytes() for name in ("page.js", "page.css")}


def test_the_served_script_is_the_build_of_its_sources(built):
    for name, content in built.items():
        assert (STATIC / name).read_bytes() == content, (
            f"balise/web/static/{name} is not the build of balise/web/frontend: "
            "run `make frontend` and commit what it writes")


def test_the_script_carries_no_other_host_and_stays_light(built):
    """Nothing in it names a CDN (the page must work on a site's intranet), and it
    stays within issue 18's first-open budget with room for the page itself."""
    script = built["page.js"].decode()
    for host in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "fonts.googleapis.com"):
        assert host not in script
    assert len(gzip.compress(built["page.js"])) + len(gzip.compress(built["page.css"])) < 500_000
