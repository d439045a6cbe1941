"""Accidents and their cause trees (issue 20, item 1): the list, the form, the analysis.

A trainer records and analyses her own site's accidents; a coordinator every
site's; a learner none (403). Another site's accident reads as a page that does
not exist (404). Checks and the trail are :mod:`balise.store.accidents`'s; the
tree's drawing and its text version are :mod:`balise.progress.cause_tree`'s.

``/balise/accidents/<id>`` holds five small forms (``do=``): the follow-up
(lost time, days lost, the declaration's date), a fact added (and, if chosen,
linked to the fact it caused), a link between two facts, a link removed, a fact
removed. A refusal shows the page again with its words beside the form (400),
nothing written; a save goes back to the page (303), so a reload posts nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlencode

from sqlalchemy import func, select
from tornado import web

from balise.formats import date_words, month_words
from balise.progress.cause_tree import layout, numbers, text_version
from balise.store import accidents as store
from balise.store.admin import Invalid, NotFound
from balise.store.models import Person, Site
from balise.store.programme import Accident, Team
from balise.store.records import FACT_KINDS, Action, CauseFact
from balise.web import exports
from balise.web.admin_forms import ACTIVITY_WORDS, AdminPage
from balise.web.exports import Column
from balise.web.pages import require
from balise.words import N_, word

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
SHOWN = 100                 # accidents listed at most; a month shows the others
LABELS = {"on": N_("Date"), "at": N_("Time"), "site_id": N_("Site"), "team_id": N_("Team"),
          "activity": N_("Activity"), "person_id": N_("Person hurt"),
          "what_happened": N_("What happened"), "first_aid": N_("First aid given"),
          "lost_time": N_("Lost time"), "days_lost": N_("Days lost"),
          "declared_on": N_("Declaration sent on"), "module_id": N_("Module to take again"),
          "kind": N_("What the fact is about"), "text": N_("The fact"),
          "effect_id": N_("It caused"), "cause_id": N_("Caused by")}
KIND_WORDS = {"injury": N_("Injury"), "who": N_("Person"), "task": N_("Task"),
              "equipment": N_("Equipment"), "environment": N_("Surroundings")}
KIND_HINTS = {"injury": N_("The injury: what hurt, where on the body."),
              "who": N_("The person: trained or new, tired, alone..."),
              "task": N_("The task: what she was doing, how, in a hurry..."),
              "equipment": N_("The equipment: tool, machine, protective gear..."),
              "environment": N_("The surroundings: floor, light, noise, space...")}
# How the trail page may say these pages' lines (its KINDS and FIELDS are the lead's to extend).
TRAIL_KINDS = {"accident.add": N_("Accident recorded"),
               "accident.edit": N_("Accident followed up"), "cause.add": N_("Cause fact added"),
               "cause.remove": N_("Cause fact removed"), "cause.link": N_("Cause linked"),
               "cause.unlink": N_("Cause link removed")}
TRAIL_FIELDS = {"at": N_("Time"), "person_id": N_("Person hurt"),
                "what_happened": N_("What happened"), "first_aid": N_("First aid given"),
                "lost_time": N_("Lost time"), "days_lost": N_("Days lost"),
                "declared_on": N_("Declaration sent on"), "module_id": N_("Module to take again"),
                "kind": N_("What the fact is about"), "text": N_("The fact"),
                "effect": N_("It caused"), "cause": N_("Caused by")}
NOTICES = {"saved": N_("Saved."), "unchanged": N_("Nothing changed."),
           "fact": N_("Fact added."), "linked": N_("Link added."),
           "already": N_("Already recorded."), "unlinked": N_("Link removed."),
           "removed": N_("Fact removed."), "gone": N_("Already removed.")}
# The list taken away (?format=csv|xlsx): every accident the filters keep, typed.
DOWNLOAD = [Column("on", "Date", "Date"), Column("at", "Heure", "Time"),
            Column("site", "Site", "Site"), Column("team", "Équipe", "Team"),
            Column("activity", "Activité", "Activity"),
            Column("person", "Personne blessée", "Person hurt"),
            Column("what", "Ce qui s'est passé", "What happened"),
            Column("first_aid", "Premiers secours", "First aid given"),
            Column("lost_time", "Arrêt de travail", "Lost time"),
            Column("days_lost", "Jours d'arrêt", "Days lost"),
            Column("declared_on", "Déclaration envoyée le", "Declaration sent on"),
            Column("due", "Déclarer avant", "Declare before"),
            Column("facts", "Faits de l'analyse", "Facts of the analysis"),
            Column("module", "Module à refaire", "Module to take again")]


def activity_word(activity: str) -> dict:
    return word(ACTIVITY_WORDS[activity]) if activity in ACTIVITY_WORDS else \
        {"fr": activity, "en": activity}


class AccidentPage(AdminPage):
    """What the three pages share: whose site, the names to show, the modules to link."""

    @property
    def own_site(self) -> str | None:
        """None for a coordinator (every site); the trainer's own site otherwise."""
        return None if self.coordinator else self.current_user.site

    def modules(self) -> dict[str, object]:
        return dict(self.balise.catalogue)

    def names(self, model, ids) -> dict:
        ids = {i for i in ids if i}
        if not ids:
            return {}
        with self.balise.store.session() as s:
            return dict(s.execute(select(model.id, model.name).where(model.id.in_(ids))).all())

    def notice(self) -> dict | None:
        said = self.get_argument("said", "")
        return word(NOTICES[said]) if said in NOTICES else None


def declaration(accident: Accident, now: datetime) -> dict:
    """Where the declaration stands: ``sent`` (on time or ``late``), or not yet, with the
    moment the 48 hours run out and whether they have."""
    due = store.declaration_due(accident.on, accident.at)
    sent = accident.declared_on
    return {"due": due, "due_day": date_words(due.date()), "due_time": due.strftime("%H:%M"),
            "sent": date_words(sent) if sent else None,
            "late": (sent > due.date()) if sent else now > due}


class AccidentsHandler(AccidentPage):
    """``/balise/accidents``: the accidents, latest first, by site and month."""

    @require("trainer", "coordinator")
    def get(self):
        sites = self.sites()
        site = self.get_argument("site", "") if self.coordinator else self.current_user.site
        if site and site not in {s.id for s in sites}:
            site = ""
        month = self.get_argument("month", "")
        month = month if MONTH.fullmatch(month) else ""
        where = [Accident.site_id == site] if site else []
        if month:
            first = date.fromisoformat(f"{month}-01")
            after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            where += [Accident.on >= first, Accident.on < after]
        download = exports.asked(self)      # every accident the filters keep, not 100
        with self.balise.store.session() as s:
            rows = list(s.scalars(select(Accident).where(*where).order_by(
                Accident.on.desc(), Accident.at.desc(), Accident.id.desc()).limit(
                None if download else SHOWN + 1)))
            counts = dict(s.execute(select(CauseFact.accident_id, func.count()).where(
                CauseFact.accident_id.in_([a.id for a in rows])).group_by(
                CauseFact.accident_id)).all())
        more, rows = len(rows) > SHOWN, rows[:SHOWN]
        site_names = {s.id: s.name for s in sites}
        teams = self.names(Team, [a.team_id for a in rows])
        people = self.names(Person, [a.person_id for a in rows])
        if download:
            modules = self.modules()
            return exports.offer(self, "accidents" + (f"-{site}" if site else "")
                                 + (f"-{month}" if month else ""), DOWNLOAD, [{
                "on": a.on, "at": a.at, "site": site_names.get(a.site_id, a.site_id),
                "team": teams.get(a.team_id), "activity": activity_word(a.activity),
                "person": people.get(a.person_id), "what": a.what_happened,
                "first_aid": a.first_aid, "lost_time": bool(a.lost_time),
                "days_lost": a.days_lost, "declared_on": a.declared_on,
                "due": store.declaration_due(a.on, a.at), "facts": counts.get(a.id, 0),
                "module": modules[a.module_id].title if a.module_id in modules else None}
                for a in rows])
        now = datetime.now()
        cards = [{"id": a.id, "day": date_words(a.on), "at": a.at, "site": site_names.get(
                      a.site_id, a.site_id), "team": teams.get(a.team_id),
                  "person": people.get(a.person_id), "activity": activity_word(a.activity),
                  "what": a.what_happened, "lost_time": a.lost_time, "days": a.days_lost,
                  "declaration": declaration(a, now), "facts": counts.get(a.id, 0)}
                 for a in rows]
        today = date.today()
        months = [f"{today.year - (today.month - 1 - k < 0)}-"
                  f"{(today.month - 1 - k) % 12 + 1:02d}" for k in range(24)]
        self.show("accidents.html", cards=cards, more=more, sites=sites, site=site,
                  month=month, months=[(m, month_words(m)) for m in months],
                  notice=self.notice(), filters={**({"site": site} if site and self.coordinator
                                                    else {}), **({"month": month} if month
                                                                 else {})})


class AccidentFormHandler(AccidentPage):
    """``/balise/accidents/new``: record an accident. A coordinator picks the site first
    (``?site=``), so the form lists that site's teams and people only."""

    def render(self, site: Site | None, values: dict, errors: dict | None = None) -> None:
        self.set_status(400 if errors else 200)
        teams = [(t.id, (t.name, t.name)) for t in self.teams([site.id])] if site else []
        with self.balise.store.session() as s:
            people = [(pid, (name, name)) for pid, name in s.execute(
                select(Person.id, Person.name).where(
                    Person.site_id == site.id, Person.ended_on.is_(None)).order_by(
                    Person.name))] if site else []
        self.show("accident_form.html", sites=self.sites(), site=site, values=values,
                  errors=errors or {}, labels=LABELS, teams=teams, people=people,
                  activities=[(a, activity_word(a)) for a in
                              (site.activity_list if site else [])],
                  modules=sorted(((m.id, m.title) for m in self.modules().values()),
                                 key=lambda m: m[1]["fr"]),
                  today=date.today().isoformat(), form_key=self.form_key())

    def chosen_site(self, site_id: str) -> Site | None:
        """The site the form is for: a coordinator's choice (None: she picks one first);
        a trainer's own site, whatever was posted."""
        sites = self.sites()
        if not self.coordinator:
            return next(iter(sites), None)
        return next((s for s in sites if s.id == site_id), None)

    @require("trainer", "coordinator")
    def get(self):
        wanted = self.get_argument("site", "") if self.coordinator else self.current_user.site
        self.render(self.chosen_site(wanted), {"on": date.today().isoformat()})

    @require("trainer", "coordinator")
    def post(self):
        values = self.posted(*store.FIELDS)
        site_id = values["site_id"]
        with self.balise.store.session() as s:
            exists = s.get(Site, site_id) is not None if site_id else False
        if exists and not self.may_act_on(site_id):
            raise web.HTTPError(403)
        me = self.current_user.username
        try:
            accident_id = store.record_accident(
                self.balise.store, me, values, modules=self.modules(), own_site=self.own_site,
                form_key=self.get_argument("form_key", ""))
        except Invalid as refused:
            self.log.info("Accident form refused for %s: %s", me, refused)
            return self.render(self.chosen_site(site_id), values, refused.errors)
        self.redirect(f"{self.base_url}balise/accidents/{accident_id}?said=saved", status=303)


class AccidentHandler(AccidentPage):
    """``/balise/accidents/<id>``: the accident, its follow-up and its cause tree."""

    def load(self, accident_id: int) -> Accident:
        try:
            with self.balise.store.session() as s:
                return store.accident(s, accident_id, self.own_site)
        except NotFound:
            raise web.HTTPError(404) from None

    def render(self, accident: Accident, errors: dict | None = None, form: str = "",
               values: dict | None = None) -> None:
        self.set_status(400 if errors else 200)
        facts, links = store.tree(self.balise.store, accident.id)
        number = numbers(facts)
        site = self.names(Site, [accident.site_id]).get(accident.site_id, accident.site_id)
        module = self.modules().get(accident.module_id) if accident.module_id else None
        back = f"{self.base_url}balise/accidents/{accident.id}"
        with self.balise.store.session() as s:
            started: dict[int, list[dict]] = {}
            for action in s.scalars(select(Action).where(
                    Action.source == "cause", Action.source_id.in_(list(number)))
                    .order_by(Action.id)):
                started.setdefault(action.source_id, []).append(
                    {"id": action.id, "text": action.text, "done": action.state == "done"})
        fact_rows = [{"id": int(r.id), "number": number[int(r.id)], "kind": r.kind,
                      "text": r.text, "started": started.get(int(r.id), []),
                      "action": None if r.kind == "injury" else
                      f"{self.base_url}balise/actions/new?" + urlencode({
                          "source": "cause", "source_id": int(r.id), "site": accident.site_id,
                          "text": r.text, "next": back})}
                     for r in facts.sort_values("id").itertuples()]
        link_rows = sorted(({"effect": int(r.effect_id), "cause": int(r.cause_id),
                             "effect_n": number[int(r.effect_id)],
                             "cause_n": number[int(r.cause_id)]}
                            for r in links.itertuples()),
                           key=lambda k: (k["effect_n"], k["cause_n"]))
        self.show("accident.html", a=accident, site=site,
                  team=self.names(Team, [accident.team_id]).get(accident.team_id),
                  person=self.names(Person, [accident.person_id]).get(accident.person_id),
                  activity=activity_word(accident.activity), day=date_words(accident.on),
                  module=module, declaration=declaration(accident, datetime.now()),
                  drawing=layout(facts, links), items=text_version(facts, links),
                  facts=fact_rows, links=link_rows, kinds=[(k, KIND_WORDS[k], KIND_HINTS[k])
                                                           for k in FACT_KINDS],
                  kind_words=KIND_WORDS, labels=LABELS, errors=errors or {}, form=form,
                  values=values or {}, today=date.today().isoformat(),
                  form_key=self.form_key(), notice=None if errors else self.notice(),
                  notice_at="top" if self.get_argument("said", "") in ("saved", "unchanged")
                  else "tree")

    @require("trainer", "coordinator")
    def get(self, accident_id: str):
        self.render(self.load(int(accident_id)))

    @require("trainer", "coordinator")
    def post(self, accident_id: str):
        accident = self.load(int(accident_id))
        do = self.get_argument("do", "")
        ctx, me, own = self.balise.store, self.current_user.username, self.own_site
        values = self.posted("lost_time", "days_lost", "declared_on", "kind", "text",
                             "effect_id", "cause_id", "fact_id")
        try:
            if do == "follow-up":
                said = "saved" if store.follow_up(ctx, me, accident.id, values, own_site=own) \
                    else "unchanged"
                anchor = "follow-up"
            elif do == "add-fact":
                store.add_fact(ctx, me, accident.id, values, own_site=own,
                               form_key=self.get_argument("form_key", ""))
                said, anchor = "fact", "tree"
            elif do == "link":
                said = "linked" if store.link(ctx, me, accident.id, values["effect_id"],
                                              values["cause_id"], own_site=own) else "already"
                anchor = "tree"
            elif do == "unlink":
                said = "unlinked" if store.unlink(ctx, me, accident.id, values["effect_id"],
                                                  values["cause_id"], own_site=own) else "gone"
                anchor = "tree"
            elif do == "remove-fact":
                said = "removed" if store.remove_fact(ctx, me, accident.id, values["fact_id"],
                                                      own_site=own) else "gone"
                anchor = "tree"
            else:
                raise web.HTTPError(400)
        except NotFound:
            raise web.HTTPError(404) from None
        except Invalid as refused:
            self.log.info("Accident %s: %s refused for %s: %s", accident.id, do, me, refused)
            return self.render(self.load(accident.id), refused.errors, do, values)
        self.redirect(f"{self.base_url}balise/accidents/{accident.id}?said={said}#{anchor}",
                      status=303)


ROUTES = [
    (r"/balise/accidents", AccidentsHandler),
    (r"/balise/accidents/new", AccidentFormHandler),
    (r"/balise/accidents/([0-9]{1,10})", AccidentHandler),
]
