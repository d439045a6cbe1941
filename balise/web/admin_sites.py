"""The sites, for coordinators: the list, and a form to add one or change it.

A site has a name, an address and the activities done there (a team's activity is
one of its site's). Checks and the trail are :mod:`balise.store.admin`'s.
"""

from __future__ import annotations

from sqlalchemy import func, select

from balise.store import admin
from balise.store.models import Person, Site
from balise.store.programme import Team
from balise.web import exports
from balise.web.admin_forms import ACTIVITY_WORDS, AdminPage, activity_choices
from balise.web.exports import Column
from balise.web.pages import require
from balise.words import N_, word

LABELS = {"name": N_("Name"), "address": N_("Address"), "activities": N_("Activities")}
DOWNLOAD = [Column("name", "Nom", "Name"), Column("address", "Adresse", "Address"),
            Column("activities", "Activités", "Activities"),
            Column("teams", "Équipes", "Teams"), Column("people", "Personnes", "People")]


class SitesHandler(AdminPage):
    """``/balise/admin/sites``: every site, its address, activities, teams and people."""

    @require("coordinator")
    def get(self):
        with self.balise.store.session() as s:
            teams = dict(s.execute(select(Team.site_id, func.count()).group_by(Team.site_id)).all())
            people = dict(s.execute(select(Person.site_id, func.count()).where(
                Person.ended_on.is_(None)).group_by(Person.site_id)).all())
            sites = [{"id": site.id, "name": site.name, "address": site.address,
                      "activities": [ACTIVITY_WORDS[a] for a in site.activity_list
                                     if a in ACTIVITY_WORDS],
                      "teams": teams.get(site.id, 0), "people": people.get(site.id, 0)}
                     for site in s.scalars(select(Site).order_by(Site.name))]
        if exports.asked(self):
            return exports.offer(self, "sites", DOWNLOAD, [{
                **site, "activities": {lang: ", ".join(word(a)[lang] for a in site["activities"])
                                       for lang in ("fr", "en")}} for site in sites])
        self.show("admin_sites.html", mode="list", sites=sites, notice=self.notice())


class SiteFormHandler(AdminPage):
    """``/balise/admin/sites/new`` and ``/balise/admin/sites/<id>``: add a site, change one."""

    def site(self, site_id: str | None) -> Site | None:
        if site_id is None:
            return None
        with self.balise.store.session() as s:
            site = s.get(Site, site_id)
        if site is None:
            self.not_found()
        return site

    def render(self, site: Site | None, values: dict, errors: dict | None = None) -> None:
        self.set_status(400 if errors else 200)
        self.show("admin_sites.html", mode="form", site=site, values=values,
                  errors=errors or {}, labels=LABELS, activities=activity_choices(),
                  form_key=self.form_key(), notice=None if errors else self.notice())

    @require("coordinator")
    def get(self, site_id: str | None = None):
        site = self.site(site_id)
        values = ({"name": site.name, "address": site.address,
                   "activities": site.activity_list} if site else
                  {"name": "", "address": "", "activities": []})
        self.render(site, values)

    @require("coordinator")
    def post(self, site_id: str | None = None):
        site = self.site(site_id)
        values = self.posted("name", "address", "activities")
        me = self.current_user.username
        try:
            if site is None:
                site_id = admin.add_site(self.balise.store, me, values,
                                         form_key=self.get_argument("form_key", ""))
                said = "saved"
            else:
                said = "saved" if admin.edit_site(self.balise.store, me, site.id, values) \
                    else "unchanged"
        except admin.Invalid as refused:
            self.log.info("Site form refused for %s: %s", me, refused)
            return self.render(site, values, refused.errors)
        self.done(f"admin/sites/{site_id}", said)
