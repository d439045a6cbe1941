"""Import a list of people: upload a CSV or XLSX, map its columns, see the preview, confirm.

``/balise/admin/import`` takes the file (5 MB at most, a CSV or an XLSX by its
content); it is kept in the data folder under a random token, for the person who
sent it only, and nothing else is written. ``/balise/admin/import/<token>`` maps its
columns (remembered per header row, see :class:`~balise.store.people_files.MappingMemory`)
and shows, line by line, what importing would do and why a line is refused.
``.../confirm`` imports in one transaction; a second confirm finds the first one's result.
Once imported, the file is deleted and only its counts are kept (it names people); an
upload never confirmed is deleted a day later, at the next upload.
A trainer imports her own site's learners only. The checks are
:mod:`balise.store.people_import`'s, which calls the forms' own.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import datetime
from pathlib import Path

from tornado import web

from balise.store import people_files as files
from balise.store import people_import as imports
from balise.web.admin_forms import AdminPage
from balise.web.admin_people import LABELS
from balise.web.pages import require
from balise.web.uploads import StreamedForm, kept_upload
from balise.words import N_, word

KEEP_SECONDS = 24 * 3600            # an upload not confirmed within a day is forgotten
UPLOAD_CEILING = 128 * 2**20      # bytes read (and dropped past the limit) before a plain 413
FORM_SLACK = 64 * 1024              # the multipart form's own bytes around the file
SHOWN = 200                         # good lines listed at most (every refused one is)
FIELD_LABELS = {"name": N_("Name"), "role": N_("Role"), "site": N_("Site"),
                "team": N_("Team"), "route": N_("Job route"), "language": N_("Language"),
                "placement_start": N_("Placement start"), "placement_end": N_("Planned end"),
                "trainer": N_("Trainer")}
ACTIONS = {"add": N_("To add"), "update": N_("To update"), "unchanged": N_("Unchanged"),
           "refused": N_("Refused")}


def cell_text(value) -> str:
    """A cell as the file said it; an XLSX date as its day (``2026-09-03``), not a moment."""
    return value.date().isoformat() if isinstance(value, datetime) else str(value)


class ImportPage(AdminPage):
    """What the import's pages share: the uploads folder, one upload, its preview."""

    @property
    def folder(self) -> Path:
        return self.balise.config.data_path / "people-imports"

    @property
    def memory(self) -> files.MappingMemory:
        return files.MappingMemory(self.balise.config.data_path / files.MEMORY_FILE)

    @property
    def only_site(self) -> str | None:
        return None if self.coordinator else self.current_user.site

    def upload(self, token: str) -> tuple[dict, bytes]:
        """The upload's facts and its bytes, if this person sent it; else 404."""
        kept = kept_upload(self.folder, token, self.current_user.username)
        if kept is None:
            self.not_found()
        return kept

    def titles(self) -> dict:
        return {r.id: r.title for r in self.balise.routes}

    def refuse(self, said: dict, status: int = 400) -> None:
        self.set_status(status)
        self.show("admin_import.html", mode="upload", errors={"file": said},
                  labels={"file": N_("File")})


@web.stream_request_body
class ImportHandler(StreamedForm, ImportPage):
    """``/balise/admin/import``: the upload form, and the file sent.

    The body is streamed: past the limit it is read and dropped, so that a file too big
    gets a page that says so (the server's own body limit would cut the connection with
    an empty 400). Its XSRF token is checked once the body is read: refused earlier, the
    unread body would reset the connection instead of showing the refusal.
    """

    body_most = files.MAX_BYTES + FORM_SLACK
    ceiling = UPLOAD_CEILING

    @require("trainer", "coordinator")
    def get(self):
        self.show("admin_import.html", mode="upload", errors={}, labels={})

    @require("trainer", "coordinator")
    def post(self):
        if self.too_big():
            return self.refuse(word("The file is too big: {most} MB at most.",
                                    most=files.MAX_BYTES // 2**20), 413)
        uploaded = self.read_form()
        found = uploaded.get("file") or []
        if not found or not found[0]["body"]:
            return self.refuse(word("Choose a CSV or XLSX file."))
        data = found[0]["body"]
        if len(data) > files.MAX_BYTES:
            return self.refuse(word("The file is too big: {most} MB at most.",
                                    most=files.MAX_BYTES // 2**20), 413)
        try:
            files.read_table(data)
        except files.BadFile as bad:
            self.log.info("Import refused for %s: %s", self.current_user.username, bad)
            return self.refuse(bad.said)
        self.folder.mkdir(exist_ok=True)
        self.forget_old()
        token = secrets.token_urlsafe(18)
        (self.folder / f"{token}.upload").write_bytes(data)
        (self.folder / f"{token}.json").write_text(json.dumps(
            {"actor": self.current_user.username, "at": time.time()}), "utf-8")
        self.redirect(f"{self.base_url}balise/admin/import/{token}", status=303)

    def forget_old(self) -> None:
        for path in self.folder.iterdir():
            if path.stat().st_mtime < time.time() - KEEP_SECONDS:
                path.unlink(missing_ok=True)


class ImportPreviewHandler(ImportPage):
    """``/balise/admin/import/<token>``: its columns, then the preview and the confirm button;
    ``POST .../columns`` saves the mapping, ``POST .../confirm`` imports."""

    @require("trainer", "coordinator")
    def get(self, token: str, action: str | None = None):
        if action is not None:
            return self.redirect(f"{self.base_url}balise/admin/import/{token}")
        facts, data = self.upload(token)
        if "done" in facts:
            return self.show("admin_import.html", mode="preview", done=facts["done"])
        frame = files.read_table(data)
        columns = list(frame.columns)
        chosen = self.memory.get(columns)
        mapping = chosen if chosen is not None else files.guess_mapping(columns)
        self.render_preview(token, facts, frame, mapping, remembered=chosen is not None,
                            change=self.get_argument("columns", "") == "1" or chosen is None)

    def render_preview(self, token, facts, frame, mapping, *, remembered, change,
                       errors=None) -> None:
        columns = list(frame.columns)
        found = None
        if "done" not in facts and not errors and "name" in mapping.values():
            found = imports.preview(self.balise.store, mapping, frame, self.routes,
                                    self.titles(), actor=self.current_user.username,
                                    only_site=self.only_site)
        self.set_status(400 if errors else 200)
        # Not "token": Jupyter's template namespace has one of its own (the server's).
        self.show("admin_import.html", mode="preview", upload_token=token,
                  done=facts.get("done"),
                  columns=[{"name": c, "id": f"column-{i}", "field": mapping.get(c, ""),
                            "sample": [str(v) for v in frame[c].head(3)]}
                           for i, c in enumerate(columns)],
                  fields=[(f, FIELD_LABELS[f]) for f in files.FIELDS],
                  remembered=remembered, change=change, errors=errors or {},
                  labels={"columns": N_("Columns")}, rows=len(frame),
                  preview=self.cards(found) if found else None)

    def cards(self, found: imports.Preview) -> dict:
        def card(line: imports.Line) -> dict:
            return {"number": line.number, "name": str(line.cells.get("name", "")),
                    "action": line.action, "action_words": ACTIONS[line.action],
                    "cells": [(FIELD_LABELS[f], cell_text(v)) for f, v in line.cells.items()
                              if f != "name" and cell_text(v)],
                    "problems": [(LABELS.get(k, N_("Name")), said)
                                 for k, said in line.problems.items()],
                    "changes": [LABELS.get(k, k) for k in line.changes]}
        good = [line for line in found.lines if line.action != "refused"]
        return {"counts": {a: found.count(a) for a in ACTIONS},
                "refused": [card(line) for line in found.lines if line.action == "refused"],
                "good": [card(line) for line in good[:SHOWN]],
                "more": max(0, len(good) - SHOWN), "to_write": len(found.to_write)}

    @require("trainer", "coordinator")
    def post(self, token: str, action: str | None = None):
        facts, data = self.upload(token)
        if "done" in facts:                 # imported already: its result, again
            return self.redirect(f"{self.base_url}balise/admin/import/{token}", status=303)
        frame = files.read_table(data)
        columns = list(frame.columns)
        if action == "columns":
            wanted = {c: self.get_argument(f"column-{i}", "") for i, c in enumerate(columns)}
            try:
                mapping = files.check_mapping(columns, {c: f for c, f in wanted.items() if f})
            except files.BadFile as bad:
                return self.render_preview(token, facts, frame, wanted, remembered=False,
                                           change=True, errors={"columns": bad.said})
            self.memory.remember(columns, mapping)
            return self.redirect(f"{self.base_url}balise/admin/import/{token}", status=303)
        if action != "confirm":
            raise web.HTTPError(404)
        self.confirm(token, facts, frame)
        self.redirect(f"{self.base_url}balise/admin/import/{token}", status=303)

    def confirm(self, token: str, facts: dict, frame) -> None:
        """Import once: a lock file makes a second confirm, even at the same time, wait
        for nothing and find the first one's result."""
        if "done" in facts:
            return
        mapping = self.memory.get(list(frame.columns))
        if mapping is None:
            return
        lock = self.folder / f"{token}.lock"
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        try:
            found = imports.apply(self.balise.store, self.current_user.username, mapping,
                                  frame, self.routes, self.titles(), only_site=self.only_site)
        except BaseException:
            lock.unlink(missing_ok=True)            # nothing was written: it may be tried again
            raise
        facts["done"] = {a: found.count(a) for a in ACTIONS}
        (self.folder / f"{token}.json").write_text(json.dumps(facts), "utf-8")
        # The file names people: once imported, only its counts are kept.
        (self.folder / f"{token}.upload").unlink(missing_ok=True)
