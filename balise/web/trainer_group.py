"""The trainer's group on a phone: one card per learner, what each must do next.

Learners who have not begun come first, then those on their way, then those whose
route is certified (folded). Each card says where she stands on her route and
her next step, from :func:`balise.progress.group.group` (her route progress, the
one her own landing page shows). Below, the questions the group fails most, in
words, to choose the next quarter-hour. A filter by team narrows both.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from balise.formats import date_words, since_words
from balise.progress.group import STAGES, Member, group
from balise.progress.tables import current, failure_rates
from balise.store.actions import overdue_actions
from balise.store.hazards import waiting
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import require
from balise.web.trainer_tools import SitePage, failed_questions

SHOWN_QUESTIONS = 3     # the worst questions in sight; the others folded below them
# The two tables of the page, to take away (?download=group|questions&format=csv|xlsx).
STAGE_WORDS = {"not_started": ("Pas encore commencé", "Not started yet"),
               "in_progress": ("En cours", "On their way"),
               "complete": ("Parcours certifié", "Route certified")}
GROUP = [Column("name", "Nom", "Name"), Column("team", "Équipe", "Team"),
         Column("stage", "Où elle en est", "Where she stands"),
         Column("modules_done", "Modules réussis", "Modules passed"),
         Column("modules", "Modules du parcours", "Modules of the route"),
         Column("validations_done", "Validations faites", "Validations done"),
         Column("validations", "Validations du parcours", "Validations of the route"),
         Column("next", "Prochaine étape", "Next step"),
         Column("last_attempt", "Dernier envoi", "Last handed in")]
QUESTIONS = [Column("share", "Part qui se trompe", "Share wrong"),
             Column("wrong", "Personnes qui se trompent", "People wrong"),
             Column("answered", "Personnes qui ont répondu", "People who answered"),
             Column("question", "Question", "Question"), Column("module", "Module", "Module")]


class TrainerHandler(SitePage):
    @require("trainer", "coordinator")
    def get(self):
        ctx = self.balise
        sites = self.sites() if self.current_user.role == "coordinator" else []
        site = self.site(sites)
        teams = self.teams(site)
        names = {t.id: t.name for t in teams}
        team = self.get_argument("team", "")
        team = team if team in names else ""
        people = current(ctx.store.frame(ctx.models.Person))
        learners = people[(people.role == "learner") & (people.site_id == site)]
        if team:
            learners = learners[learners.team_id == team]
        # Her site's rows only: the whole group's took 10 s at 1,300 people
        # (benchmarks/report.py).
        ids = list(learners.id)
        attempts = ctx.attempts(learners=ids)
        grades = ctx.grades(attempts, learners=ids)
        today = date.today()
        status, _ = ctx.status(today, attempts, learners, grades)
        members = group(learners, ctx.routes, status, ctx.validations(), attempts)
        questions = failed_questions(failure_rates(grades, list(learners.id)), ctx.catalogue)
        wanted, fmt = self.get_argument("download", None), self.get_argument("format", None)
        if wanted is not None or fmt is not None:
            if wanted not in ("group", "questions") or fmt not in exports.FORMATS:
                return exports.refuse_format(self)
            lang = exports.language_of(self.reading())
            table, columns = ((self.group_table(members, names, lang), GROUP)
                              if wanted == "group" else
                              (self.questions_table(questions, lang), QUESTIONS))
            return exports.send(self, exports.shaped(table, columns, lang),
                                f"{wanted}-{site}" + (f"-{team}" if team else ""), fmt, lang)
        # Her team on her card, unless the page shows one team only.
        cards = [self.card(m, {} if team else names, today) for m in members]
        late = [{**a, "due": date_words(a["due_on"])}
                for a in overdue_actions(ctx.store, today, owner=self.current_user.username)]
        fresh = waiting(ctx.store, site) if site else 0
        self.show("trainer.html", sites=sites, site=site, teams=teams, team=team,
                  late=late, new_reports=fresh,
                  month=(today.replace(day=1) - date.resolution).strftime("%Y-%m"),
                  stages=[(stage, [c for c in cards if c["stage"] == stage])
                          for stage in STAGES],
                  questions=questions[:SHOWN_QUESTIONS], more=questions[SHOWN_QUESTIONS:],
                  filters={**({"site": site} if sites else {}), **({"team": team} if team else {})})

    def card(self, member: Member, teams: dict[str, str], today: date) -> dict:
        """What her card says, as plain values: her route's count and her next step."""
        catalogue, journey = self.balise.catalogue, member.journey
        next_module = catalogue.get(journey.next_module) if journey and journey.next_module \
            else None
        status = next((m["status"] for m in journey.modules
                       if m["module"] == journey.next_module), None) if next_module else None
        return {"id": member.learner, "name": member.name, "stage": member.stage,
                "team": teams.get(member.team, ""), "journey": journey,
                "next_module": next_module, "next_status": status,
                "next_validation": journey.next_validation if journey else None,
                "to_check": [catalogue[m] for m in member.to_check if m in catalogue],
                "sent": since_words(member.last_attempt, today) if member.last_attempt else None}

    def group_table(self, members: list[Member], teams: dict[str, str],
                    lang: str) -> pd.DataFrame:
        """The cards as rows: the same counts and next step, typed for a spreadsheet."""
        catalogue, rows = self.balise.catalogue, []
        pick = 0 if lang == "fr" else 1
        for m in members:
            j = m.journey
            nxt = ""
            if j is not None and j.next_module in catalogue:
                nxt = catalogue[j.next_module].title[lang]
            elif j is not None and j.next_validation:
                nxt = j.next_validation[lang]
            rows.append({"name": m.name, "team": teams.get(m.team, ""),
                         "stage": STAGE_WORDS[m.stage][pick],
                         "modules_done": j.modules_done if j else 0,
                         "modules": len(j.modules) if j else 0,
                         "validations_done": j.validations_done if j else 0,
                         "validations": len(j.validations) if j else 0,
                         "next": nxt, "last_attempt": m.last_attempt})
        return pd.DataFrame(rows, columns=[c.key for c in GROUP])

    @staticmethod
    def questions_table(questions: list[dict], lang: str) -> pd.DataFrame:
        return pd.DataFrame([{"share": q["rate"] / 100, "wrong": q["wrong"],
                              "answered": q["answered"], "question": q["prompt"][lang],
                              "module": q["module"][lang]} for q in questions],
                            columns=[c.key for c in QUESTIONS])
