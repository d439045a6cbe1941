"""The one action plan (issue 20, item 4): the list, a new action, one action.

``/balise/actions`` lists the actions a person may see (a trainer her site's, a
coordinator every site's), filtered by site, state, overdue and owner.
``/balise/actions/new`` is the form; a cause, a visit or a hazard report starts one
with ``?source=cause|visit|hazard&source_id=<id>&site=<site>&text=<suggested>`` and
``next=<a local address>`` to go back to once saved. ``/balise/actions/<id>``
changes it or marks it done. Checks are :mod:`balise.store.actions`'; another
site's action reads as a page that does not exist (404), and nothing is written.
``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import select

from balise.formats import date_words
from balise.progress.actions import overdue
from balise.store import actions as plan
from balise.store.admin import Invalid
from balise.store.models import Person, Site
from balise.store.records import ACTION_SOURCES, Action
from balise.web import exports
from balise.web.admin_forms import AdminPage
from balise.web.exports import Column
from balise.web.pages import require

SOURCE_WORDS = {"cause": ("Cause d'un accident", "Cause of an accident"),
                "visit": ("Visite de sécurité", "Safety visit"),
                "hazard": ("Signalement d'un danger", "Hazard report"),
                "committee": ("Réunion, comité", "Meeting, committee")}
STATES = {"open": ("À faire", "To do"), "done": ("Fait", "Done"), "all": ("Toutes", "All")}
LABELS = {"site_id": ("Site", "Site"), "source": ("Origine", "Where it comes from"),
          "text": ("L'action", "The action"), "owner_id": ("Qui s'en occupe", "Who does it"),
          "due_on": ("À faire pour le", "To do by")}
# The plan taken away (?format=csv|xlsx), with the page's filters.
DOWNLOAD = [Column("text", "L'action", "The action"),
            Column("source", "Origine", "Where it comes from"), Column("site", "Site", "Site"),
            Column("owner", "Qui s'en occupe", "Who does it"),
            Column("due_on", "À faire pour le", "To do by"), Column("state", "État", "State"),
            Column("done_on", "Faite le", "Done on"), Column("late", "En retard", "Overdue")]
NOTICES = {"saved": ("Action enregistrée.", "Action saved."),
           "done": ("Action marquée comme faite.", "Action marked as done."),
           "reopened": ("Action rouverte.", "Action opened again."),
           "unchanged": ("Rien n'a changé.", "Nothing changed.")}


def local(next_url: str, base_url: str) -> str | None:
    """``next`` when it is an address of this server under Balise, else None."""
    if next_url.startswith(f"{base_url}balise/") and "\\" not in next_url \
            and not next_url.startswith("//") and "\n" not in next_url:
        return next_url
    return None


def as_date(value) -> date | None:
    """A day read from a frame (a date, a Timestamp, a text or nothing) as a date."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


class ActionPage(AdminPage):
    """What the three pages share: the people's names, an action as a card."""

    def names(self) -> dict[str, str]:
        with self.balise.store.session() as s:
            return dict(s.execute(select(Person.id, Person.name)).all())

    def owners(self, site_id: str | None) -> list[tuple[str, str]]:
        """(id, name) of who may own an action of ``site_id``; every trainer with her site's
        name, for a coordinator who has not chosen a site yet."""
        with self.balise.store.session() as s:
            if site_id:
                return [(p.id, p.name) for p in plan.owners(s, site_id)]
            people = s.scalars(select(Person).where(
                Person.ended_on.is_(None), Person.role.in_(("trainer", "coordinator")))
                .order_by(Person.role.desc(), Person.name))
            sites = dict(s.execute(select(Site.id, Site.name)).all())
            return [(p.id, f"{p.name} — {sites[p.site_id]}" if p.role == "trainer"
                     and p.site_id in sites else p.name) for p in people]

    def card(self, row, names: dict, sites: dict, today: date) -> dict:
        due = row.due_on if isinstance(row.due_on, date) else date.fromisoformat(str(row.due_on))
        done = row.done_on if row.state == "done" else None
        return {"id": int(row.id), "text": row.text, "site": sites.get(row.site_id, ""),
                "owner": names.get(row.owner_id, row.owner_id), "source": SOURCE_WORDS.get(
                    row.source, SOURCE_WORDS["committee"]),
                "state": row.state, "due": date_words(due), "late": row.state == "open"
                and due < today, "done": date_words(done) if done is not None else None}


class ActionListHandler(ActionPage):
    """``/balise/actions``: the plan, most urgent first, with its filters."""

    @require("trainer", "coordinator")
    def get(self):
        today = date.today()
        sites = self.sites()
        site_names = {s.id: s.name for s in sites}
        site = self.get_argument("site", "") if self.coordinator else self.current_user.site
        site = site if site in site_names else ""
        state = self.get_argument("state", "open")
        state = state if state in STATES else "open"
        late_only = self.get_argument("overdue", "") == "1"
        owner = self.get_argument("owner", "")
        ctx = self.balise
        where = [Action.site_id.in_([site] if site else list(site_names))]
        every = ctx.store.frame(Action, *where)
        names = self.names()
        owner_choices = sorted({(o, names.get(o, o)) for o in every.owner_id},
                               key=lambda pair: pair[1])
        owner = owner if owner in dict(owner_choices) else ""
        shown = every
        if state != "all":
            shown = shown[shown.state == state]
        if late_only:
            shown = overdue(shown, today)
        if owner:
            shown = shown[shown.owner_id == owner]
        # The open ones most urgent first, then the done ones most recent first.
        shown = pd.concat([
            shown[shown.state == "open"].sort_values(["due_on", "id"], kind="stable"),
            shown[shown.state == "done"].sort_values(["done_on", "id"], ascending=False,
                                                     kind="stable")])
        cards = [self.card(r, names, site_names, today) for r in shown.itertuples()]
        if exports.asked(self):
            return exports.offer(self, "actions" + (f"-{site}" if site else ""), DOWNLOAD, [{
                "text": c["text"], "source": dict(zip(("fr", "en"), c["source"])),
                "site": c["site"], "owner": c["owner"], "due_on": as_date(r.due_on),
                "state": dict(zip(("fr", "en"), STATES.get(r.state, STATES["open"]))),
                "done_on": as_date(r.done_on) if r.state == "done" else None,
                "late": c["late"]} for c, r in zip(cards, shown.itertuples())])
        self.show("action_list.html", cards=cards, sites=sites if self.coordinator else [],
                  site=site, state=state, states=STATES, late_only=late_only, owner=owner,
                  owners=owner_choices, notice=NOTICES.get(self.get_argument("said", "")),
                  late_count=len(overdue(every, today)),
                  filters={**({"site": site} if site and self.coordinator else {}),
                           "state": state, **({"overdue": "1"} if late_only else {}),
                           **({"owner": owner} if owner else {})})


class ActionNewHandler(ActionPage):
    """``/balise/actions/new``: the form, prefilled from the address; the post records it."""

    def values(self) -> dict:
        out = {f: self.get_argument(f, "") for f in ("source", "source_id", "text", "owner_id",
                                                     "due_on")}
        out["site_id"] = (self.get_argument("site_id", "") or self.get_argument("site", "")
                          if self.coordinator else self.current_user.site)
        if out["source"] not in ACTION_SOURCES:
            out["source"] = "committee"
        return out

    def form(self, values: dict, errors: dict | None = None) -> None:
        self.set_status(400 if errors else 200)
        self.show("action_form.html", action=None, values=values, errors=errors or {},
                  labels=LABELS, sites=self.sites() if self.coordinator else [],
                  owners=self.owners(values["site_id"]), form_key=self.form_key(),
                  source_words=SOURCE_WORDS.get(values["source"]), today=date.today(),
                  next=local(self.get_argument("next", ""), self.base_url) or "", notice=None)

    def refuse_other_site(self) -> None:
        wanted = self.get_argument("site", "") or self.get_argument("site_id", "")
        if not self.coordinator and wanted and wanted != self.current_user.site:
            self.not_found()

    @require("trainer", "coordinator")
    def get(self):
        self.refuse_other_site()
        values = self.values()
        me = self.current_user.username
        if not values["owner_id"] and me in dict(self.owners(values["site_id"])):
            values["owner_id"] = me             # she starts it, she does it, unless she says
        self.form(values)

    @require("trainer", "coordinator")
    def post(self):
        self.refuse_other_site()
        values = self.values()
        try:
            action_id = plan.record_action(self.balise.store, self.current_user.username,
                                           values, today=date.today(),
                                           form_key=self.get_argument("form_key", ""))
        except Invalid as refused:
            return self.form(values, refused.errors)
        back = local(self.get_argument("next", ""), self.base_url)
        self.redirect(back or f"{self.base_url}balise/actions/{action_id}?said=saved",
                      status=303)


class ActionHandler(ActionPage):
    """``/balise/actions/<id>``: change it, mark it done, or open it again."""

    def action(self, action_id: str) -> Action:
        with self.balise.store.session() as s:
            action = s.get(Action, int(action_id)) if action_id.isdigit() \
                and len(action_id) < 10 else None
        if action is None or not self.may_act_on(action.site_id):
            self.not_found()
        return action

    def page(self, action: Action, values: dict | None = None,
             errors: dict | None = None) -> None:
        with self.balise.store.session() as s:
            link = plan.source_link(s, action.source, action.source_id)
        names = self.names()
        sites = {s.id: s.name for s in self.sites()}
        self.set_status(400 if errors else 200)
        self.show("action_form.html", action=self.card(action, names, sites, date.today()),
                  source_link=link, created=date_words(action.created_at.date()),
                  created_by=names.get(action.created_by, action.created_by),
                  values=values or {"text": action.text, "owner_id": action.owner_id,
                                    "due_on": action.due_on.isoformat()},
                  errors=errors or {}, labels=LABELS, owners=self.owners(action.site_id),
                  sites=[], form_key="", source_words=None, today=date.today(), next="",
                  notice=NOTICES.get(self.get_argument("said", "")))

    @require("trainer", "coordinator")
    def get(self, action_id: str):
        self.page(self.action(action_id))

    @require("trainer", "coordinator")
    def post(self, action_id: str):
        action = self.action(action_id)
        store, me, today = self.balise.store, self.current_user.username, date.today()
        what = self.get_argument("what", "edit")
        if what == "done":
            said = "done" if plan.mark_done(store, me, action.id, today) else "unchanged"
        elif what == "reopen":
            said = "reopened" if plan.reopen(store, me, action.id) else "unchanged"
        else:
            values = {f: self.get_argument(f, "") for f in ("text", "owner_id", "due_on")}
            try:
                changed = plan.edit_action(store, me, action.id, values, today)
            except Invalid as refused:
                return self.page(action, values, refused.errors)
            said = "saved" if changed else "unchanged"
        self.redirect(f"{self.base_url}balise/actions/{action.id}?{urlencode({'said': said})}",
                      status=303)


ROUTES: list = [
    (r"/balise/actions", ActionListHandler),
    (r"/balise/actions/new", ActionNewHandler),
    (r"/balise/actions/([^/]+)", ActionHandler),
]
