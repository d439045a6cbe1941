"""Voila's ``/voila/files/`` route, served from the release folder and nowhere else.

Voila checks a requested path against its allow and deny lists, and Tornado
keeps ``..`` inside the root; neither looks through a symbolic link. A link
in the release folder (an asset linked by an author, a folder mounted later)
must not open the data folder: the real path of every file is checked here.
"""

from __future__ import annotations

import os

from tornado import web
from tornado.log import app_log
from voila.configuration import VoilaConfiguration
from voila.static_file_handler import AllowListFileHandler


class ReleaseFileHandler(AllowListFileHandler):
    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        real_root, real = os.path.realpath(root), os.path.realpath(absolute_path)
        if os.path.commonpath([real_root, real]) != real_root:
            app_log.warning("Refused %s: it leads out of the release folder", self.request.path)
            raise web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)


def release_files_route(serverapp) -> tuple:
    """The route, with Voila's own allow and deny lists, taking the place of Voila's."""
    voila = VoilaConfiguration(parent=serverapp)
    return (r"/voila/files/(.*)", ReleaseFileHandler,
            {"allowlist": voila.file_allowlist, "denylist": voila.file_denylist,
             "path": os.path.expanduser(serverapp.root_dir)})
