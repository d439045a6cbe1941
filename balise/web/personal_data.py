"""``/balise/person/<id>/export``: everything Balise holds about one person, as a zip; and
``/balise/person/<id>/erase``: erase her, after her name is typed to confirm.

For coordinators only (a person asks the employer, who answers within a month: GDPR
art. 15 and 20); a trainer gets the same "page not found" as for an unknown person.
Each export is a line of the trail. The zip is made by
:func:`balise.store.personal_data.export_person`; her certificates are added as the
PDFs she can download herself.
"""

from __future__ import annotations

import re
from datetime import date

from balise.formats import date_words
from balise.grading.coursedir import COURSE_ID
from balise.messages import CATALOGUE
from balise.progress.retention import due_for_erasure
from balise.store import admin
from balise.store.erasure import erase_person
from balise.store.personal_data import certificate_pdfs, export_person
from balise.web import exports
from balise.web.pages import Page, require
from balise.words import word


class PersonExportHandler(Page):
    @require("trainer", "coordinator")
    def get(self, person_id):
        ctx, user = self.balise, self.current_user
        person = ctx.store.person(person_id)
        if person is None or user.role != "coordinator":
            self.set_status(404)
            return self.show("message.html", title=CATALOGUE["not_found"])
        serverapp = self.settings["serverapp"]
        pdfs = certificate_pdfs(ctx.store, person.id, person.name, ctx.routes,
                                {m.id: m.title for m in ctx.catalogue.values()},
                                serverapp.custom_display_url or serverapp.connection_url)
        body = export_person(ctx.store, ctx.config.gradebook_url, COURSE_ID,
                             ctx.config.data_path / "attempts", person.id, pdfs)
        with ctx.store.session() as s:
            admin._write(s, user.username, "person.export", person=person.id,
                         site=person.site_id)
        name = re.sub(r"[^A-Za-z0-9-]", "-", f"donnees-{person.id}")
        self.set_header("Content-Type", "application/zip")
        self.set_header("Content-Disposition", f'attachment; filename="{name}.zip"')
        self.set_header("Cache-Control", "private, no-store")
        self.finish(body)


def same_name(typed: str, name: str) -> bool:
    """Her name typed to confirm: spaces and capitals aside, the same letters."""
    def folded(text: str) -> str:
        return " ".join(text.split()).casefold()

    return bool(typed) and folded(typed) == folded(name)


class PersonEraseHandler(Page):
    """``/balise/person/<id>/erase``: erase one person, for coordinators only.

    The page names her and says what goes and what stays; she is erased only when her
    name is typed again (a wrong click on a list cannot erase someone). A trainer gets
    the same "page not found" as for an unknown person. The erasure itself is
    :func:`balise.store.erasure.erase_person`; the trail keeps a line without her name.
    """

    def _person(self, person_id):
        person = self.balise.store.person(person_id)
        if person is None or self.current_user.role != "coordinator" or \
                person.id == self.current_user.username:
            self.set_status(404)
            self.show("message.html", title=CATALOGUE["not_found"])
            return None
        return person

    @require("trainer", "coordinator")
    def get(self, person_id):
        person = self._person(person_id)
        if person is not None:
            self.show("person_erase.html", person=person, typed="", error=None)

    @require("trainer", "coordinator")
    def post(self, person_id):
        person = self._person(person_id)
        if person is None:
            return
        typed = self.get_argument("name", "")
        if not same_name(typed, person.name):
            self.set_status(400)
            return self.show("person_erase.html", person=person, typed=typed[:200],
                             error=word("Type her name exactly as it is written above: "
                                        "nothing was erased."))
        ctx = self.balise
        erase_person(ctx.store, ctx.config.gradebook_url, COURSE_ID, ctx.config.data_path,
                     ctx.secret, self.current_user.username, person.id)
        done = word("{name}: her data is erased. Her certificates are revoked.", name=person.name)
        self.show("message.html", title=done)


RETENTION_COLUMNS = [exports.Column("id", "Identifiant", "Id"),
                     exports.Column("name", "Nom", "Name"),
                     exports.Column("site", "Site", "Site"),
                     exports.Column("ended", "Fin du contrat", "Placement ended")]


class RetentionHandler(Page):
    """``/balise/erasure``: who is due for erasure (``c.Balise.retention_months`` after the
    placement ended), each name a link to her erasure page. Coordinators only."""

    @require("coordinator")
    def get(self):
        ctx = self.balise
        months = ctx.config.retention_months
        people = ctx.store.frame(ctx.models.Person)
        sites = dict(ctx.store.frame(ctx.models.Site)[["id", "name"]].itertuples(index=False))
        due = due_for_erasure(people, date.today(), months)
        if exports.asked(self):
            return exports.offer(self, "to-erase", RETENTION_COLUMNS, [
                {"id": r.id, "name": r.name, "site": sites.get(r.site_id, ""),
                 "ended": r.ended.date()} for r in due.itertuples()])
        rows = [{"id": r.id, "name": r.name, "site": sites.get(r.site_id, "—"),
                 "ended": date_words(r.ended.date())} for r in due.itertuples()]
        self.show("person_retention.html", rows=rows, months=months)
