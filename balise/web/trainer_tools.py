"""What the trainer's pages share: the site worked on, its teams, refusals, undo.

Each tool (:mod:`balise.web.trainer_forms`) is one short form for a phone, and the
group page (:mod:`balise.web.trainer_group`) one list of cards. A trainer works on
her own site; a coordinator on any site, picked with ``?site=``. Input is checked
here, at the edge: a bad form comes back with a plain bilingual message (400),
another site's team or learner is refused (403), and in both cases nothing is
written. After a save the browser is sent back to the form (303), so reloading
the page never posts twice.

A record made by mistake can be undone on the day it was recorded. The store
keeps no time of recording on a warm-up or a validation; the trail does (see
:func:`balise.store.admin.trail`): each save writes a line there, and the undo
reads it.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from balise import BaliseError
from balise.formats import percent
from balise.store.admin import _write as write_trail
from balise.store.models import Site, TrailEntry
from balise.store.programme import Team
from balise.web.pages import Page, require
from balise.words import N_, word

DAYS_BACK = 31          # a record may be entered late, up to a month after the day
TOPIC_LENGTH = (3, 200)
NOTE_LENGTH = 500

# What a save says, by the key the form's address carries back (``?said=saved``).
NOTICES = {"saved": N_("Saved."), "updated": N_("Already recorded: updated."),
           "already": N_("Already recorded."), "again": N_("Signed off again."),
           "undone": N_("Undone."), "already-undone": N_("Already undone.")}


class Refused(BaliseError):
    """A form refused: ``words`` ({fr, en}, from :func:`balise.words.word`) say why to the
    person, ``status`` is the HTTP code; the message (English) goes to the log."""

    def __init__(self, words: dict[str, str], status: int = 400):
        super().__init__(words["en"])
        self.words, self.status = words, status


class AskFirst(Refused):
    """Nothing written yet: the page asks first (``words``), then the same form posted again
    with ``confirm=yes`` is recorded. ``details`` is what the question is about."""

    def __init__(self, words: dict[str, str], details: list):
        super().__init__(words, 200)
        self.details = details


def bad_date() -> Refused:
    """The refusal of a date out of reach, which says how far back one may go."""
    return Refused(word("Fix the date: today or within the last {days} days.", days=DAYS_BACK))


def parse_day(raw: str, today: date) -> date:
    """A date from ``<input type="date">``: today or up to :data:`DAYS_BACK` days before."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise bad_date() from None
    if not today - timedelta(days=DAYS_BACK) <= day <= today:
        raise bad_date()
    return day


def parse_topic(raw: str) -> str:
    """The topic with its spaces tidied, so a double click or a stray space is the same topic."""
    topic = " ".join(raw.split())
    if not TOPIC_LENGTH[0] <= len(topic) <= TOPIC_LENGTH[1]:
        raise Refused(word("Write the topic ({least} to {most} characters).",
                           least=TOPIC_LENGTH[0], most=TOPIC_LENGTH[1]))
    return topic


def failed_questions(rates: pd.DataFrame, catalogue: dict) -> list[dict]:
    """The questions failed, those most people got wrong first, in words: {prompt ({fr,
    en}), module (its title), rate (percent, whole), percent ("38 %"), answered and wrong
    (people)}. Most people first, not the highest share: one wrong answer out of two is
    not the group's problem that four out of ten are.

    ``rates`` comes from :func:`balise.progress.failure_rates`; questions nobody
    failed, or no longer in the catalogue, are left out: a page never shows an id.
    """
    failed = rates[rates.failure_rate > 0]
    failed = failed.assign(wrong=(failed.failure_rate * failed.answered).round().astype(int))
    out = []
    for row in failed.sort_values(["wrong", "failure_rate"], ascending=False,
                                  kind="stable").itertuples():
        module = catalogue.get(row.module)
        item = module and (module.question(row.question) or module.scenario(row.question))
        if item:
            out.append({"prompt": item.prompt, "module": module.title,
                        "rate": round(100 * row.failure_rate),
                        "percent": percent(row.failure_rate), "answered": int(row.answered),
                        "wrong": int(row.wrong)})
    return out


def topic_suggestions(rates: pd.DataFrame, catalogue: dict, limit: int = 5) -> list[dict]:
    """The most failed questions as topics for a quarter-hour: {fr, en, rate, percent}."""
    return [{"fr": q["prompt"]["fr"][:TOPIC_LENGTH[1]], "en": q["prompt"]["en"],
             "rate": q["rate"], "percent": q["percent"]}
            for q in failed_questions(rates, catalogue)[:limit]]


# -- Undo, through the trail ------------------------------------------------------------

def day_started(today: date) -> datetime:
    """The start of ``today`` on this server's clock, as the trail keeps moments (UTC)."""
    return datetime.combine(today, time()).astimezone(timezone.utc).replace(tzinfo=None)


def recorded_today(entry: TrailEntry | None, kind: str, today: date) -> bool:
    """``entry``, the last line about a record, says it was recorded (``kind``) today."""
    return entry is not None and entry.kind == kind and entry.at >= day_started(today)


def changes(entry: TrailEntry) -> dict[str, list]:
    """A trail line's ``{field: [before, after]}``."""
    return json.loads(entry.changes or "{}")


def trail_lines(s: Session, *where, since: datetime | None = None) -> list[TrailEntry]:
    """The trail's lines that match, oldest first; ``since``: those written after it."""
    query = select(TrailEntry).where(*where).order_by(TrailEntry.id)
    if since is not None:
        query = query.where(TrailEntry.at >= since)
    return list(s.scalars(query))


class SitePage(Page):
    """A trainer page about one site: the trainer's own, or the coordinator's choice."""

    def sites(self) -> list[Site]:
        with self.balise.store.session() as s:
            return list(s.scalars(select(Site).order_by(Site.name)))

    def site(self, sites: list[Site]) -> str | None:
        """The trainer's own site; the coordinator's ``?site=``, else her own, else the first."""
        user = self.current_user
        if user.role != "coordinator":
            return user.site
        ids = [site.id for site in sites]
        wanted = self.get_argument("site", "") or user.site
        return wanted if wanted in ids else next(iter(ids), None)

    def may_act_on(self, site_id: str | None) -> bool:
        user = self.current_user
        return user.role == "coordinator" or (site_id is not None and site_id == user.site)

    def teams(self, site: str | None) -> list[Team]:
        with self.balise.store.session() as s:
            return list(s.scalars(select(Team).where(Team.site_id == site).order_by(Team.name)))


class TrainerTool(SitePage):
    """What the three tools share: the form, its refusals, the notice after a save, undo.

    A post records (:meth:`record`), unless it carries ``undo`` (what to take back:
    :meth:`undo`) or ``action=show``, which only shows the form again for what was
    picked (the team, the person), for a browser without JavaScript.
    """

    template = ""

    def team(self, team_id: str) -> Team:
        """The team posted, if this person may record for it; else :class:`Refused`."""
        with self.balise.store.session() as s:
            team = s.get(Team, team_id) if team_id else None
        if team is None:
            raise Refused(word("Choose a team from the list."))
        if not self.may_act_on(team.site_id):
            raise Refused(word("This team is not on your site."), 403)
        return team

    def render(self, refusal: Refused | None = None, posted: bool = False) -> None:
        """The tool's page; after a refusal, with its words and status, and the form as posted."""
        sites = self.sites() if self.current_user.role == "coordinator" else []
        site = self.site(sites)
        said = self.get_argument("said", "")
        self.set_status(refusal.status if refusal else 200)
        today = date.today()
        ns = self.namespace(site, posted)
        notice = ns.pop("notice", None) or (word(NOTICES[said]) if said in NOTICES else None)
        asked = refusal if isinstance(refusal, AskFirst) else None
        self.show(self.template, sites=sites, site=site, today=today.isoformat(),
                  earliest=(today - timedelta(days=DAYS_BACK)).isoformat(),
                  error=refusal.words if refusal and not asked else None, asked=asked,
                  notice=notice if not refusal else None, **ns)

    def namespace(self, site: str | None, posted: bool) -> dict:
        """What the tool's template needs for ``site`` besides the shared parts; a
        ``notice`` ({fr, en}) in it replaces the one of ``?said=``."""
        raise NotImplementedError

    def done(self, said: str, site: str, **query: str) -> None:
        """Back to the form with a notice: reloading it never posts again."""
        self.redirect(f"{self.request.path}?{urlencode({'said': said, 'site': site, **query})}",
                      status=303)

    @require("trainer", "coordinator")
    def get(self):
        self.render()

    @require("trainer", "coordinator")
    def post(self):
        if self.get_argument("action", "") == "show":
            return self.render(posted=True)
        try:
            said, site, query = self.undo() if self.get_argument("undo", "") else self.record()
        except Refused as refusal:
            self.log.info("%s refused for %s: %s", self.request.path,
                          self.current_user.username, refusal)
            return self.render(refusal, posted=True)
        self.done(said, site, **query)

    def record(self) -> tuple[str, str, dict[str, str]]:
        """Check the form and write it: (notice key, site, query to come back to)."""
        raise NotImplementedError

    def undo(self) -> tuple[str, str, dict[str, str]]:
        """Take back the record named by ``undo``, if made today; answers as :meth:`record`."""
        raise Refused(word("Action not allowed here."))

    def trail(self, s: Session, kind: str, **about) -> None:
        """One line of the trail for what this tool just wrote (``about``: person, site,
        team, changes), in the same transaction."""
        write_trail(s, self.current_user.username, kind, **about)
