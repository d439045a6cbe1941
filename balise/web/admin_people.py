"""The people: a list searchable by name, a form to add or change a person, and her
placement ended (archived) or resumed.

A coordinator sees and changes everyone. A trainer sees her own site's people and
adds or changes its learners only: another site's person, or a trainer's or
coordinator's account, reads as a page that does not exist. Checks and the trail
are :mod:`balise.store.admin`'s.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from sqlalchemy import select

from balise.formats import date_words
from balise.store import admin
from balise.store.models import ROLES, Person
from balise.store.people_import import export_table
from balise.web import exports
from balise.web.admin_forms import LANGUAGE_WORDS, ROLE_WORDS, AdminPage
from balise.web.pages import require
from balise.words import N_, word

LABELS = {"name": N_("Name"), "role": N_("Role"), "site_id": N_("Site"), "team_id": N_("Team"),
          "route": N_("Job route"), "language": N_("Language"),
          "placement_start": N_("Placement start"), "placement_end": N_("Planned end"),
          "trainer_id": N_("Trainer"), "ended_on": N_("Last day"), "person": N_("Person")}
SHOWN = 100         # people listed at most; a search narrows the rest down


def fold(text: str) -> str:
    """Text as a search compares it: no accents, no case ("Aïcha" finds "aicha")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).casefold()


class PeopleHandler(AdminPage):
    """``/balise/admin/people?q=&site=&team=&ended=1``: people by name, each leading to her page."""

    @require("trainer", "coordinator")
    def get(self):
        sites = self.sites()
        site_names = {s.id: s.name for s in sites}
        teams = {t.id: t for t in self.teams(list(site_names))}
        q, ended = self.get_argument("q", "").strip()[:100], self.get_argument("ended", "") == "1"
        site, team = self.get_argument("site", ""), self.get_argument("team", "")
        query = select(Person).order_by(Person.name)
        if not self.coordinator:
            query = query.where(Person.site_id == self.current_user.site)
        with self.balise.store.session() as s:
            people = list(s.scalars(query))
        people = [p for p in people if (p.ended_on is not None) == ended
                  and (not site or p.site_id == site) and (not team or p.team_id == team)
                  and (not q or fold(q) in fold(p.name))]
        routes = self.routes
        fmt = self.get_argument("format", None)
        if fmt is not None:               # the list as shown (its filters), to take away
            if fmt not in exports.FORMATS:
                return exports.refuse_format(self)
            table = export_table(self.balise.store, routes, people)
            return exports.send(self, table, "people", fmt, "fr")
        titles = {r.id: r.title for r in self.balise.routes}
        cards = [{"id": p.id, "name": p.name, "role": ROLE_WORDS.get(p.role),
                  "site": site_names.get(p.site_id, ""),
                  "team": teams[p.team_id].name if p.team_id in teams else "",
                  "route": titles.get(admin.person_row(p, routes)["route"]),
                  "ended": date_words(p.ended_on) if p.ended_on else None,
                  "editable": self.editable(p),
                  "badge": p.role == "learner" and p.ended_on is None and self.editable(p)}
                 for p in people[:SHOWN]]
        self.show("admin_people.html", mode="list", cards=cards, found=len(people), q=q,
                  ended=ended, sites=sites, site=site, team=team,
                  team_name=teams[team].name if team in teams else "",
                  shown=SHOWN, notice=self.notice())

    def editable(self, person: Person) -> bool:
        return self.coordinator or (person.role == "learner"
                                    and person.site_id == self.current_user.site)


class PersonFormHandler(AdminPage):
    """``/balise/admin/people/new`` and ``/balise/admin/people/<id>``: add, or change her."""

    def person(self, person_id: str | None) -> Person | None:
        """Her, if this person may change her; else a page that does not exist."""
        if person_id is None:
            return None
        person = self.balise.store.person(person_id)
        if person is None or not (self.coordinator or (
                person.role == "learner" and person.site_id == self.current_user.site)):
            self.not_found()
        return person

    def render(self, person: Person | None, values: dict, errors: dict | None = None,
               status: int | None = None) -> None:
        sites = self.sites()
        names = {s.id: s.name for s in sites}
        # Changing her: the teams and trainers of her site. Adding: every site's, so that
        # choosing a site never leaves a list of another's (the check refuses a mismatch).
        ids = ([values["site_id"]] if person is not None and values.get("site_id") in names
               else list(names))
        teams = self.teams(ids)
        one_site = len(ids) == 1
        self.set_status(status or (400 if errors else 200))
        self.show("admin_people.html", mode="form", person=person, values=values,
                  errors=errors or {}, labels=LABELS, form_key=self.form_key(),
                  roles=[(r, ROLE_WORDS[r]) for r in (ROLES if self.coordinator
                                                      else ("learner",))],
                  sites=[(s.id, {"fr": s.name, "en": s.name}) for s in sites],
                  teams=[(t.id, {"fr": t.name if one_site else f"{names[t.site_id]} — {t.name}",
                                 "en": t.name if one_site else f"{names[t.site_id]} — {t.name}"})
                         for t in teams],
                  routes=[(r.id, r.title) for r in self.balise.routes],
                  languages=[(k, v) for k, v in LANGUAGE_WORDS.items()],
                  trainers=[(p.id, {"fr": p.name if one_site else
                                    f"{p.name} ({names[p.site_id]})",
                                    "en": p.name if one_site else
                                    f"{p.name} ({names[p.site_id]})"})
                            for p in self.trainers(ids)],
                  today=date.today().isoformat(),
                  ended_words=date_words(person.ended_on) if person and person.ended_on
                  else None, notice=None if errors else self.notice())

    @require("trainer", "coordinator")
    def get(self, person_id: str | None = None):
        person = self.person(person_id)
        if person is not None:
            values = admin.person_row(person, self.routes)
        else:
            values = {k: "" for k in admin.PERSON_FIELDS}
            values.update(role="learner", language="fr",
                          site_id="" if self.coordinator else self.current_user.site or "",
                          team_id=self.get_argument("team", ""))
        self.render(person, {k: (v.isoformat() if isinstance(v, date) else v or "")
                             for k, v in values.items()})

    @require("trainer", "coordinator")
    def post(self, person_id: str | None = None):
        person = self.person(person_id)
        values = self.posted(*admin.PERSON_FIELDS)
        me = self.current_user.username
        if not self.coordinator:
            # A trainer's learners only, on her own site: other choices are not on her form.
            refused = {}
            if values["role"] != "learner":
                refused["role"] = word("Choose a role from the list.")
            if values["site_id"] != self.current_user.site:
                refused["site_id"] = word("Choose a site from the list.")
            if refused:
                return self.render(person, values, refused)
        try:
            if person is None:
                person_id = admin.add_person(self.balise.store, me, values, self.routes,
                                             form_key=self.get_argument("form_key", ""))
                said = "saved"
            else:
                said = "saved" if admin.edit_person(self.balise.store, me, person.id, values,
                                                    self.routes) else "unchanged"
        except admin.Invalid as refused:
            self.log.info("Person form refused for %s: %s", me, refused)
            return self.render(person, values, refused.errors)
        self.done(f"admin/people/{person_id}", said)


class PlacementHandler(PersonFormHandler):
    """``POST /balise/admin/people/<id>/end`` (archive her) and ``.../back`` (resume).

    Ending twice, or resuming twice, leaves her as the first post did.
    """

    @require("trainer", "coordinator")
    def get(self, person_id: str, action: str):
        self.redirect(f"{self.base_url}balise/admin/people/{person_id}")

    @require("trainer", "coordinator")
    def post(self, person_id: str, action: str):
        person = self.person(person_id)
        me, store = self.current_user.username, self.balise.store
        try:
            if action == "end":
                try:
                    on = admin.parse_date(self.get_argument("ended_on", "")) or date.today()
                except ValueError:
                    raise admin.Invalid({"ended_on": word(
                        "Write a date: day, month and year.")}) from None
                admin.end_placement(store, me, person.id, on)
            else:
                admin.bring_back(store, me, person.id)
        except admin.Invalid as refused:
            values = admin.person_row(person, self.routes)
            return self.render(person, {k: (v.isoformat() if isinstance(v, date) else v or "")
                                        for k, v in values.items()}, refused.errors)
        self.done(f"admin/people/{person.id}", "ended" if action == "end" else "back")
