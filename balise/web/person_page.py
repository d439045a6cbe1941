"""A page per person, for her trainer and the coordinators: where she stands, all in one place.

Her route and its state, each module (score, date, attempts, expiry), her field
validations (by whom, when), certificates, refreshers due, the quarter-hours she
attended and her team's warm-ups. Every figure comes from the functions her own
landing page uses (:meth:`balise.context.BaliseContext.status`, ``journey``,
``scores``, ``due_refreshers``; :func:`balise.progress.tables.attempts_count`),
never computed a second way. A trainer sees her own site's learners only; anyone
else, or an id that does not exist, is a page that does not exist. Each opening is
written to the trail: the data is sensitive.
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import pandas as pd
from sqlalchemy import select

from balise.formats import date_time, date_words, decimal, percent, short_date
from balise.progress.certificates import certificates_of
from balise.progress.routes import route_for
from balise.progress.tables import attempts_count
from balise.store import admin, badges
from balise.store.models import Person, Site
from balise.store.programme import Attendance, FieldValidation, QuarterHour, Team, WarmUp
from balise.web import exports
from balise.web.admin_forms import LANGUAGE_WORDS, ROLE_WORDS, AdminPage
from balise.web.exports import Column
from balise.web.pages import module_state, require

RECENT = 6          # quarter-hours and warm-ups listed; the count says how many in all
# Her page's lists taken away (?table=...&format=csv|xlsx), typed; the quarter-hours all of them.
DOWNLOADS = {
    "modules": [Column("module", "Module", "Module"),
                Column("on_route", "Sur son parcours", "On her route"),
                Column("state", "État", "State"), Column("passed_on", "Réussi le", "Passed on"),
                Column("expires_on", "Valable jusqu'au", "Valid until"),
                Column("score", "Note", "Score"), Column("max_score", "Sur", "Out of"),
                Column("share", "Part réussie", "Share right"),
                Column("last", "Dernier envoi", "Last handed in"),
                Column("attempts", "Essais", "Attempts")],
    "validations": [Column("skill", "Validation sur le terrain", "Field validation"),
                    Column("by", "Par", "By"), Column("on", "Le", "On"),
                    Column("note", "Remarque", "Note")],
    "certificates": [Column("title", "Certificat", "Certificate"),
                     Column("code", "Code", "Code"),
                     Column("issued_on", "Délivré le", "Issued on"),
                     Column("valid_until", "Valable jusqu'au", "Valid until"),
                     Column("state", "État", "State")],
    "quarter-hours": [Column("on", "Date", "Date"), Column("topic", "Sujet", "Topic"),
                      Column("team", "Équipe", "Team")],
}
CERTIFICATE_STATES = {"valid": {"fr": "Valable", "en": "Valid"},
                      "expired": {"fr": "Expiré", "en": "Expired"}}


def day(value) -> date | None:
    """A day from a frame (a date, a Timestamp, NaT or nothing) as a date or None."""
    if value is None or pd.isna(value):
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def moment(value) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value


class PersonPageHandler(AdminPage):
    """``/balise/person/<id>``."""

    def person(self, person_id: str) -> Person:
        person = self.balise.store.person(person_id)
        if person is None or not (self.coordinator or (
                person.role == "learner" and person.site_id == self.current_user.site)):
            self.not_found()
        return person

    @require("trainer", "coordinator")
    def get(self, person_id: str):
        person = self.person(person_id)
        admin.record_view(self.balise.store, self.current_user.username, person.id)
        today = date.today()
        ns = {"person": person, "facts": self.facts(person), "modules": [], "others": [],
              "journey": None, "validations": [], "signed": {}, "certificates": [],
              "refreshers": [],
              "quarter_hours": [], "quarter_all": [], "warm_ups": None, "badge": None,
              "notice": self.notice()}
        if person.role == "learner":
            ns.update(self.progress(person, today))
            ns["badge"] = self.badge(person)
        ns.update(self.attendance(person))
        if exports.asked(self):
            table = self.get_argument("table", "")
            if table not in DOWNLOADS:
                return exports.refuse_format(self)
            return exports.offer(self, f"{table}-{person.id}", DOWNLOADS[table],
                                 self.download_rows(table, ns))
        self.show("person.html", **ns)

    @staticmethod
    def download_rows(table: str, ns: dict) -> list[dict]:
        """The rows of one of her page's lists, typed."""
        if table == "modules":
            return [{**m["raw"], "module": m["title"], "on_route": on_route,
                     "state": m["state"]["words"], "attempts": m["attempts"]}
                    for on_route, lines in ((True, ns["modules"]), (False, ns["others"]))
                    for m in lines]
        if table == "validations":
            return [{"skill": v["skill"], "by": v["by"], "on": v["day"], "note": v["note"]}
                    for v in ns["validations"]]
        if table == "certificates":
            return [{**c, "state": CERTIFICATE_STATES.get(c["state"], c["state"])}
                    for c in ns["certificates"]]
        return ns["quarter_all"]

    def facts(self, person: Person) -> dict:
        with self.balise.store.session() as s:
            site = s.get(Site, person.site_id) if person.site_id else None
            team = s.get(Team, person.team_id) if person.team_id else None
            trainer = s.get(Person, person.trainer_id) if person.trainer_id else None
        route = route_for(self.balise.routes, person.activity)
        return {"role": ROLE_WORDS.get(person.role), "site": site.name if site else None,
                "team": team.name if team else None, "route": route.title if route else None,
                "language": LANGUAGE_WORDS.get(person.language),
                "start": date_words(person.placement_start) if person.placement_start else None,
                "end": date_words(person.placement_end) if person.placement_end else None,
                "ended": date_words(person.ended_on) if person.ended_on else None,
                "trainer": trainer.name if trainer else None}

    def progress(self, person: Person, today: date) -> dict:
        ctx, pid = self.balise, person.id
        attempts = ctx.attempts(pid)
        grades = ctx.grades(attempts, learner=pid)
        people = ctx.store.frame(Person, Person.id == pid)
        status, _ = ctx.status(today, attempts, people, grades)
        journey = ctx.journey(pid, today, status, people)
        scores = ctx.scores(grades, attempts)
        scores = scores[scores.learner == pid].set_index("module")
        counts = attempts_count(attempts)
        counts = counts[counts.learner == pid].set_index("module")
        mine = status[status.learner == pid].set_index("module")

        def line(module_id: str) -> dict:
            row = mine.loc[module_id] if module_id in mine.index else None
            score = scores.loc[module_id] if module_id in scores.index else None
            return {"id": module_id, "title": ctx.catalogue[module_id].title,
                    "state": module_state(None if row is None else SimpleNamespace(
                        status=row.status, passed_on=row.passed_on,
                        expires_on=row.expires_on)),
                    "score": None if score is None else
                    f"{decimal(score.score)} / {decimal(score.max_score)}",
                    "percent": None if score is None else percent(score.percent / 100),
                    "date": None if score is None else date_time(score.date),
                    "attempts": int(counts.loc[module_id, "attempts"])
                    if module_id in counts.index else 0,
                    "raw": {"passed_on": day(None if row is None else row.passed_on),
                            "expires_on": day(None if row is None else row.expires_on),
                            "score": None if score is None else float(score.score),
                            "max_score": None if score is None else float(score.max_score),
                            "share": None if score is None else float(score.percent) / 100,
                            "last": None if score is None else moment(score.date)}}

        on_route = list(journey.route.modules) if journey is not None else []
        modules = [line(m) for m in on_route if m in ctx.catalogue]
        others = [line(m) for m in ctx.catalogue if m not in on_route
                  and m in mine.index and mine.loc[m, "status"] != "not_started"]
        route = journey.route if journey is not None else None
        with ctx.store.session() as s:
            names = dict(s.execute(select(Person.id, Person.name)).all())
            signed = list(s.scalars(select(FieldValidation).where(
                FieldValidation.learner_id == pid).order_by(FieldValidation.on.desc())))
        validations = [{"id": v.skill, "skill": (route.skill(v.skill) if route else None) or
                        {"fr": v.skill, "en": v.skill},
                        "by": names.get(v.trainer_id, v.trainer_id), "on": date_words(v.on),
                        "day": v.on,
                        "note": v.note} for v in signed]
        due = ctx.due_refreshers(pid, today, grades, attempts, people)
        refreshers = [{"module": ctx.catalogue[r.module].title, "reason": r.reason,
                       "since": date_words(r.due_on)}
                      for r in due.itertuples() if r.module in ctx.catalogue]
        return {"journey": journey, "modules": modules, "others": others,
                "validations": validations, "signed": {v["id"]: v for v in validations},
                "refreshers": refreshers,
                "certificates": [{**c, "issued": date_words(c["issued_on"]),
                                  "until": date_words(c["valid_until"])}
                                 for c in certificates_of(ctx.store, pid, ctx.routes, today)]}

    def badge(self, person: Person) -> dict:
        """Her badge in use: when it was printed and by whom (never its code)."""
        badge = badges.active(self.balise.store, person.id)
        if badge is None:
            return {"active": False}
        by = self.balise.store.person(badge.issued_by)
        return {"active": True, "on": date_words(badge.issued_at.date()),
                "by": by.name if by else badge.issued_by}

    def attendance(self, person: Person) -> dict:
        """The quarter-hours she was ticked present at, and her team's warm-ups since she came."""
        with self.balise.store.session() as s:
            quarter = s.execute(
                select(QuarterHour.on, QuarterHour.topic, Team.name)
                .join(Attendance, Attendance.quarter_hour_id == QuarterHour.id)
                .join(Team, Team.id == QuarterHour.team_id)
                .where(Attendance.person_id == person.id)
                .order_by(QuarterHour.on.desc())).all()
            warm = []
            if person.team_id:
                query = select(WarmUp.on).where(WarmUp.team_id == person.team_id)
                if person.placement_start:
                    query = query.where(WarmUp.on >= person.placement_start)
                if person.ended_on:
                    query = query.where(WarmUp.on <= person.ended_on)
                warm = list(s.scalars(query.order_by(WarmUp.on.desc())))
        return {"quarter_hours": [{"on": short_date(on), "topic": topic, "team": team}
                                  for on, topic, team in quarter[:RECENT]],
                "quarter_all": [{"on": on, "topic": topic, "team": team}
                                for on, topic, team in quarter],
                "quarter_count": len(quarter),
                "warm_ups": {"count": len(warm), "recent": [short_date(d) for d in warm[:RECENT]]}
                if person.team_id else None}
