"""Balise's pages: the landing page of each role."""

from __future__ import annotations

import functools
from datetime import date

import pandas as pd
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerJinjaMixin, ExtensionHandlerMixin
from tornado import web

from balise.messages import CATALOGUE
from balise.progress.certificates import certificates_of, issue_certificates
from balise.web.auth import BaliseUser


def require(*roles: str):
    """Signed in (else the sign-in page) and of one of ``roles`` (else 403, in plain words)."""
    def wrap(method):
        @web.authenticated
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            user = self.current_user
            if not isinstance(user, BaliseUser) or user.role not in roles:
                self.set_status(403)
                return self.finish(self.render_template(
                    "message.html", user=user, title=CATALOGUE["forbidden"],
                    base_url=self.base_url))
            return method(self, *args, **kwargs)
        return inner
    return wrap


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates to the minute, yes/no in words and signs, scores without noise."""
    out = frame.copy()
    for col in out.columns:
        if col in ("date",):
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d %H:%M")
        elif out[col].dtype == bool or col in ("passed", "complete"):
            out[col] = out[col].map(lambda v: "✔ oui / yes" if v else "✘ non / no")
        elif col in ("score", "max_score", "percent"):
            out[col] = out[col].map(lambda v: f"{v:g}")
    return out


def table_html(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """A frame as an escaped HTML table with bilingual headers."""
    shown = readable(frame[list(columns)]).rename(columns=columns)
    return shown.to_html(index=False, escape=True, classes="balise-table", border=0,
                         na_rep="—")


class Page(ExtensionHandlerJinjaMixin, ExtensionHandlerMixin, JupyterHandler):
    @property
    def balise(self):
        return self.settings["balise"]

    def show(self, template: str, **ns) -> None:
        self.finish(self.render_template(template, user=self.current_user,
                                         base_url=self.base_url, **ns))


class HomeHandler(Page):
    @web.authenticated
    def get(self):
        role = getattr(self.current_user, "role", "learner")
        self.redirect(f"{self.base_url}balise/{role}")


class LearnerHandler(Page):
    @require("learner", "trainer", "coordinator")
    def get(self):
        ctx, me = self.balise, self.current_user.username
        # Read once, hers only: the module list, certification and refreshers all use them.
        attempts = ctx.attempts(me)
        grades = ctx.grades(attempts, learner=me)
        people = ctx.store.frame(ctx.models.Person, ctx.models.Person.id == me)
        scores = ctx.scores(grades, attempts)
        mine = scores[scores.learner == me].set_index("module")
        modules = []
        for module in ctx.catalogue.values():
            row = mine.loc[module.id] if module.id in mine.index else None
            modules.append({"module": module, "percent": None if row is None else row.percent,
                            "feedback": row is not None,
                            "passed": False if row is None else bool(row.passed)})
        # Issued here, where she looks, so a route certified since her last visit shows at once.
        today = date.today()
        status, cert = ctx.status(today, attempts, people, grades)
        issue_certificates(ctx.store, cert, ctx.routes, status, today)
        due = ctx.due_refreshers(me, today, grades, attempts, people)
        refreshers = [{"id": int(r.id), "reason": r.reason, "module": ctx.catalogue[r.module]}
                      for r in due.itertuples() if r.module in ctx.catalogue]
        self.show("learner.html", modules=modules, refreshers=refreshers,
                  certificates=certificates_of(ctx.store, me, ctx.routes, today))


class TrainerHandler(Page):
    @require("trainer", "coordinator")
    def get(self):
        ctx = self.balise
        people = ctx.store.frame(ctx.models.Person)
        site = self.current_user.site
        attempts = ctx.attempts()
        grades = ctx.grades(attempts)
        table = ctx.progress.trainer_table(people, ctx.scores(grades, attempts), attempts, site)
        learners = people[(people.role == "learner") & (people.site_id == site)]
        rates = ctx.progress.failure_rates(grades, list(learners.id))
        self.show("trainer.html",
                  table=table_html(table, {"name": "Personne / Person", "module": "Module",
                                           "score": "Note / Score", "max_score": "Sur / Out of",
                                           "percent": "%", "date": "Date",
                                           "attempts": "Essais / Attempts",
                                           "passed": "Réussi / Passed",
                                           "flagged": "À vérifier / To check"}),
                  rates=table_html(rates, {"module": "Module", "question": "Question",
                                           "answered": "Réponses / Answered",
                                           "failure_rate": "Taux d'échec / Failure rate"}))


class CoordinatorHandler(Page):
    @require("coordinator")
    def get(self):
        ctx = self.balise
        people = ctx.store.frame(ctx.models.Person)
        sites = ctx.store.frame(ctx.models.Site)
        status, cert = ctx.status(people=people)
        # Certificates for every route that holds, even for learners who have not looked since.
        issue_certificates(ctx.store, cert, ctx.routes, status, date.today())
        summary = ctx.progress.site_certification(people, sites, status, cert)
        self.show("coordinator.html",
                  summary=table_html(summary, {
                      "site": "Site", "learners": "Personnes / Learners",
                      "modules_passed": "Modules réussis / Modules passed",
                      "routes_complete": "Parcours certifiés / Routes certified",
                      "expiring": "Expirent sous 30 jours / Expiring in 30 days",
                      "expired": "Expirés / Expired"}))
