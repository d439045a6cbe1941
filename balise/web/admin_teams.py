"""The teams: a coordinator's on every site, a trainer's on her own; a form to add or change one.

A team belongs to a site (it stays there), works in one of the site's activities and is
led by a trainer of that site. Checks and the trail are :mod:`balise.store.admin`'s.
"""

from __future__ import annotations

from sqlalchemy import func, select

from balise.store import admin
from balise.store.models import Person
from balise.store.programme import Team
from balise.web import exports
from balise.web.admin_forms import ACTIVITY_WORDS, AdminPage
from balise.web.exports import Column
from balise.web.pages import require
from balise.words import N_, word

LABELS = {"site_id": N_("Site"), "name": N_("Name"), "activity": N_("Activity"),
          "trainer_id": N_("Trainer")}
DOWNLOAD = [Column("site", "Site", "Site"), Column("name", "Équipe", "Team"),
            Column("activity", "Activité", "Activity"),
            Column("trainer", "Formatrice ou formateur", "Trainer"),
            Column("people", "Personnes", "People")]


class TeamsHandler(AdminPage):
    """``/balise/admin/teams[?site=]``: the teams by site, with their trainer and people."""

    @require("trainer", "coordinator")
    def get(self):
        sites = self.sites()
        wanted = self.get_argument("site", "")
        shown = [s for s in sites if s.id == wanted] or sites
        teams = self.teams([s.id for s in shown])
        with self.balise.store.session() as s:
            names = dict(s.execute(select(Person.id, Person.name).where(
                Person.id.in_([t.trainer_id for t in teams if t.trainer_id]))).all())
            counts = dict(s.execute(select(Person.team_id, func.count()).where(
                Person.ended_on.is_(None)).group_by(Person.team_id)).all())
        by_site = [{"site": site, "teams": [
            {"id": t.id, "name": t.name, "activity": ACTIVITY_WORDS.get(t.activity),
             "trainer": names.get(t.trainer_id), "people": counts.get(t.id, 0)}
            for t in teams if t.site_id == site.id]} for site in shown]
        if exports.asked(self):
            return exports.offer(self, "teams" + (f"-{shown[0].id}" if len(shown) == 1 else ""),
                                 DOWNLOAD, [{**t, "site": group["site"].name,
                                             "activity": word(t["activity"]) if t["activity"]
                                             else None}
                                            for group in by_site for t in group["teams"]])
        self.show("admin_teams.html", mode="list", by_site=by_site, sites=sites,
                  site=wanted if len(shown) == 1 and len(sites) > 1 else "",
                  notice=self.notice())


class TeamFormHandler(AdminPage):
    """``/balise/admin/teams/new[?site=]`` and ``/balise/admin/teams/<id>``."""

    def team(self, team_id: str | None) -> Team | None:
        if team_id is None:
            return None
        with self.balise.store.session() as s:
            team = s.get(Team, team_id)
        if team is None or not self.may_act_on(team.site_id):
            self.not_found()
        return team

    def render(self, team: Team | None, values: dict, errors: dict | None = None) -> None:
        sites = self.sites()
        site_id = team.site_id if team else values.get("site_id")
        site = next((s for s in sites if s.id == site_id), None)
        choices = [(a, ACTIVITY_WORDS[a]) for a in (site.activity_list if site else
                                                    ACTIVITY_WORDS) if a in ACTIVITY_WORDS]
        trainers = self.trainers([site_id] if site_id else [s.id for s in sites])
        self.set_status(400 if errors else 200)
        self.show("admin_teams.html", mode="form", team=team, values=values,
                  errors=errors or {}, labels=LABELS, form_key=self.form_key(),
                  sites=[(s.id, {"fr": s.name, "en": s.name}) for s in sites],
                  activities=choices,
                  trainers=[(p.id, {"fr": p.name, "en": p.name}) for p in trainers],
                  site_name=site.name if site else "",
                  notice=None if errors else self.notice())

    @require("trainer", "coordinator")
    def get(self, team_id: str | None = None):
        team = self.team(team_id)
        if team is not None:
            values = {k: getattr(team, k) for k in admin.TEAM_FIELDS}
        else:
            wanted = self.get_argument("site", "")
            site = wanted if self.may_act_on(wanted) else (self.current_user.site or "")
            values = {"site_id": site if self.coordinator or site else "", "name": "",
                      "activity": "", "trainer_id": ""}
        self.render(team, values)

    @require("trainer", "coordinator")
    def post(self, team_id: str | None = None):
        team = self.team(team_id)
        values = self.posted("site_id", "name", "activity", "trainer_id")
        me = self.current_user.username
        if team is None and not self.may_act_on(values["site_id"] or None):
            # A trainer adds teams to her own site only: another site is not a choice.
            return self.render(None, values, {"site_id": word("Choose a site from the list.")})
        try:
            if team is None:
                team_id = admin.add_team(self.balise.store, me, values,
                                         form_key=self.get_argument("form_key", ""))
                said = "saved"
            else:
                said = "saved" if admin.edit_team(self.balise.store, me, team.id, values) \
                    else "unchanged"
        except admin.Invalid as refused:
            self.log.info("Team form refused for %s: %s", me, refused)
            return self.render(team, values, refused.errors)
        self.done(f"admin/teams/{team_id}", said)
