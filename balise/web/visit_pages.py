"""Behavioural safety visits from a phone (issue 20, item 2): the form and the site's list.

A trainer records visits on her own site, a coordinator on any (``?site=``). The form
is checked by :mod:`balise.store.visits`: a refusal comes back as the form, as posted,
with one plain message per field (400), and nothing is written; the form carries a key
made when it was shown, so posting it twice records once. After a save the browser goes
on (303): to the list, or, when an action follows the visit, to the action form
prefilled with the visit's finding, which comes back to the list.

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import select

from balise.formats import short_date
from balise.store import visits as store_visits
from balise.store.admin import Invalid
from balise.store.models import Site
from balise.store.programme import SafetyVisit
from balise.store.records import VISIT_FOLLOW_UPS, VISIT_THEMES
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import require
from balise.web.trainer_tools import SitePage
from balise.words import word

FIELDS = ("team", "on", "visitor", "talked", "follow_up", "module",
          *(f"{kind}-{theme}" for theme in VISIT_THEMES for kind in ("mark", "note")))
MARK_WORDS = {True: {"fr": "Sans risque", "en": "Safe"},
              False: {"fr": "À risque", "en": "At risk"},
              None: {"fr": "Pas vu", "en": "Not seen"}}
YES_NO = {True: {"fr": "Oui", "en": "Yes"}, False: {"fr": "Non", "en": "No"}}


def download_columns() -> list[Column]:
    """The visits taken away (?format=csv|xlsx): one row a visit, two columns a theme."""
    themes = []
    for t in VISIT_THEMES:
        said = word(store_visits.THEME_WORDS[t])
        themes += [Column(f"mark-{t}", said["fr"], said["en"]),
                   Column(f"note-{t}", f"{said['fr']} : remarque", f"{said['en']}: note")]
    return [Column("on", "Date", "Date"), Column("site", "Site", "Site"),
            Column("team", "Équipe", "Team"), Column("visitor", "Visiteur", "Visitor"),
            *themes, Column("finding", "Constat", "Finding"),
            Column("talked", "Échange avec l'équipe", "Conversation held"),
            Column("follow_up", "Suite", "What follows"),
            Column("module", "Module envoyé", "Module sent")]


class VisitPage(SitePage):
    def chosen_site(self) -> tuple[list, str | None]:
        """The coordinator's sites and the site worked on (a trainer's own)."""
        sites = self.sites() if self.current_user.role == "coordinator" else []
        return sites, self.site(sites)


class VisitFormHandler(VisitPage):
    """The visit's form: today, her site, her as the visitor, the six themes unmarked."""

    def render(self, site: str | None, sites: list, values: dict | None = None,
               errors: dict | None = None) -> None:
        today = date.today()
        with self.balise.store.session() as s:
            people = store_visits.visitors(s, site) if site else []
        modules = sorted(self.balise.catalogue.values(), key=lambda m: m.title["fr"])
        values = values or {"on": today.isoformat(), "visitor": self.current_user.username,
                            "follow_up": "none",
                            "team": self.get_argument("team", "")}
        self.set_status(400 if errors else 200)
        self.show("visit_form.html", sites=sites, site=site, teams=self.teams(site),
                  visitors=people, modules=modules, values=values, errors=errors or {},
                  themes=[(t, word(store_visits.THEME_WORDS[t])) for t in VISIT_THEMES],
                  follow_ups=[(f, word(store_visits.FOLLOW_UP_WORDS[f]))
                              for f in VISIT_FOLLOW_UPS],
                  today=today.isoformat(),
                  earliest=(today - timedelta(days=store_visits.DAYS_BACK)).isoformat(),
                  form_key=self.get_argument("form_key", "") or secrets.token_urlsafe(24))

    @require("trainer", "coordinator")
    def get(self):
        sites, site = self.chosen_site()
        self.render(site, sites)

    @require("trainer", "coordinator")
    def post(self):
        sites, site = self.chosen_site()
        values = {name: self.get_argument(name, "") for name in FIELDS}
        if site is None:
            return self.render(site, sites, values,
                               {"team": word("Choose a team from the list.")})
        try:
            visit_id = store_visits.record_visit(
                self.balise.store, self.current_user.username, site, values,
                set(self.balise.catalogue), form_key=self.get_argument("form_key", ""))
        except Invalid as refused:
            self.log.info("Visit refused for %s: %s", self.current_user.username, refused)
            return self.render(site, sites, values, refused.errors)
        back = f"{self.base_url}balise/visits?{urlencode({'said': 'saved', 'site': site})}"
        if values["follow_up"] == "action":
            with self.balise.store.session() as s:
                visit = s.get(SafetyVisit, visit_id)
                finding = visit.finding
            query = {"source": "visit", "source_id": visit_id, "site": site,
                     "text": finding, "next": back}
            return self.redirect(f"{self.base_url}balise/actions/new?{urlencode(query)}",
                                 status=303)
        self.redirect(back, status=303)


class VisitListHandler(VisitPage):
    """The site's latest visits, each with its grid, the latest first."""

    @require("trainer", "coordinator")
    def get(self):
        sites, site = self.chosen_site()
        download = exports.asked(self)      # every visit of the site, not the latest 15
        rows = store_visits.recent_visits(self.balise.store, site, limit=None if download
                                          else 15) if site else []
        modules = self.balise.catalogue
        if download:
            site_name = next((x.name for x in sites if x.id == site), None) if sites \
                else self.site_name(site)
            return exports.offer(self, f"visits-{site}", download_columns(), [{
                "on": r["visit"].on, "site": site_name, "team": r["team"],
                "visitor": r["visitor"], "finding": r["visit"].finding,
                "talked": YES_NO[bool(r["visit"].talked)] if r["visit"].follow_up else None,
                "follow_up": word(store_visits.FOLLOW_UP_WORDS[r["visit"].follow_up])
                if r["visit"].follow_up in store_visits.FOLLOW_UP_WORDS else None,
                "module": modules[r["visit"].module_id].title
                if r["visit"].module_id in modules else None,
                **{f"mark-{t}": MARK_WORDS[r["marks"][t].safe if t in r["marks"] else None]
                   for t in VISIT_THEMES},
                **{f"note-{t}": r["marks"][t].note if t in r["marks"] else None
                   for t in VISIT_THEMES}} for r in rows])
        cards = [{
            "id": r["visit"].id, "day": short_date(r["visit"].on), "team": r["team"],
            "visitor": r["visitor"], "talked": r["visit"].talked,
            "finding": r["visit"].finding,
            "follow_up": r["visit"].follow_up,
            "module": modules[r["visit"].module_id].title
            if r["visit"].module_id in modules else None,
            "marks": [(word(store_visits.THEME_WORDS[t]), r["marks"][t].safe,
                       r["marks"][t].note) for t in VISIT_THEMES if t in r["marks"]],
        } for r in rows]
        self.show("visit_list.html", sites=sites, site=site, cards=cards,
                  notice=word("Saved.") if self.get_argument("said", "") == "saved" else None,
                  follow_ups={f: word(w) for f, w in store_visits.FOLLOW_UP_WORDS.items()},
                  filters={"site": site} if sites else {})

    def site_name(self, site: str | None) -> str:
        with self.balise.store.session() as s:
            return s.scalar(select(Site.name).where(Site.id == site)) or ""


ROUTES = [
    (r"/balise/visits", VisitListHandler),
    (r"/balise/visits/new", VisitFormHandler),
]
