"""Trainer tools for a phone: a quarter-hour's attendance, a warm-up, a field validation.

Each page is one short form. A trainer works on her own site; a coordinator
on any site, picked with ``?site=``. Input is checked here, at the edge: a
bad form comes back with a plain bilingual message (400), another site's
team or learner is refused (403), and in both cases nothing is written.
After a save the browser is sent back to the form (303), so reloading the
page never posts twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from balise import BaliseError
from balise.formats import date_words, percent, short_date
from balise.progress.routes import route_for
from balise.store.models import Person, Site
from balise.store.programme import Attendance, FieldValidation, QuarterHour, Team, WarmUp
from balise.web.pages import Page, require
from balise.words import N_, word

DAYS_BACK = 31          # a record may be entered late, up to a month after the day
TOPIC_LENGTH = (3, 200)
NOTE_LENGTH = 500

# What a save says, by the key the form's address carries back (``?said=saved``).
NOTICES = {"saved": N_("Saved."), "updated": N_("Already recorded: updated."),
           "already": N_("Already recorded.")}


class Refused(BaliseError):
    """A form refused: ``words`` ({fr, en}, from :func:`balise.words.word`) say why to the
    person, ``status`` is the HTTP code; the message (English) goes to the log."""

    def __init__(self, words: dict[str, str], status: int = 400):
        super().__init__(words["en"])
        self.words, self.status = words, status


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


def topic_suggestions(rates: pd.DataFrame, catalogue: dict, limit: int = 5) -> list[dict]:
    """The most failed questions, worst first, as {fr, en, rate (percent), percent ("75 %")}.

    ``rates`` comes from :func:`balise.progress.failure_rates`; questions
    nobody failed, or no longer in the catalogue, are left out.
    """
    out = []
    failed = rates[rates.failure_rate > 0].sort_values(["failure_rate", "answered"],
                                                       ascending=False, kind="stable")
    for row in failed.itertuples():
        module = catalogue.get(row.module)
        item = module and (module.question(row.question) or module.scenario(row.question))
        if item:
            out.append({"fr": item.prompt["fr"][:TOPIC_LENGTH[1]], "en": item.prompt["en"],
                        "rate": round(100 * row.failure_rate),
                        "percent": percent(row.failure_rate)})
        if len(out) == limit:
            break
    return out


class TrainerTool(Page):
    """What the three tools share: the site worked on, its teams and people, refusals."""

    template = ""

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
        self.show(self.template, sites=sites, site=site, today=today.isoformat(),
                  earliest=(today - timedelta(days=DAYS_BACK)).isoformat(),
                  error=refusal.words if refusal else None,
                  notice=word(NOTICES[said]) if said in NOTICES and not refusal else None,
                  **self.namespace(site, posted))

    def namespace(self, site: str | None, posted: bool) -> dict:
        """What the tool's template needs for ``site`` besides the shared parts."""
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
        try:
            said, site, query = self.record()
        except Refused as refusal:
            self.log.info("%s refused for %s: %s", self.request.path,
                          self.current_user.username, refusal)
            return self.render(refusal, posted=True)
        self.done(said, site, **query)

    def record(self) -> tuple[str, str, dict[str, str]]:
        """Check the form and write it: (notice key, site, query to come back to)."""
        raise NotImplementedError


class QuarterHourHandler(TrainerTool):
    """A team's safety quarter-hour: everyone ticked at first, the trainer unticks the absent.

    The same team, day and topic (spaces tidied) are the same quarter-hour:
    posting it again (a double click, a correction) keeps one row and sets its
    attendance to the people ticked this time. The row is looked up before it
    is written, in one transaction; handlers run one at a time on the server's
    event loop, so two clicks cannot interleave. Several server processes on
    one database would need a unique constraint on (team_id, on, topic).
    """

    template = "trainer_quarter_hour.html"

    def namespace(self, site, posted):
        ctx = self.balise
        teams = self.teams(site)
        wanted = self.get_argument("team", "")
        team = next((t for t in teams if t.id == wanted), teams[0] if teams else None)
        members, recent = [], []
        with ctx.store.session() as s:
            learners = list(s.scalars(select(Person.id).where(
                Person.site_id == site, Person.role == "learner")))
            if team is not None:
                members = list(s.scalars(select(Person).where(Person.team_id == team.id)
                                         .order_by(Person.name)))
                recent = [(short_date(on), topic, present) for on, topic, present in s.execute(
                    select(QuarterHour.on, QuarterHour.topic, func.count(Attendance.person_id))
                    .outerjoin(Attendance, Attendance.quarter_hour_id == QuarterHour.id)
                    .where(QuarterHour.team_id == team.id).group_by(QuarterHour.id)
                    .order_by(QuarterHour.on.desc(), QuarterHour.id.desc()).limit(5))]
        rates = ctx.progress.failure_rates(ctx.grades(), learners)
        return {"teams": teams, "team": team, "members": members, "recent": recent,
                "suggestions": topic_suggestions(rates, ctx.catalogue),
                "on": self.get_argument("on", ""), "topic": self.get_argument("topic", ""),
                "ticked": set(self.get_arguments("attendee")) if posted else None}

    def record(self):
        team = self.team(self.get_argument("team", ""))
        on = parse_day(self.get_argument("on", ""), date.today())
        topic = parse_topic(self.get_argument("topic", ""))
        present = set(self.get_arguments("attendee"))
        if not present:
            raise Refused(word("Tick at least one person present."))
        with self.balise.store.session() as s:
            members = set(s.scalars(select(Person.id).where(Person.team_id == team.id)))
            if not present <= members:
                raise Refused(word("A person ticked is not in this team."))
            quarter = s.scalars(select(QuarterHour).where(
                QuarterHour.team_id == team.id, QuarterHour.on == on,
                QuarterHour.topic == topic)).first()
            if quarter is None:
                quarter = QuarterHour(team_id=team.id, on=on, topic=topic,
                                      trainer_id=self.current_user.username)
                s.add(quarter)
                s.flush()                       # its id, for the attendance rows
                had, said = set(), "saved"
            else:
                had = set(s.scalars(select(Attendance.person_id).where(
                    Attendance.quarter_hour_id == quarter.id)))
                said = "already" if had == present else "updated"
                s.execute(delete(Attendance).where(Attendance.quarter_hour_id == quarter.id,
                                                   Attendance.person_id.in_(had - present)))
            s.add_all(Attendance(quarter_hour_id=quarter.id, person_id=person)
                      for person in sorted(present - had))
        return said, team.site_id, {"team": team.id}


class WarmUpHandler(TrainerTool):
    """A team's daily warm-up: one tap per team; the table keeps one per team and day."""

    template = "trainer_warm_up.html"

    def namespace(self, site, posted):
        teams = self.teams(site)
        with self.balise.store.session() as s:
            done = set(s.scalars(select(WarmUp.team_id).where(
                WarmUp.team_id.in_([t.id for t in teams]), WarmUp.on == date.today())))
        return {"teams": teams, "done_today": done, "on": self.get_argument("on", "")}

    def record(self):
        team = self.team(self.get_argument("team", ""))
        on = parse_day(self.get_argument("on", ""), date.today())
        try:
            with self.balise.store.session() as s:
                s.add(WarmUp(team_id=team.id, on=on, trainer_id=self.current_user.username))
        except IntegrityError:
            self.log.info("Warm-up of team %s on %s was already recorded", team.id, on)
            return "already", team.site_id, {}
        return "saved", team.site_id, {}


class ValidationHandler(TrainerTool):
    """A field validation signed off: a skill of the learner's route, seen done right.

    One per learner and skill: signing it off again updates its date, note
    and trainer (the latest observation counts).
    """

    template = "trainer_validation.html"

    def learner(self, learner_id: str) -> tuple[Person, list[dict[str, str]]]:
        """The learner, if this person may sign for her, and the validations of her route."""
        person = self.balise.store.person(learner_id) if learner_id else None
        if person is None or person.role != "learner":
            raise Refused(word("Choose a person from the list."))
        if not self.may_act_on(person.site_id):
            raise Refused(word("This person is not on your site."), 403)
        route = route_for(self.balise.routes, person.activity)
        return person, route.validations if route else []

    def namespace(self, site, posted):
        with self.balise.store.session() as s:
            teams = {t.id: t.name for t in s.scalars(select(Team).where(Team.site_id == site))}
            learners = list(s.scalars(select(Person).where(
                Person.site_id == site, Person.role == "learner").order_by(Person.name)))
        groups: dict[str, list[Person]] = {}
        for person in learners:
            groups.setdefault(teams.get(person.team_id, ""), []).append(person)
        wanted = self.get_argument("learner", "")
        chosen = next((p for p in learners if p.id == wanted), None)
        route = route_for(self.balise.routes, chosen.activity) if chosen else None
        skills, signed = route.validations if route else [], {}
        if chosen is not None:
            with self.balise.store.session() as s:
                # The day each skill was signed off, in words: "déjà validé le 3 décembre 2026".
                signed = {v.skill: date_words(v.on) for v in s.scalars(
                    select(FieldValidation).where(FieldValidation.learner_id == chosen.id))}
        return {"groups": sorted(groups.items()), "chosen": chosen, "skills": skills,
                "signed": signed, "on": self.get_argument("on", ""),
                "skill": self.get_argument("skill", ""), "note": self.get_argument("note", "")}

    def record(self):
        person, skills = self.learner(self.get_argument("learner", ""))
        skill = self.get_argument("skill", "")
        if skill not in {v["id"] for v in skills}:
            raise Refused(word("Choose a validation of her route."))
        on = parse_day(self.get_argument("on", ""), date.today())
        note = self.get_argument("note", "").strip()
        if len(note) > NOTE_LENGTH:
            raise Refused(word("Note too long: {most} characters at most.", most=NOTE_LENGTH))
        with self.balise.store.session() as s:
            signed = s.scalars(select(FieldValidation).where(
                FieldValidation.learner_id == person.id, FieldValidation.skill == skill)).first()
            if signed is None:
                s.add(FieldValidation(learner_id=person.id, skill=skill, on=on, note=note,
                                      trainer_id=self.current_user.username))
                said = "saved"
            else:
                signed.on, signed.note = on, note
                signed.trainer_id = self.current_user.username
                said = "updated"
        return said, person.site_id, {"learner": person.id}

