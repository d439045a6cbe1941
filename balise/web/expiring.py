"""``/balise/expiring``: who expires, by name (coordinators: how many each site has, then
one site's names; trainers: their own site).

The dashboard counts who is expiring or overdue; this page says who, each name a link
to her page, so a trainer can plan the refreshers of the month. The lists are
:func:`balise.progress.expiry.who_expires`, from the same frames as the counts.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pandas as pd

from balise.formats import date_words
from balise.grading.results import module_totals
from balise.messages import CATALOGUE
from balise.progress.expiry import LISTS, who_expires
from balise.progress.indicators import learner_certification
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import Page, require
from balise.web.standing import derived
from balise.words import word

DOWNLOAD = [Column("list", "Liste", "List"), Column("name", "Nom", "Name"),
            Column("site", "Site", "Site"), Column("what", "Quoi", "What"),
            Column("on", "Date", "Date")]

HEADINGS = {"expired": "Expired: to take again now",
            "within_30": "Expires within 30 days",
            "within_60": "Expires in 31 to 60 days",
            "overdue": "Overdue: not certified in time"}


def lists_of(ctx, today: date, site: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`who_expires` for ``site`` (None: every site), and the certification frame.

    A site's lists read its learners' attempts and grades only: the whole group's status
    took most of the page's second at 1,300 people (``benchmarks/report.py``). A learner's
    status rests on her own rows alone, so her lists are the same either way.
    """
    people = ctx.store.frame(ctx.models.Person)

    def lists(status: pd.DataFrame, cert: pd.DataFrame):
        return who_expires(learner_certification(people, cert, today), status, today), cert

    if site is None:         # every site's: kept with every learner's status (standing)
        return derived("who-expires", ctx, today, people, [], lists)
    people = people[people.site_id == site]
    ids = list(people.loc[people.role == "learner", "id"])
    attempts = ctx.attempt_scores(learners=ids)
    # A score needs the sums only, not each question's name (ctx.grades).
    grades = module_totals(ctx.config.gradebook_url, learners=ids)
    return lists(*ctx.status(today, attempts, people, grades))


def by_site(found: pd.DataFrame, site_names: dict[str, str]) -> list[dict]:
    """Each site (by name) with how many lines each list holds for it."""
    counts = (found.groupby(["site_id", "list"], observed=False).size()
              .unstack(fill_value=0) if not found.empty else pd.DataFrame())
    out = []
    for sid, name in sorted(site_names.items(), key=lambda item: item[1]):
        row = counts.loc[sid] if sid in counts.index else {}
        out.append({"id": sid, "name": name,
                    "counts": [int(row[name_] if name_ in row else 0) for name_ in LISTS]})
    return out


# The summary's columns, short enough for a phone; the site's page heads each list in full.
SHORT = {"expired": ("Expirés", "Expired"), "within_30": ("Sous 30 jours", "Within 30 days"),
         "within_60": ("Dans 31 à 60 jours", "In 31 to 60 days"),
         "overdue": ("En retard", "Overdue")}


class ExpiringHandler(Page):
    """A trainer sees her site's lists. A coordinator first sees how many each site has,
    each site opening its own lists (every name of every site on one page was 933 kB
    and most of a second at 1,300 people); the downloads hold every site's."""

    @require("trainer", "coordinator")
    async def get(self):
        ctx, user = self.balise, self.current_user
        today = date.today()
        sites = ctx.store.frame(ctx.models.Site)
        site_names = dict(zip(sites.id, sites.name))
        site = user.site if user.role == "trainer" else (self.get_argument("site", "") or None)
        if site is not None and site not in site_names:
            self.set_status(404)
            return self.show("message.html", title=CATALOGUE["not_found"])
        found, cert = await asyncio.to_thread(lists_of, ctx, today, site)
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
            lists.append({"id": name, "heading": HEADINGS[name], "short": SHORT[name],
                          "modules": int((rows.kind == "module").sum()),
                          "certificates": int((rows.kind == "certificate").sum()),
                          "people": [entry(r) for r in rows.itertuples()] if site else []})
        self.show("expiring.html", lists=lists, site=site, sites=site_names,
                  chooses_site=user.role == "coordinator",
                  summary=by_site(found, site_names) if site is None else None)
