"""``/balise/expiring``: who expires, by name (coordinators: every site, or one; trainers:
their own site).

The dashboard counts who is expiring or overdue; this page says who, each name a link
to her page, so a trainer can plan the refreshers of the month. The lists are
:func:`balise.progress.expiry.who_expires`, from the same frames as the counts.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from balise.formats import date_words
from balise.messages import CATALOGUE
from balise.progress.expiry import LISTS, who_expires
from balise.progress.indicators import learner_certification
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import Page, require
from balise.words import word

DOWNLOAD = [Column("list", "Liste", "List"), Column("name", "Nom", "Name"),
            Column("site", "Site", "Site"), Column("what", "Quoi", "What"),
            Column("on", "Date", "Date")]

HEADINGS = {"expired": "Expired: to take again now",
            "within_30": "Expires within 30 days",
            "within_60": "Expires in 31 to 60 days",
            "overdue": "Overdue: not certified in time"}


class ExpiringHandler(Page):
    @require("trainer", "coordinator")
    def get(self):
        ctx, user = self.balise, self.current_user
        today = date.today()
        people = ctx.store.frame(ctx.models.Person)
        sites = ctx.store.frame(ctx.models.Site)
        site_names = dict(zip(sites.id, sites.name))
        site = user.site if user.role == "trainer" else (self.get_argument("site", "") or None)
        if site is not None and site not in site_names:
            self.set_status(404)
            return self.show("message.html", title=CATALOGUE["not_found"])
        status, cert = ctx.status(today, people=people)
        learners = learner_certification(people, cert, today)
        if site is not None:
            learners = learners[learners.site_id == site]
        found = who_expires(learners, status, today)
        route_of = dict(zip(cert.learner, cert.route))
        routes = {r.id: r.title for r in ctx.routes}

        def entry(row) -> dict:
            if row.kind == "module":
                module = ctx.catalogue.get(row.item)
                what = module.title if module else {"fr": row.item, "en": row.item}
            else:
                route = routes.get(route_of.get(row.learner))
                what = route or {"fr": "", "en": ""}
            return {"id": row.learner, "name": row.name, "kind": row.kind, "what": what,
                    "site": site_names.get(row.site_id, ""), "on": date_words(row.on)}

        fmt = self.get_argument("format", None)
        if fmt is not None:
            if fmt not in exports.FORMATS:
                return exports.refuse_format(self)
            lang = exports.language_of(self.reading())
            rows = [entry(r) for r in found.itertuples()]
            table = pd.DataFrame({
                "list": [word(HEADINGS[r.list])[lang] for r in found.itertuples()],
                "name": [e["name"] for e in rows], "site": [e["site"] for e in rows],
                "what": [(word("Certificate: {route}", route=e["what"][lang])[lang]
                          if e["kind"] == "certificate" else e["what"][lang]) for e in rows],
                "on": list(found["on"])})
            return exports.send(self, exports.shaped(table, DOWNLOAD, lang), "expiring", fmt,
                                lang)
        lists = []
        for name in LISTS:
            rows = found[found.list == name]
            lists.append({"id": name, "heading": HEADINGS[name],
                          "modules": int((rows.kind == "module").sum()),
                          "certificates": int((rows.kind == "certificate").sum()),
                          "people": [entry(r) for r in rows.itertuples()]})
        self.show("expiring.html", lists=lists, site=site, sites=site_names,
                  chooses_site=user.role == "coordinator")
