"""``/balise/person/<id>/export``: everything Balise holds about one person, as a zip.

For coordinators only (a person asks the employer, who answers within a month: GDPR
art. 15 and 20); a trainer gets the same "page not found" as for an unknown person.
Each export is a line of the trail. The zip is made by
:func:`balise.store.personal_data.export_person`; her certificates are added as the
PDFs she can download herself.
"""

from __future__ import annotations

import re

from balise.grading.coursedir import COURSE_ID
from balise.messages import CATALOGUE
from balise.store import admin
from balise.store.personal_data import certificate_pdfs, export_person
from balise.web.pages import Page, require


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
