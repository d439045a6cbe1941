"""The trainer's group on a phone: one card per learner, what each must do next.

Learners who have not begun come first, then those on their way, then those whose
route is certified (folded). Each card says where she stands on her route and
her next step, from :func:`balise.progress.group.group` (her route progress, the
one her own landing page shows). Below, the questions the group fails most, in
words, to choose the next quarter-hour. A filter by team narrows both.
"""

from __future__ import annotations

from datetime import date

from balise.formats import since_words
from balise.progress.group import STAGES, Member, group
from balise.progress.tables import current, failure_rates
from balise.web.pages import require
from balise.web.trainer_tools import SitePage, failed_questions

SHOWN_QUESTIONS = 3     # the worst questions in sight; the others folded below them


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
        attempts = ctx.attempts()
        grades = ctx.grades(attempts)
        today = date.today()
        status, _ = ctx.status(today, attempts, learners, grades)
        members = group(learners, ctx.routes, status, ctx.validations(), attempts)
        questions = failed_questions(failure_rates(grades, list(learners.id)), ctx.catalogue)
        # Her team on her card, unless the page shows one team only.
        cards = [self.card(m, {} if team else names, today) for m in members]
        self.show("trainer.html", sites=sites, site=site, teams=teams, team=team,
                  stages=[(stage, [c for c in cards if c["stage"] == stage])
                          for stage in STAGES],
                  questions=questions[:SHOWN_QUESTIONS], more=questions[SHOWN_QUESTIONS:])

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
