"""The trail, for coordinators: every change to a person, a site or a team, and every look
at a person's page, newest first; filtered by person.

Lines come from :func:`balise.store.admin.trail`; each says who, when, what kind, about
whom and what changed, in words (a site, team or trainer by name, a date as French
writes it), never as the raw JSON.
"""

from __future__ import annotations

import json
from datetime import date, timezone

import pandas as pd
from sqlalchemy import select

from balise.formats import date_time, short_date
from balise.store import admin
from balise.store.models import Person, Site
from balise.store.programme import Team
from balise.web import exports
from balise.web.accident_pages import TRAIL_FIELDS as ACCIDENT_FIELDS
from balise.web.accident_pages import TRAIL_KINDS as ACCIDENT_KINDS
from balise.web.admin_forms import ACTIVITY_WORDS, LANGUAGE_WORDS, ROLE_WORDS, AdminPage
from balise.web.admin_people import fold
from balise.web.exports import Column
from balise.web.pages import require
from balise.words import N_, word

PAGE = 100
KINDS = {"person.add": N_("Person added"), "person.edit": N_("Person changed"),
         "person.end": N_("Placement ended"), "person.back": N_("Placement resumed"),
         "person.view": N_("Page read"), "site.add": N_("Site added"),
         "site.edit": N_("Site changed"), "team.add": N_("Team added"),
         "team.edit": N_("Team changed"), "warm-up.add": N_("Warm-up recorded"),
         "warm-up.undo": N_("Warm-up undone"), "validation.add": N_("Field validation recorded"),
         "validation.undo": N_("Field validation undone"),
         "badge.issue": N_("Badge printed"), "badge.revoke": N_("Badge revoked"),
         "session.open": N_("Session opened on a shared phone"),
         "password.reset": N_("Password reset"), "password.change": N_("Password chosen"),
         "person.export": N_("Her data exported"), "person.erase": N_("Person erased"),
         "visit.add": N_("Safety visit recorded"), "hazard.add": N_("Hazard reported"),
         "hazard.take": N_("Hazard report taken in hand"),
         "hazard.close": N_("Hazard report closed"), "action.add": N_("Action added"),
         "action.edit": N_("Action changed"), "action.done": N_("Action done"),
         "action.reopen": N_("Action reopened"), "hours.set": N_("Hours worked entered"),
         **ACCIDENT_KINDS}
FIELDS = {"name": N_("Name"), "address": N_("Address"), "activities": N_("Activities"),
          "activity": N_("Activity"), "role": N_("Role"), "site_id": N_("Site"),
          "team_id": N_("Team"), "route": N_("Job route"), "language": N_("Language"),
          "placement_start": N_("Placement start"), "placement_end": N_("Planned end"),
          "trainer_id": N_("Trainer"), "ended_on": N_("Last day"),
          "skill": N_("Field validation"), "on": N_("Day"), "note": N_("Note"),
          "badge": N_("Badge number"), **ACCIDENT_FIELDS}
DOWNLOAD = [Column("at", "Quand", "When"), Column("who", "Qui", "Who"),
            Column("what", "Quoi", "What"), Column("person", "Personne", "Person"),
            Column("site", "Site", "Site"), Column("team", "Équipe", "Team"),
            Column("changes", "Changements", "Changes")]
DAYS = ("placement_start", "placement_end", "ended_on", "on")
DEMO = "demo"        # who the demo seeder writes as (balise.demo.accounts.ACTOR)


def in_form_order(item: tuple) -> int:
    """Changes listed as the forms show their fields (name first), not as JSON sorts them."""
    return list(FIELDS).index(item[0]) if item[0] in FIELDS else len(FIELDS)


class TrailHandler(AdminPage):
    """``/balise/trail?person=<id>&q=<name>&before=<line>``."""

    @require("coordinator")
    def get(self):
        store = self.balise.store
        q = self.get_argument("q", "").strip()[:100]
        wanted = self.get_argument("person", "")
        try:
            before = int(self.get_argument("before", "")) or None
        except ValueError:
            before = None
        with store.session() as s:
            names = {"people": dict(s.execute(select(Person.id, Person.name)).all()),
                     "sites": dict(s.execute(select(Site.id, Site.name)).all()),
                     "teams": dict(s.execute(select(Team.id, Team.name)).all())}
        matches = sorted(((pid, name) for pid, name in names["people"].items()
                          if fold(q) in fold(name)), key=lambda m: m[1])[:20] if q else []
        if q and len(matches) == 1:
            wanted = matches[0][0]
        person = wanted if wanted in names["people"] else None
        fmt = self.get_argument("format", None)
        if fmt is not None:                  # the trail as filtered, every line, to take away
            if fmt not in exports.FORMATS:
                return exports.refuse_format(self)
            lang = exports.language_of(self.reading())
            every = admin.trail(store, person_id=person, limit=None)
            return exports.send(self, exports.shaped(self.table(every, names, lang), DOWNLOAD,
                                                     lang), "trail", fmt, lang)
        lines = admin.trail(store, person_id=person, before=before, limit=PAGE + 1)
        more = lines[PAGE].id + 1 if len(lines) > PAGE else None
        self.show("trail.html", lines=[self.line(e, names) for e in lines[:PAGE]],
                  person=person, person_name=names["people"].get(person), q=q,
                  matches=matches if len(matches) != 1 else [], more=more,
                  routes={r.id: r.title for r in self.balise.routes})

    def table(self, entries, names, lang: str) -> pd.DataFrame:
        """The trail's lines as a spreadsheet reads them: each value in words, in ``lang``."""
        def text(value) -> str:
            if isinstance(value, dict) and "msgid" in value:
                return word(value["msgid"])[lang]
            if isinstance(value, dict) and "msgids" in value:
                return ", ".join(word(m)[lang] for m in value["msgids"])
            if isinstance(value, dict) and "route" in value:
                title = next((r.title for r in self.balise.routes if r.id == value["route"]),
                             None)
                return title[lang] if title else value["route"]
            if isinstance(value, dict) and "skill" in value:
                return value["skill"][lang]
            if isinstance(value, dict) and lang in value:          # said in both already
                return value[lang]
            return str(value)

        rows = []
        for entry in entries:
            line = self.line(entry, names)
            changes = "; ".join(f"{word(c['field'])[lang]} : {text(c['before'])} → "
                                f"{text(c['after'])}" for c in line["changes"])
            rows.append({"at": entry.at, "who": text(line["who"]),
                         "what": word(line["kind"])[lang] if line["kind"] else entry.kind,
                         "person": line["person_name"] or "", "site": line["site"] or "",
                         "team": line["team"] or "", "changes": changes})
        return pd.DataFrame(rows, columns=[c.key for c in DOWNLOAD])

    def line(self, entry, names) -> dict:
        try:
            changes = json.loads(entry.changes or "{}")
        except ValueError:
            changes = {}
        at = entry.at.replace(tzinfo=timezone.utc).astimezone()      # stored in UTC
        return {"at": date_time(at.replace(tzinfo=None)), "kind": KINDS.get(entry.kind),
                "raw_kind": entry.kind,
                "who": names["people"].get(entry.actor_id) or (
                    word("the demo data") if entry.actor_id == DEMO else entry.actor_id),
                "person": entry.person_id,
                "person_name": names["people"].get(entry.person_id, entry.person_id),
                "site": names["sites"].get(entry.site_id, entry.site_id),
                "team": names["teams"].get(entry.team_id, entry.team_id),
                "changes": [{"field": FIELDS.get(field, field),
                             "before": self.said(field, pair[0], names),
                             "after": self.said(field, pair[1], names)}
                            for field, pair in sorted(changes.items(), key=in_form_order)
                            if isinstance(pair, list) and len(pair) == 2]}

    def said(self, field: str, value, names):
        """A value as a person reads it: a name, a date in French, a role in words."""
        if value is None or value == "" or value == []:
            return "—"
        if field in DAYS:
            try:
                return short_date(date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        lookups = {"site_id": names["sites"], "team_id": names["teams"],
                   "trainer_id": names["people"]}
        if field in lookups:
            return lookups[field].get(value, value)
        words = {"role": ROLE_WORDS, "language": LANGUAGE_WORDS, "activity": ACTIVITY_WORDS}
        if field in words and value in words[field]:
            return {"msgid": words[field][value]}
        if field == "activities" and isinstance(value, list):
            return {"msgids": [ACTIVITY_WORDS.get(a, a) for a in value]}
        if field == "route":
            return {"route": value}
        if field == "skill":        # a route's field validation, in words
            said = next((v for r in self.balise.routes for v in r.validations
                         if v["id"] == value), None)
            return {"skill": {"fr": said["fr"], "en": said["en"]}} if said else str(value)
        return str(value)


