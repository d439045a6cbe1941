"""The trainer's three forms for a phone: a quarter-hour's attendance, a warm-up, a field
validation. What they share (the site, refusals, undo) is :mod:`balise.web.trainer_tools`.

No form records for something its page did not show: the team (or the person)
picked travels with the one whose list was shown (``shown``); when they differ,
for a browser without JavaScript, the page shows the one picked and writes
nothing. With JavaScript the page shows it at once (``static/trainer.js``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from balise.formats import date_words, short_date
from balise.progress.routes import route_for
from balise.store.models import Person, TrailEntry
from balise.store.programme import Attendance, FieldValidation, QuarterHour, Team, WarmUp
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import require
from balise.web.trainer_tools import (
    DAYS_BACK,
    NOTE_LENGTH,
    AskFirst,
    Refused,
    TrainerTool,
    changes,
    day_started,
    parse_day,
    parse_topic,
    recorded_today,
    topic_suggestions,
    trail_lines,
)
from balise.words import word


def about(line: TrailEntry, field: str) -> str | None:
    """What a trail line of a record is about (its day, its skill): the value it was given,
    or, for an undo, the one it had."""
    before, after = changes(line).get(field, [None, None])
    return after or before


def validation_days(lines: list[TrailEntry], on: date) -> list[str]:
    """The days (ISO) a skill was signed off for her, oldest first, those undone left out.

    ``lines`` are the trail's lines about it, oldest first; ``on`` is the day its row
    holds now. A row signed off before the trail kept these (or seeded) starts it.
    """
    days: list[str] = []
    for line in lines:
        before, after = changes(line).get("on", [None, None])
        if line.kind == "validation.add":
            days = days or ([before] if before else [])
            days.append(after)
        elif days:
            days.pop()
    return days or [on.isoformat()]


def kept(signed: FieldValidation | None) -> dict[str, str | None]:
    """What the trail keeps of a validation (skill, day, note, trainer); None when none."""
    if signed is None:
        return dict.fromkeys(("skill", "on", "note", "trainer_id"))
    return {"skill": signed.skill, "on": signed.on.isoformat(), "note": signed.note,
            "trainer_id": signed.trainer_id}


def trail_changes(before: dict, after: dict) -> dict[str, list]:
    """``{field: [before, after]}`` for each field, changed or not: the skill and the day
    say which validation a line is about."""
    return {k: [before[k], after[k]] for k in after}


class QuarterHourHandler(TrainerTool):
    """A team's safety quarter-hour: everyone ticked at first, the trainer unticks the absent.

    The same team, day and topic (spaces tidied) are the same quarter-hour:
    posting it again (a double click, a correction) keeps one row and sets its
    attendance to the people ticked this time. Another topic for a team that
    already had its quarter-hour that day is asked first (:class:`AskFirst`),
    and recorded once the trainer confirms. The row is looked up before it is
    written, in one transaction; handlers run one at a time on the server's
    event loop, so two clicks cannot interleave. Several server processes on
    one database would need a unique constraint on (team_id, on, topic).
    """

    template = "trainer_quarter_hour.html"
    # The team's quarter-hours taken away (?team=&format=csv|xlsx): all of them, not 5.
    DOWNLOAD = [Column("on", "Date", "Date"), Column("topic", "Sujet", "Topic"),
                Column("team", "Équipe", "Team"),
                Column("present", "Personnes présentes", "People present")]

    @require("trainer", "coordinator")
    def get(self):
        if not exports.asked(self):
            return self.render()
        sites = self.sites() if self.current_user.role == "coordinator" else []
        teams = self.teams(self.site(sites))
        wanted = self.get_argument("team", "")
        team = next((t for t in teams if t.id == wanted), teams[0] if teams else None)
        rows = []
        if team is not None:
            with self.balise.store.session() as s:
                rows = [{"on": on, "topic": topic, "team": team.name, "present": present}
                        for on, topic, present in s.execute(
                            select(QuarterHour.on, QuarterHour.topic,
                                   func.count(Attendance.person_id))
                            .outerjoin(Attendance, Attendance.quarter_hour_id == QuarterHour.id)
                            .where(QuarterHour.team_id == team.id).group_by(QuarterHour.id)
                            .order_by(QuarterHour.on.desc(), QuarterHour.id.desc()))]
        return exports.offer(self, "quarter-hours" + (f"-{team.id}" if team else ""),
                             self.DOWNLOAD, rows)

    def namespace(self, site, posted):
        ctx = self.balise
        teams = self.teams(site)
        wanted = self.get_argument("team", "")
        team = next((t for t in teams if t.id == wanted), teams[0] if teams else None)
        members, recent = [], []
        with ctx.store.session() as s:
            learners = list(s.scalars(select(Person.id).where(
                Person.site_id == site, Person.role == "learner", Person.ended_on.is_(None))))
            if team is not None:
                members = list(s.scalars(select(Person).where(
                    Person.team_id == team.id, Person.ended_on.is_(None))
                    .order_by(Person.name)))
                recent = [(short_date(on), topic, present) for on, topic, present in s.execute(
                    select(QuarterHour.on, QuarterHour.topic, func.count(Attendance.person_id))
                    .outerjoin(Attendance, Attendance.quarter_hour_id == QuarterHour.id)
                    .where(QuarterHour.team_id == team.id).group_by(QuarterHour.id)
                    .order_by(QuarterHour.on.desc(), QuarterHour.id.desc()).limit(5))]
        rates = ctx.progress.failure_rates(ctx.grades(learners=learners), learners)
        # The ticks posted count only for the team whose list they were ticked on.
        same_list = posted and team is not None and self.get_argument("shown", "") == team.id
        return {"teams": teams, "team": team, "members": members, "recent": recent,
                "suggestions": topic_suggestions(rates, ctx.catalogue),
                "on": self.get_argument("on", ""), "topic": self.get_argument("topic", ""),
                "ticked": set(self.get_arguments("attendee")) if same_list else None}

    def record(self):
        team = self.team(self.get_argument("team", ""))
        if self.get_argument("shown", "") != team.id:
            raise Refused(word("Here is the list of {team}: check who is present, then save.",
                               team=team.name), 409)
        on = parse_day(self.get_argument("on", ""), date.today())
        topic = parse_topic(self.get_argument("topic", ""))
        present = set(self.get_arguments("attendee"))
        if not present:
            raise Refused(word("Tick at least one person present."))
        with self.balise.store.session() as s:
            members = set(s.scalars(select(Person.id).where(Person.team_id == team.id,
                                                            Person.ended_on.is_(None))))
            if not present <= members:
                raise Refused(word("A person ticked is not in this team."))
            that_day = list(s.scalars(select(QuarterHour).where(
                QuarterHour.team_id == team.id, QuarterHour.on == on)
                .order_by(QuarterHour.id)))
            quarter = next((q for q in that_day if q.topic == topic), None)
            if quarter is None and that_day and self.get_argument("confirm", "") != "yes":
                raise AskFirst(word("{team} already had a quarter-hour on {day}. "
                                    "Record a second one?", team=team.name, day=date_words(on)),
                               [(q.topic, self.present(s, q)) for q in that_day])
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

    @staticmethod
    def present(s, quarter: QuarterHour) -> int:
        return s.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.quarter_hour_id == quarter.id))


class WarmUpHandler(TrainerTool):
    """A team's daily warm-up: one tap per team; the table keeps one per team and day.

    A warm-up recorded today, for today or a day before, can be undone today.
    """

    template = "trainer_warm_up.html"

    def namespace(self, site, posted):
        teams = self.teams(site)
        names = {t.id: t.name for t in teams}
        today = date.today()
        with self.balise.store.session() as s:
            done = set(s.scalars(select(WarmUp.team_id).where(
                WarmUp.team_id.in_(names), WarmUp.on == today)))
            kept = {(w.team_id, w.on.isoformat()) for w in s.scalars(select(WarmUp).where(
                WarmUp.team_id.in_(names), WarmUp.on >= today - timedelta(days=DAYS_BACK)))}
            lines = trail_lines(s, TrailEntry.kind == "warm-up.add", TrailEntry.site_id == site,
                                since=day_started(today))
        undoable, seen = [], set()
        for line in reversed(lines):            # the latest first
            key = (line.team_id, about(line, "on"))
            if key in kept and key not in seen:
                seen.add(key)
                undoable.append({"team": line.team_id, "name": names.get(line.team_id, ""),
                                 "on": key[1], "day": date_words(date.fromisoformat(key[1]))})
        return {"teams": teams, "done_today": done, "on": self.get_argument("on", ""),
                "undoable": undoable}

    def record(self):
        team = self.team(self.get_argument("team", ""))
        on = parse_day(self.get_argument("on", ""), date.today())
        try:
            with self.balise.store.session() as s:
                s.add(WarmUp(team_id=team.id, on=on, trainer_id=self.current_user.username))
                s.flush()
                self.trail(s, "warm-up.add", site=team.site_id, team=team.id,
                           changes={"on": [None, on.isoformat()]})
        except IntegrityError:
            self.log.info("Warm-up of team %s on %s was already recorded", team.id, on)
            return "already", team.site_id, {}
        return "saved", team.site_id, {}

    def undo(self):
        team = self.team(self.get_argument("team", ""))
        on = parse_day(self.get_argument("undo", ""), date.today())
        with self.balise.store.session() as s:
            warm_up = s.scalars(select(WarmUp).where(WarmUp.team_id == team.id,
                                                     WarmUp.on == on)).first()
            if warm_up is None:
                return "already-undone", team.site_id, {}
            lines = [line for line in trail_lines(s, TrailEntry.team_id == team.id,
                                                  TrailEntry.kind.like("warm-up.%"))
                     if about(line, "on") == on.isoformat()]
            if not recorded_today(lines[-1] if lines else None, "warm-up.add", date.today()):
                raise Refused(word("Too late to undo: only on the day it was recorded."))
            s.delete(warm_up)
            self.trail(s, "warm-up.undo", site=team.site_id, team=team.id,
                       changes={"on": [on.isoformat(), None]})
        return "undone", team.site_id, {}


class ValidationHandler(TrainerTool):
    """A field validation signed off: a skill of the learner's route, seen done right.

    One row per learner and skill: signing it off again updates its date, note and
    trainer (the latest observation counts), and the page then says when it was first
    signed off; each day stays in the trail (``validation.add``, its ``on`` before and
    after). The latest signing, made today, can be undone: the row goes back to what it
    was, or goes if it was the first.
    """

    template = "trainer_validation.html"

    def learner(self, learner_id: str) -> tuple[Person, list[dict[str, str]]]:
        """The learner, if this person may sign for her, and the validations of her route."""
        person = self.balise.store.person(learner_id) if learner_id else None
        if person is None or person.role != "learner" or person.archived:
            raise Refused(word("Choose a person from the list."))
        if not self.may_act_on(person.site_id):
            raise Refused(word("This person is not on your site."), 403)
        route = route_for(self.balise.routes, person.activity)
        return person, route.validations if route else []

    @staticmethod
    def signed(s, learner: str, skill: str) -> FieldValidation | None:
        return s.scalars(select(FieldValidation).where(
            FieldValidation.learner_id == learner, FieldValidation.skill == skill)).first()

    def history(self, s, learner: str) -> dict[str, list[TrailEntry]]:
        """Her validations' lines in the trail, by skill, oldest first."""
        out: dict[str, list[TrailEntry]] = {}
        for line in trail_lines(s, TrailEntry.person_id == learner,
                                TrailEntry.kind.like("validation.%")):
            out.setdefault(about(line, "skill"), []).append(line)
        return out

    def namespace(self, site, posted):
        today = date.today()
        with self.balise.store.session() as s:
            teams = {t.id: t.name for t in s.scalars(select(Team).where(Team.site_id == site))}
            learners = list(s.scalars(select(Person).where(
                Person.site_id == site, Person.role == "learner", Person.ended_on.is_(None))
                .order_by(Person.name)))
        groups: dict[str, list[Person]] = {}
        for person in learners:
            groups.setdefault(teams.get(person.team_id, ""), []).append(person)
        wanted = self.get_argument("learner", "")
        chosen = next((p for p in learners if p.id == wanted), None)
        route = route_for(self.balise.routes, chosen.activity) if chosen else None
        skills, signed, notice = route.validations if route else [], {}, None
        if chosen is not None:
            with self.balise.store.session() as s:
                history = self.history(s, chosen.id)
                for v in s.scalars(select(FieldValidation).where(
                        FieldValidation.learner_id == chosen.id)):
                    lines = history.get(v.skill, [])
                    first = validation_days(lines, v.on)[0]
                    # "déjà validé le 3 décembre 2026 (première fois le 12 mars 2026)"
                    signed[v.skill] = {
                        "day": date_words(v.on),
                        "first": date_words(date.fromisoformat(first))
                        if first != v.on.isoformat() else None,
                        "undo": recorded_today(lines[-1] if lines else None, "validation.add",
                                               today)}
            again = signed.get(self.get_argument("done", ""))
            if self.get_argument("said", "") == "again" and again:
                notice = word("Signed off again. First signed off on {first}.",
                              first=again["first"]) if again["first"] else None
        # A skill is ticked again only on the form posted back for the same person.
        same = not posted or self.get_argument("shown", "") == wanted
        return {"groups": sorted(groups.items()), "chosen": chosen, "skills": skills,
                "signed": signed, "notice": notice, "on": self.get_argument("on", ""),
                "skill": self.get_argument("skill", "") if same else "",
                "note": self.get_argument("note", "") if same else "",
                "undoable": [v for v in skills if signed.get(v["id"], {}).get("undo")]}

    def record(self):
        person, skills = self.learner(self.get_argument("learner", ""))
        if self.get_argument("shown", "") != person.id:
            raise Refused(word("Here is the route of {name}: choose the skill, then sign off.",
                               name=person.name), 409)
        skill = self.get_argument("skill", "")
        if skill not in {v["id"] for v in skills}:
            raise Refused(word("Choose a validation of her route."))
        on = parse_day(self.get_argument("on", ""), date.today())
        note = self.get_argument("note", "").strip()
        if len(note) > NOTE_LENGTH:
            raise Refused(word("Note too long: {most} characters at most.", most=NOTE_LENGTH))
        with self.balise.store.session() as s:
            signed = self.signed(s, person.id, skill)
            had, said = kept(signed), "saved" if signed is None else "again"
            if signed is None:
                signed = FieldValidation(learner_id=person.id, skill=skill)
                s.add(signed)
            signed.on, signed.note, signed.trainer_id = on, note, self.current_user.username
            self.trail(s, "validation.add", person=person.id, site=person.site_id,
                       team=person.team_id, changes=trail_changes(had, kept(signed)))
        return said, person.site_id, {"learner": person.id, "done": skill}

    def undo(self):
        # The undo button is the shown person's, whatever the list says now.
        person, _ = self.learner(self.get_argument("shown", ""))
        skill = self.get_argument("undo", "")
        with self.balise.store.session() as s:
            lines = self.history(s, person.id).get(skill, [])
            signed = self.signed(s, person.id, skill)
            last = lines[-1] if lines else None
            if signed is None or (last is not None and last.kind == "validation.undo"):
                return "already-undone", person.site_id, {"learner": person.id}
            if not recorded_today(last, "validation.add", date.today()):
                raise Refused(word("Too late to undo: only on the day it was recorded."))
            had = kept(signed)
            was = {k: before for k, (before, _) in changes(last).items()}
            if was.get("on") is None:                  # her first: it goes
                s.delete(signed)
                now = kept(None)
            else:
                signed.on, signed.note = date.fromisoformat(was["on"]), was.get("note") or ""
                signed.trainer_id = was.get("trainer_id") or signed.trainer_id
                now = kept(signed)
            self.trail(s, "validation.undo", person=person.id, site=person.site_id,
                       team=person.team_id, changes=trail_changes(had, now))
        return "undone", person.site_id, {"learner": person.id}
