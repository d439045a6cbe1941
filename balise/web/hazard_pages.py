"""Hazard and near-miss reports by anyone, and their handling (issue 20, item 3).

Anyone signed in reports on her own site, learners first: a pictogram for the kind,
the place, an optional photo and line of text, in under a minute on a phone. The
site's trainer and the coordinators see the list, take a report in hand and close it
with an outcome, which the reporter reads on her page. The photo is theirs only: a
learner, even the one who sent it, reads "photo sent", never the picture.

Input is checked by :mod:`balise.store.hazards`; a refusal comes back as the form with
one plain message per field (400) and nothing written; after a save the browser goes
on (303), so a reload never posts twice.

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from sqlalchemy import select
from tornado import web

from balise.formats import date_time, date_words
from balise.store import hazards
from balise.store.admin import Invalid, NotFound
from balise.store.models import Person, Site
from balise.store.records import HAZARD_KINDS, HazardReport
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import require
from balise.web.trainer_tools import SitePage
from balise.web.uploads import StreamedForm
from balise.words import N_, word

KIND_WORDS = {"fall": N_("Fall"), "slip": N_("Slip"), "load": N_("Heavy load"),
              "vehicle": N_("Vehicle"), "fire": N_("Fire"), "electricity": N_("Electricity"),
              "chemical": N_("Chemical"), "other": N_("Other")}
STATE_WORDS = {"new": N_("New"), "in_hand": N_("In hand"), "closed": N_("Closed")}
# What the reporter reads of her own report's state: "sent", until someone takes it.
HER_STATE_WORDS = {**STATE_WORDS, "new": N_("Sent")}
FILTER_WORDS = {"open": N_("To handle"), **STATE_WORDS, "all": N_("All")}
FILTERS = tuple(FILTER_WORDS)
UPLOAD_CEILING = 64 * 2**20     # bytes read (and dropped past the limit) before a plain 413
FORM_SLACK = 64 * 1024          # the form's own bytes beside the photo
# The list taken away (?format=csv|xlsx), with its state filter; never the photo itself.
DOWNLOAD = [Column("when", "Envoyé le", "Sent on"), Column("site", "Site", "Site"),
            Column("kind", "Danger", "Hazard"), Column("place", "Lieu", "Place"),
            Column("text", "Ce qu'elle a vu", "What was seen"),
            Column("state", "État", "State"), Column("outcome", "Ce qui a été fait", "Outcome"),
            Column("reporter", "Signalé par", "Reported by"),
            Column("photo", "Avec une photo", "With a photo")]
NOTICES = {"taken": N_("Taken in hand."), "closed": N_("Closed: the reporter sees the outcome."),
           "already": N_("Already recorded.")}


def kind_words(kind: str) -> dict[str, str]:
    return word(KIND_WORDS.get(kind, "Other"))


def state_words(state: str) -> dict[str, str]:
    return word(STATE_WORDS.get(state, "New"))


@web.stream_request_body
class HazardFormHandler(StreamedForm, SitePage):
    """The report's form, for anyone signed in, on her own site; then a thank-you.

    The body is streamed, as the people import's (:mod:`balise.web.admin_import`): a
    photo past the limit is read and dropped, so that the page says it is too large
    (the server's own body limit would cut the connection with an empty 400). The XSRF
    token is checked once the body is read, with the form's fields.
    """

    ceiling = UPLOAD_CEILING

    @property
    def photo_most(self) -> int:
        """``c.Balise.hazard_photo_mb`` in bytes: the one limit the page and the store use."""
        return self.balise.config.hazard_photo_mb * 2**20

    @property
    def body_most(self) -> int:
        return self.photo_most + FORM_SLACK

    def render(self, values: dict | None = None, errors: dict | None = None,
               status: int = 400) -> None:
        sites = self.sites() if self.current_user.role == "coordinator" else []
        site = self.site(sites)
        self.set_status(status if errors else 200)
        self.show("hazard_form.html", sites=sites, site=site,
                  kinds=[(k, kind_words(k)) for k in HAZARD_KINDS],
                  places=[t.name for t in self.teams(site)] if site else [],
                  values=values or {}, errors=errors or {},
                  sent=self.get_argument("said", "") == "sent" and not errors,
                  form_key=self.get_argument("form_key", "") or secrets.token_urlsafe(24))

    @require("learner", "trainer", "coordinator")
    def get(self):
        self.render()

    @require("learner", "trainer", "coordinator")
    def post(self):
        if self.too_big():
            return self.render({}, {"photo": word(
                "Photo too large: {most} MB at most.",
                most=self.balise.config.hazard_photo_mb)}, 413)
        uploaded = self.read_form()
        sites = self.sites() if self.current_user.role == "coordinator" else []
        site = self.site(sites)
        values = {k: self.get_argument(k, "") for k in ("kind", "place", "text")}
        upload = (uploaded.get("photo") or [None])[0]
        photo = upload["body"] if upload and upload["body"] else None
        if site is None:
            return self.render(values, {"place": word("You have no site: ask your trainer.")})
        try:
            hazards.report(self.balise.store, self.balise.config.data_path,
                           self.current_user.username, site, values, photo,
                           form_key=self.get_argument("form_key", ""),
                           photo_most=self.photo_most)
        except Invalid as refused:
            self.log.info("Hazard report refused for %s: %s", self.current_user.username,
                          refused)
            return self.render(values, refused.errors)
        query = {"said": "sent", **({"site": site} if sites else {})}
        self.redirect(f"{self.base_url}balise/hazards/new?{urlencode(query)}", status=303)


class HazardListHandler(SitePage):
    """The site's reports for its trainer and the coordinators, filtered by state."""

    @require("trainer", "coordinator")
    def get(self):
        sites = self.sites() if self.current_user.role == "coordinator" else []
        site = self.site(sites)
        wanted = self.get_argument("state", "open")
        wanted = wanted if wanted in FILTERS else "open"
        download = exports.asked(self)      # every report the filter keeps, not 200
        rows = hazards.site_reports(self.balise.store, site, limit=None if download
                                    else 200) if site else []
        counts = {f: sum(1 for r in rows if shown(r, f)) for f in FILTERS}
        rows = [r for r in rows if shown(r, wanted)]
        names = people_names(self.balise.store, {r.reporter_id for r in rows})
        if download:
            site_name = next((x.name for x in sites if x.id == site), None) if sites \
                else self.site_name(site)
            return exports.offer(self, f"hazards-{site}-{wanted}", DOWNLOAD, [{
                "when": r.created_at, "site": site_name, "kind": kind_words(r.kind),
                "place": r.place, "text": r.text, "state": state_words(r.state),
                "outcome": r.outcome, "reporter": names.get(r.reporter_id, ""),
                "photo": bool(r.photo)} for r in rows])
        self.show("hazard_list.html", sites=sites, site=site, wanted=wanted, counts=counts,
                  filters=[(f, word(FILTER_WORDS[f])) for f in FILTERS],
                  cards=[card(r, names) for r in rows],
                  download_query={"state": wanted, **({"site": site} if sites else {})})

    def site_name(self, site: str | None) -> str:
        with self.balise.store.session() as s:
            return s.scalar(select(Site.name).where(Site.id == site)) or ""


def shown(row: HazardReport, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "open":
        return row.state != "closed"
    return row.state == wanted


def people_names(store, ids: set) -> dict[str, str]:
    with store.session() as s:
        return {p.id: p.name for p in s.scalars(select(Person).where(Person.id.in_(
            {i for i in ids if i})))}


def card(row: HazardReport, names: dict[str, str]) -> dict:
    """A report as a page shows it to the trainer: words, not ids."""
    return {"id": row.id, "kind": row.kind, "kind_words": kind_words(row.kind),
            "place": row.place, "text": row.text, "photo": bool(row.photo),
            "state": row.state, "state_words": state_words(row.state),
            "outcome": row.outcome, "when": date_time(row.created_at),
            "reporter": names.get(row.reporter_id, ""),
            "handler": names.get(row.handled_by, "")}


class HazardPage(SitePage):
    """One report, for its site's trainer or a coordinator; anyone else is refused (403)."""

    def report(self, report_id: str) -> HazardReport:
        try:
            row = hazards.get(self.balise.store, int(report_id))
        except NotFound:
            raise web.HTTPError(404) from None
        if not self.may_act_on(row.site_id):
            raise web.HTTPError(403)
        return row


class HazardHandler(HazardPage):
    """A report: take it in hand, close it with an outcome, start an action."""

    def render(self, row: HazardReport, errors: dict | None = None, outcome: str = ""):
        names = people_names(self.balise.store, {row.reporter_id, row.handled_by})
        said = self.get_argument("said", "")
        here = f"{self.base_url}balise/hazards/{row.id}"
        action = {"source": "hazard", "source_id": row.id, "site": row.site_id,
                  "text": f"{kind_words(row.kind)['fr']} — {row.place}"
                          + (f" : {row.text}" if row.text else ""), "next": here}
        self.set_status(400 if errors else 200)
        self.show("hazard_report.html", report=card(row, names), errors=errors or {},
                  outcome=outcome or row.outcome,
                  notice=word(NOTICES[said]) if said in NOTICES and not errors else None,
                  action_url=f"{self.base_url}balise/actions/new?{urlencode(action)}")

    @require("trainer", "coordinator")
    def get(self, report_id):
        self.render(self.report(report_id))

    @require("trainer", "coordinator")
    def post(self, report_id):
        row = self.report(report_id)
        step = self.get_argument("step", "")
        store, me = self.balise.store, self.current_user.username
        try:
            if step == "take":
                said = "taken" if hazards.take_in_hand(store, me, row.id) else "already"
            elif step == "close":
                said = ("closed" if hazards.close(store, me, row.id,
                                                  self.get_argument("outcome", ""))
                        else "already")
            else:
                raise Invalid({"state": word("Action not allowed here.")})
        except Invalid as refused:
            self.log.info("Hazard %s step %s refused for %s: %s", row.id, step, me, refused)
            return self.render(hazards.get(store, row.id), refused.errors,
                               self.get_argument("outcome", ""))
        self.redirect(f"{self.base_url}balise/hazards/{row.id}?said={said}", status=303)


class HazardPhotoHandler(HazardPage):
    """A report's photo, for its site's trainer and the coordinators only; never kept by
    a browser or a proxy (no-store)."""

    @require("trainer", "coordinator")
    def get(self, report_id):
        row = self.report(report_id)
        path = hazards.photo_path(self.balise.config.data_path, row.photo or "")
        if path is None or not path.is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", "image/jpeg")
        self.set_header("Cache-Control", "no-store, private")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(path.read_bytes())


def reports_for_her(store, reporter: str) -> list[dict]:
    """Her latest reports as her page shows them: kind, place, state, outcome once closed."""
    return [{"id": r.id, "kind_words": kind_words(r.kind), "place": r.place,
             "state": r.state, "state_words": word(HER_STATE_WORDS.get(r.state, "Sent")),
             "outcome": r.outcome if r.state == "closed" else "",
             "photo": bool(r.photo), "day": date_words(r.created_at.date())}
            for r in hazards.reports_of(store, reporter)]


ROUTES = [
    (r"/balise/hazards", HazardListHandler),
    (r"/balise/hazards/new", HazardFormHandler),
    (r"/balise/hazards/([0-9]{1,10})", HazardHandler),
    (r"/balise/hazards/([0-9]{1,10})/photo", HazardPhotoHandler),
]
