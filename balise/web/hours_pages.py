"""Hours worked per site, activity and month: form and import (issue 20, item 5).

``/balise/hours?month=YYYY-MM`` (coordinators only) shows each site's activities for
the month, the hours recorded or "heures manquantes", and a form to set them.
``/balise/hours/import`` takes a CSV or XLSX (columns site, activité, mois, heures),
kept under a random token for the person who sent it; ``/balise/hours/import/<token>``
previews it line by line, each refusal in plain words, and its confirm writes the
good lines only, once. The file is then deleted and its counts kept. Checks are
:mod:`balise.store.hours`'; the file is read as the people import reads its own.
``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from balise.formats import decimal, month_short, month_words
from balise.store import hours as worked
from balise.store.admin import Invalid
from balise.store.models import Site
from balise.store.people_files import MAX_BYTES, BadFile
from balise.web import exports
from balise.web.admin_forms import ACTIVITY_WORDS, AdminPage
from balise.web.exports import Column
from balise.web.pages import require
from balise.web.uploads import kept_upload
from balise.words import word

KEEP_SECONDS = 24 * 3600
LOOK_BACK = 12              # months over, checked for missing hours
NOTICES = {"saved": ("Heures enregistrées : {n} changée(s).", "Hours saved: {n} changed."),
           "unchanged": ("Rien n'a changé.", "Nothing changed.")}
CHANGES = {"add": ("À ajouter", "To add"), "update": ("À changer", "To change"),
           "unchanged": ("Déjà ainsi", "Already so"), "refused": ("Refusée", "Refused")}
FIELDS = {"site": ("Site", "Site"), "activity": ("Activité", "Activity"),
          "month": ("Mois", "Month"), "hours": ("Heures", "Hours")}

# The 12 months up to the one shown, taken away (?format=csv|xlsx): one row per site,
# activity and month, the hours empty where none are recorded (never 0). Its columns
# are the import's: filled in, the file can be imported back.
DOWNLOAD = [Column("site", "Site", "Site"), Column("activity", "Activité", "Activity"),
            Column("month", "Mois", "Month"), Column("hours", "Heures", "Hours")]


def activity_words(activity: str) -> dict:
    known = ACTIVITY_WORDS.get(activity)
    return word(known) if known else {"fr": activity, "en": activity}


class HoursPage(AdminPage):
    """What the grid and the import share: the month chosen, the uploads folder."""

    def month(self) -> date:
        """The month asked (``?month=YYYY-MM``), else last month (its hours are known)."""
        today = date.today()
        asked = worked.parse_month(self.get_argument("month", ""), today)
        return asked or (today.replace(day=1) - relativedelta(months=1))

    @property
    def folder(self) -> Path:
        return self.balise.config.data_path / "hours-imports"

    def grid(self, month: date, posted: dict | None = None) -> list[dict]:
        """One card per site: each of its activities, the hours recorded or missing."""
        found = worked.hours_of(self.balise.store, month)
        with self.balise.store.session() as s:
            sites = list(s.scalars(select(Site).order_by(Site.name)))
        cards = []
        for site in sites:
            activities = list(site.activity_list)
            activities += sorted(a for (sid, a) in found if sid == site.id and a not in activities)
            cells = []
            for activity in activities:
                name = f"h:{site.id}:{activity}"
                hours = found.get((site.id, activity))
                cells.append({"name": name, "id": f"h-{site.id}-{activity}",
                              "activity": activity_words(activity), "hours": hours,
                              "value": posted.get(name, "") if posted is not None
                              else (decimal(hours) if hours is not None else "")})
            cards.append({"id": site.id, "name": site.name, "cells": cells,
                          "missing": sum(c["hours"] is None for c in cells)})
        return cards

    def gaps(self, today: date) -> list[dict]:
        """Per site, the last :data:`LOOK_BACK` months over when some hours are missing."""
        first = today.replace(day=1)
        months = [first - relativedelta(months=n) for n in range(LOOK_BACK, 0, -1)]
        missing = worked.months_missing(self.balise.store, months)
        with self.balise.store.session() as s:
            names = dict(s.execute(select(Site.id, Site.name).order_by(Site.name)).all())
        return [{"site": name, "months": [{"key": m.strftime("%Y-%m"),
                                           "said": month_short(m)} for m in missing[sid]]}
                for sid, name in names.items() if missing.get(sid)]

    def page(self, month: date, *, posted: dict | None = None, errors: dict | None = None,
             file_error: dict | None = None, status: int = 200) -> None:
        said = self.get_argument("said", "")
        notice = None
        if said in NOTICES:
            fr, en = NOTICES[said]
            n = self.get_argument("n", "0")
            notice = {"fr": fr.format(n=n), "en": en.format(n=n)}
        self.set_status(status)
        today = date.today()
        self.show("hours_grid.html", month=month.strftime("%Y-%m"), month_said=month_words(month),
                  latest=today.strftime("%Y-%m"), cards=self.grid(month, posted),
                  errors=errors or {}, file_error=file_error, notice=notice,
                  gaps=self.gaps(today))


class HoursHandler(HoursPage):
    """``/balise/hours``: the month's grid; its post sets the hours typed."""

    @require("coordinator")
    def get(self):
        if exports.asked(self):
            last = self.month()
            return exports.offer(self, f"hours-{last:%Y-%m}", DOWNLOAD, lambda: [
                {"site": card["name"], "activity": cell["activity"], "month": month,
                 "hours": cell["hours"]}
                for month in [last - relativedelta(months=n) for n in range(LOOK_BACK)]
                for card in self.grid(month) for cell in card["cells"]])
        self.page(self.month())

    @require("coordinator")
    def post(self):
        today = date.today()
        month = worked.parse_month(self.get_argument("month", ""), today)
        if month is None:
            return self.page(self.month(), status=400,
                             errors={"month": worked.said("month")})
        posted = {name: self.get_argument(name) for name in self.request.body_arguments
                  if name.startswith("h:")}
        values = {tuple(name.split(":", 2)[1:]): raw for name, raw in posted.items()
                  if name.count(":") == 2}
        try:
            n = worked.set_hours(self.balise.store, self.current_user.username, month,
                                 values, today)
        except Invalid as refused:
            errors = {f"h:{k.replace('/', ':')}": v for k, v in refused.errors.items()}
            return self.page(month, posted=posted, errors=errors, status=400)
        said = "saved" if n else "unchanged"
        self.redirect(f"{self.base_url}balise/hours?month={month:%Y-%m}&said={said}&n={n}",
                      status=303)


class HoursImportHandler(HoursPage):
    """``/balise/hours/import``: the file sent, kept for its preview; nothing else written."""

    @require("coordinator")
    def get(self):
        self.redirect(f"{self.base_url}balise/hours")

    @require("coordinator")
    def post(self):
        found = self.request.files.get("file") or []
        data = found[0]["body"] if found else b""
        refusal = None
        if not data:
            refusal = {"fr": "Choisissez un fichier CSV ou XLSX.",
                       "en": "Choose a CSV or XLSX file."}
        elif len(data) > MAX_BYTES:
            refusal = word("The file is too big: {most} MB at most.", most=MAX_BYTES // 2**20)
        else:
            try:
                worked.preview_file(self.balise.store, data, date.today())
            except BadFile as bad:
                refusal = bad.said
        if refusal is not None:
            self.log.info("Hours import refused for %s: %s", self.current_user.username,
                          refusal["en"])
            return self.page(self.month(), file_error=refusal, status=400)
        self.folder.mkdir(exist_ok=True)
        for old in self.folder.iterdir():
            if old.stat().st_mtime < time.time() - KEEP_SECONDS:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(18)
        (self.folder / f"{token}.upload").write_bytes(data)
        (self.folder / f"{token}.json").write_text(json.dumps(
            {"actor": self.current_user.username, "at": time.time()}), "utf-8")
        self.redirect(f"{self.base_url}balise/hours/import/{token}", status=303)


class HoursPreviewHandler(HoursPage):
    """``/balise/hours/import/<token>``: each line and what it would do; the post imports."""

    def upload(self, token: str) -> tuple[dict, bytes]:
        """The upload's facts and its bytes, if this person sent it; else 404."""
        kept = kept_upload(self.folder, token, self.current_user.username)
        if kept is None:
            self.not_found()
        return kept

    @require("coordinator")
    def get(self, token: str):
        facts, data = self.upload(token)
        if "done" in facts:
            return self.show("hours_import.html", done=facts["done"], lines=[], counts={},
                             upload_token=token, changes=CHANGES, fields=FIELDS)
        lines = worked.preview_file(self.balise.store, data, date.today())
        counts = {kind: sum(line.change == kind for line in lines) for kind in CHANGES}
        shown = sorted(lines, key=lambda line: line.change != "refused")
        self.show("hours_import.html", done=None, upload_token=token, counts=counts,
                  lines=[self.card(line) for line in shown], changes=CHANGES, fields=FIELDS)

    @staticmethod
    def card(line: worked.Line) -> dict:
        return {"number": line.number, "change": line.change, "cells": line.cells,
                "hours": decimal(line.hours) if line.hours is not None else None,
                "problems": [(FIELDS[p["field"]], p["said"]) for p in line.problems]}

    @require("coordinator")
    def post(self, token: str):
        facts, data = self.upload(token)
        if "done" not in facts:
            lock = self.folder / f"{token}.lock"
            try:
                os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return self.redirect(f"{self.base_url}balise/hours/import/{token}", status=303)
            try:
                facts["done"] = worked.import_file(self.balise.store,
                                                   self.current_user.username, data,
                                                   date.today())
            except BaseException:
                lock.unlink(missing_ok=True)        # nothing was written: it may be tried again
                raise
            (self.folder / f"{token}.json").write_text(json.dumps(facts), "utf-8")
            (self.folder / f"{token}.upload").unlink(missing_ok=True)
        self.redirect(f"{self.base_url}balise/hours/import/{token}", status=303)


ROUTES: list = [
    (r"/balise/hours", HoursHandler),
    (r"/balise/hours/import", HoursImportHandler),
    (r"/balise/hours/import/([A-Za-z0-9_-]{24})", HoursPreviewHandler),
]
