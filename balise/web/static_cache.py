"""A module page's scripts and styles kept by the phone: a second open asks for none of them.

Voila serves its own chunks (``/voila/static/7155.voila.js``...) under names that do
not change when their content does, with no ``Cache-Control``; the widgets' chunks
(``/voila/labextensions/...``) with ``no-cache``. On a 150 ms link, each check the
phone makes ("304 Not Modified") costs a round trip: 22 of them on every open.

Here every one of those URLs names its content:
- Voila's chunks and Balise's page script are served under
  ``/voila/static/v-<tag>/``, where the tag is a digest of Voila's version and of the
  names, sizes and dates of every file served there; a page finds its chunks there
  because :func:`page_config_hook` puts that folder in the page's ``fullStaticUrl``
  (Voila's loader takes its public path from it). Another Voila, or a changed file,
  gives another tag, so another URL: nothing stale is ever used.
- A widget chunk's file name carries its content hash (``84.09c61a35dce1705f.js``,
  ``remoteEntry.698dcaf7.js``): those are kept too; any other file there is checked
  on every use, as before.
Both are answered ``Cache-Control: public, max-age=31536000, immutable``.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

import voila
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.utils import url_path_join
from voila.configuration import VoilaConfiguration
from voila.paths import collect_static_paths
from voila.static_file_handler import MultiStaticFileHandler
from voila.utils import get_voila_labextensions_path

KEEP = "public, max-age=31536000, immutable"
BALISE_STATIC = Path(__file__).parent / "static"
# A file name with its content hash: 84.09c61a35dce1705f.js, remoteEntry.698dcaf7.js.
HASHED = re.compile(r"(^|/)[^/]*\.[0-9a-f]{8,}\.(js|css)$")


def static_paths(template: str) -> list[str]:
    """Where ``/voila/static/`` finds files (Voila's own order), then Balise's static folder."""
    return [*collect_static_paths(["voila", "nbconvert"], template), str(BALISE_STATIC)]


@lru_cache(maxsize=4)
def static_tag(template: str) -> str:
    """A digest of Voila's version and of every file's name, size and date there."""
    digest = hashlib.sha256(voila.__version__.encode())
    for root in static_paths(template):
        for folder, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                st = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def page_config_hook(page_config: dict, **kwargs) -> dict:
    """Voila's page configuration, its static folder named by :func:`static_tag` (a
    ``VoilaConfiguration.page_config_hook``)."""
    template = kwargs["voila_configuration"].template
    page_config["fullStaticUrl"] = url_path_join(
        kwargs["base_url"], "voila/static", f"v-{static_tag(template)}")
    return page_config


class VersionedStaticHandler(MultiStaticFileHandler):
    """``/voila/static/v-<tag>/<file>``: Voila's static file, kept a year if the tag is
    today's (a page opened before an upgrade still gets its files, checked each time)."""

    def initialize(self, paths, template):
        self.template = template
        super().initialize(paths)

    def get(self, tag: str, path: str, include_body: bool = True):
        self.tag = tag
        return super().get(path, include_body)

    def head(self, tag: str, path: str):
        self.tag = tag
        return super().get(path, include_body=False)

    def set_extra_headers(self, path: str) -> None:
        if self.tag == static_tag(self.template):
            self.set_header("Cache-Control", KEEP)
        else:
            self.set_header("Cache-Control", "no-cache")


class LabextensionHandler(FileFindHandler):
    """Voila's ``/voila/labextensions/`` route: a file whose name carries its hash is
    kept a year, any other checked on each use (Voila's ``no-cache``)."""

    def set_headers(self) -> None:
        super().set_headers()
        if HASHED.search(self.request.path):
            self.set_header("Cache-Control", KEEP)


def static_routes(serverapp) -> list[tuple]:
    """The two routes, taking the place of Voila's (Balise's handlers come first)."""
    config = VoilaConfiguration(parent=serverapp)
    template = config.template
    labextensions = get_voila_labextensions_path(config.extra_labextensions_path)
    return [
        (r"/voila/static/v-([0-9a-f]{1,64})/(.*)", VersionedStaticHandler,
         {"paths": static_paths(template), "template": template}),
        (r"/voila/labextensions/(.*)", LabextensionHandler,
         {"path": labextensions, "no_cache_paths": ["/"]}),
    ]

