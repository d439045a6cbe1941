"""A site's monthly review, printable (issue 20, item 4).

``/balise/review/<site_id>/<YYYY-MM>`` gathers what the monthly accident review
goes through for one site: the month's accidents (each with whether its cause
analysis has facts), safety visits, hazard reports, actions opened and closed,
and the indicators, each from its one function in :mod:`balise.progress`: TF and
TG (``frequency_rate``, ``severity_rate``; "heures manquantes" when the month has
no hours, never 0 or infinity), the quarter-hour rate, warm-ups, visits, reports
and actions closed on time. A coordinator sees every site, a trainer her own
(another's is 403). ``/balise/review`` is the month picker's target.
``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pandas as pd
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from balise.formats import HOURS_MISSING, date_words, decimal, month_words, percent
from balise.progress.actions import action_counts
from balise.progress.indicators import (
    frequency_rate,
    month_of,
    quarter_hour_rate,
    safety_visits,
    severity_rate,
    warm_ups_held,
)
from balise.progress.leading import hazard_counts
from balise.store.models import Person, Site
from balise.store.programme import Accident, HoursWorked, QuarterHour, SafetyVisit, Team, WarmUp
from balise.store.records import Action, CauseFact, HazardReport, VisitMark
from balise.web import exports
from balise.web.action_pages import SOURCE_WORDS
from balise.web.admin_forms import ACTIVITY_WORDS
from balise.web.exports import Column
from balise.web.hazard_pages import kind_words, state_words
from balise.web.pages import Page, require
from balise.words import word

MONTH = re.compile(r"(\d{4})-(\d{2})")
# The month's figures taken away (?format=csv|xlsx): a number each, empty when it cannot be
# computed (the note then says why), a rate of quarter-hours as a share (0.75 for 75 %).
FIGURES = [Column("label", "Chiffre", "Figure"), Column("value", "Valeur", "Value"),
           Column("note", "Remarque", "Note")]
ACTION_COLUMNS = [Column("text", "L'action", "The action"),
                  Column("source", "Origine", "Where it comes from"),
                  Column("owner", "Qui s'en occupe", "Who does it"),
                  Column("due_on", "À faire pour le", "To do by"),
                  Column("done_on", "Faite le", "Done on"),
                  Column("on_time", "Faite à temps", "Done on time"),
                  Column("late", "En retard", "Overdue")]
# The month's lists, taken away with ?table=<name>&format=csv|xlsx (figures without table=).
LISTS = {
    "accidents": [Column("on", "Date", "Date"), Column("at", "Heure", "Time"),
                  Column("team", "Équipe", "Team"), Column("activity", "Activité", "Activity"),
                  Column("lost_time", "Arrêt de travail", "Lost time"),
                  Column("days_lost", "Jours d'arrêt", "Days lost"),
                  Column("what", "Ce qui s'est passé", "What happened"),
                  Column("facts", "Faits de l'analyse", "Facts of the analysis")],
    "visits": [Column("on", "Date", "Date"), Column("team", "Équipe", "Team"),
               Column("visitor", "Visiteur", "Visitor"),
               Column("at_risk", "Thèmes à risque", "Themes at risk"),
               Column("finding", "Constat", "Finding")],
    "reports": [Column("when", "Envoyé le", "Sent on"), Column("kind", "Danger", "Hazard"),
                Column("place", "Lieu", "Place"),
                Column("text", "Ce qu'elle a vu", "What was seen"),
                Column("state", "État", "State")],
    "opened": ACTION_COLUMNS, "closed": ACTION_COLUMNS,
}


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, as the store keeps moments."""
    return (datetime.combine(first, time()),
            datetime.combine(first + relativedelta(months=1), time()))


def one(frame: pd.DataFrame, column: str, **where):
    """The value of ``column`` in the row matching ``where``; None when there is none."""
    for key, value in where.items():
        frame = frame[frame[key] == value]
    return frame[column].iloc[0] if len(frame) else None


def indicators(frames: dict, site: str, month: str) -> dict:
    """The month's figures for one site, each from its function in :mod:`balise.progress`;
    a rate that cannot be computed is None (said "—" or "heures manquantes")."""
    accidents, hours = frames["accidents"], frames["hours"]
    tf = frequency_rate(accidents, hours, ["site_id", "month"])
    tg = severity_rate(accidents, hours, ["site_id", "month"])
    recorded = (month_of(hours["month"]) == month).any() if len(hours) else False

    def rate(frame: pd.DataFrame, column: str):
        return one(frame, column, site_id=site, month=month)
    qh = quarter_hour_rate(frames["teams"], frames["quarter_hours"], [month])
    warm = warm_ups_held(frames["teams"], frames["warm_ups"], [month])
    visits = safety_visits(frames["visits"], [month], sites=[site])
    acts = action_counts(frames["actions"], [month], [site])
    reports = hazard_counts(frames["reports"], [month], [site])

    def number(value):
        return None if value is None or pd.isna(value) else value
    return {"hours": number(rate(tf, "hours")) if recorded else None,
            "tf": number(rate(tf, "tf")), "tg": number(rate(tg, "tg")),
            "lost_time": int(rate(tf, "lost_time") or 0),
            "days_lost": int(rate(tg, "days_lost") or 0),
            "qh_rate": number(rate(qh, "rate")), "qh_held": int(rate(qh, "held") or 0),
            "qh_expected": int(rate(qh, "expected") or 0),
            "warm_ups": int(rate(warm, "warm_ups") or 0),
            "warm_teams": int(rate(warm, "teams") or 0),
            "visits": int(rate(visits, "visits") or 0),
            "reports": int(rate(reports, "reports") or 0),
            "reports_closed": int(rate(reports, "reports_closed") or 0),
            "opened": int(rate(acts, "opened") or 0), "closed": int(rate(acts, "closed") or 0),
            "closed_on_time": int(rate(acts, "closed_on_time") or 0)}


def filled(pair: tuple[str, str], **values) -> dict[str, str]:
    """A pair of words (French, English) with its ``{names}`` filled."""
    return {"fr": pair[0].format(**values), "en": pair[1].format(**values)}


def figure_rows(f: dict) -> list[dict]:
    """The figures of :meth:`ReviewHandler.figures` as typed values, for a spreadsheet."""
    hours_note = filled(HOURS_MISSING) if f["hours"] is None else None
    return [
        {"label": filled(("Heures travaillées", "Hours worked")), "value": f["hours"],
         "note": hours_note},
        {"label": filled(("Taux de fréquence (TF)", "Frequency rate (TF)")), "value": f["tf"],
         "note": hours_note or filled(("{n} accident(s) avec arrêt", "{n} lost-time "
                                       "accident(s)"), n=f["lost_time"])},
        {"label": filled(("Taux de gravité (TG)", "Severity rate (TG)")), "value": f["tg"],
         "note": hours_note or filled(("{n} jour(s) d'arrêt", "{n} day(s) lost"),
                                      n=f["days_lost"])},
        {"label": filled(("Quarts d'heure sécurité", "Safety quarter-hours")),
         "value": f["qh_rate"], "note": filled(("{held} équipe(s) sur {expected}",
                                                "{held} team(s) out of {expected}"),
                                               held=f["qh_held"], expected=f["qh_expected"])},
        {"label": filled(("Échauffements", "Warm-ups")), "value": f["warm_ups"],
         "note": filled(("{n} équipe(s)", "{n} team(s)"), n=f["warm_teams"])},
        {"label": filled(("Visites de sécurité", "Safety visits")), "value": f["visits"],
         "note": None},
        {"label": filled(("Signalements", "Hazard reports")), "value": f["reports"],
         "note": filled(("{n} clos", "{n} closed"), n=f["reports_closed"])},
        {"label": filled(("Actions closes à temps", "Actions closed on time")),
         "value": f["closed_on_time"],
         "note": filled(("sur {closed} faites ; {n} ouverte(s) ce mois",
                         "out of {closed} done; {n} opened this month"),
                        closed=f["closed"], n=f["opened"])}]


class ReviewPickHandler(Page):
    """``/balise/review?site=&month=``: on to that review (the picker's form, no script)."""

    @require("trainer", "coordinator")
    def get(self):
        user = self.current_user
        site = self.get_argument("site", "") if user.role == "coordinator" else user.site
        site = site or user.site or ""
        month = self.get_argument("month", "") or date.today().strftime("%Y-%m")
        if not site:
            with self.balise.store.session() as s:
                site = s.scalar(select(Site.id).order_by(Site.name)) or ""
        self.redirect(f"{self.base_url}balise/review/{site}/{month}")


class ReviewHandler(Page):
    """``/balise/review/<site>/<YYYY-MM>``: the month's records and figures for one site."""

    def plain(self, status: int, title: tuple[str, str]) -> None:
        self.set_status(status)
        self.show("message.html", title=title)

    @require("trainer", "coordinator")
    def get(self, site_id: str, month: str):
        user = self.current_user
        found = MONTH.fullmatch(month)
        with self.balise.store.session() as s:
            site = s.get(Site, site_id)
            sites = list(s.scalars(select(Site).order_by(Site.name))) \
                if user.role == "coordinator" else []
        if site is None:
            return self.plain(404, ("Ce site n'existe pas.", "There is no such site."))
        if user.role != "coordinator" and user.site != site_id:
            return self.plain(403, ("Cette page est celle d'un autre site.",
                                    "This page is another site's."))
        if not found or not 1 <= int(found.group(2)) <= 12:
            return self.plain(404, ("Ce mois n'existe pas. Écrivez-le ainsi : 2026-11.",
                                    "There is no such month. Write it like this: 2026-11."))
        first = date(int(found.group(1)), int(found.group(2)), 1)
        today = date.today()
        if first > today.replace(day=1):
            return self.plain(404, ("Ce mois n'est pas encore commencé : rien à revoir.",
                                    "This month has not begun: nothing to review."))
        frames = self.frames(site_id)
        if exports.asked(self):
            table = self.get_argument("table", "figures")
            if table == "figures":
                return exports.offer(self, f"review-{site_id}-{month}", FIGURES,
                                     lambda: figure_rows(indicators(frames, site_id, month)))
            if table not in LISTS:
                return exports.refuse_format(self)
            rows = self.records(site_id, first, today)[table]
            return exports.offer(self, f"review-{table}-{site_id}-{month}", LISTS[table],
                                 [{**r, **r["raw"]} for r in rows])
        self.show("review_month.html", site=site, sites=sites, month=month,
                  month_said=month_words(first),
                  before=(first - relativedelta(months=1)).strftime("%Y-%m"),
                  after=(first + relativedelta(months=1)).strftime("%Y-%m")
                  if first < today.replace(day=1) else None,
                  figures=self.figures(indicators(frames, site_id, month)),
                  **self.records(site_id, first, today))

    def frames(self, site_id: str) -> dict:
        store = self.balise.store
        teams = store.frame(Team, Team.site_id == site_id)
        team_ids = list(teams.id)
        return {"accidents": store.frame(Accident, Accident.site_id == site_id),
                "hours": store.frame(HoursWorked, HoursWorked.site_id == site_id),
                "teams": teams,
                "quarter_hours": store.frame(QuarterHour, QuarterHour.team_id.in_(team_ids)),
                "warm_ups": store.frame(WarmUp, WarmUp.team_id.in_(team_ids)),
                "visits": store.frame(SafetyVisit, SafetyVisit.site_id == site_id),
                "reports": store.frame(HazardReport, HazardReport.site_id == site_id),
                "actions": store.frame(Action, Action.site_id == site_id)}

    @staticmethod
    def figures(f: dict) -> list[dict]:
        """The figures as the page says them, in order: (id, label, value, note)."""
        def rate(value, digits=2):
            return decimal(value, digits=digits) if value is not None else None
        hours_missing = f["hours"] is None
        return [
            {"id": "hours", "label": ("Heures travaillées", "Hours worked"),
             "value": decimal(f["hours"], digits=1) if not hours_missing else None,
             "missing": hours_missing},
            {"id": "tf", "label": ("Taux de fréquence (TF)", "Frequency rate (TF)"),
             "value": rate(f["tf"]), "missing": f["tf"] is None,
             "note": filled(("{n} accident(s) avec arrêt", "{n} lost-time accident(s)"),
                            n=f["lost_time"])},
            {"id": "tg", "label": ("Taux de gravité (TG)", "Severity rate (TG)"),
             "value": rate(f["tg"]), "missing": f["tg"] is None,
             "note": filled(("{n} jour(s) d'arrêt", "{n} day(s) lost"), n=f["days_lost"])},
            {"id": "quarter-hours", "label": ("Quarts d'heure sécurité", "Safety quarter-hours"),
             "value": percent(f["qh_rate"]) if f["qh_rate"] is not None else None,
             "missing": False, "note": filled(("{held} équipe(s) sur {expected}",
                                               "{held} team(s) out of {expected}"),
                                              held=f["qh_held"], expected=f["qh_expected"])},
            {"id": "warm-ups", "label": ("Échauffements", "Warm-ups"),
             "value": str(f["warm_ups"]), "missing": False,
             "note": filled(("{n} équipe(s)", "{n} team(s)"), n=f["warm_teams"])},
            {"id": "visits", "label": ("Visites de sécurité", "Safety visits"),
             "value": str(f["visits"]), "missing": False},
            {"id": "reports", "label": ("Signalements", "Hazard reports"),
             "value": str(f["reports"]), "missing": False,
             "note": filled(("{n} clos", "{n} closed"), n=f["reports_closed"])},
            {"id": "actions", "label": ("Actions closes à temps", "Actions closed on time"),
             "value": f"{f['closed_on_time']} / {f['closed']}", "missing": False,
             "note": filled(("{n} ouverte(s) ce mois", "{n} opened this month"),
                            n=f["opened"])},
        ]

    def records(self, site_id: str, first: date, today: date) -> dict:
        """The month's rows for the site, as plain values for the page."""
        start, end = month_bounds(first)
        last = first + relativedelta(months=1)
        with self.balise.store.session() as s:
            names = dict(s.execute(select(Person.id, Person.name)).all())
            teams = dict(s.execute(select(Team.id, Team.name).where(
                Team.site_id == site_id)).all())
            accidents = list(s.scalars(select(Accident).where(
                Accident.site_id == site_id, Accident.on >= first, Accident.on < last)
                .order_by(Accident.on, Accident.id)))
            facts = dict(s.execute(select(CauseFact.accident_id, func.count()).where(
                CauseFact.accident_id.in_([a.id for a in accidents]))
                .group_by(CauseFact.accident_id)).all())
            visits = list(s.scalars(select(SafetyVisit).where(
                SafetyVisit.site_id == site_id, SafetyVisit.on >= first,
                SafetyVisit.on < last).order_by(SafetyVisit.on, SafetyVisit.id)))
            at_risk = dict(s.execute(select(VisitMark.visit_id, func.count()).where(
                VisitMark.visit_id.in_([v.id for v in visits]), VisitMark.safe.is_(False))
                .group_by(VisitMark.visit_id)).all())
            reports = list(s.scalars(select(HazardReport).where(
                HazardReport.site_id == site_id, HazardReport.created_at >= start,
                HazardReport.created_at < end).order_by(HazardReport.created_at)))
            opened = list(s.scalars(select(Action).where(
                Action.site_id == site_id, Action.created_at >= start,
                Action.created_at < end).order_by(Action.id)))
            closed = list(s.scalars(select(Action).where(
                Action.site_id == site_id, Action.state == "done", Action.done_on >= first,
                Action.done_on < last).order_by(Action.done_on, Action.id)))

        def action(a: Action) -> dict:
            return {"id": a.id, "text": a.text, "owner": names.get(a.owner_id, a.owner_id),
                    "due": date_words(a.due_on), "state": a.state,
                    "done": date_words(a.done_on) if a.done_on else None,
                    "on_time": a.done_on is not None and a.done_on <= a.due_on,
                    "late": a.state == "open" and a.due_on < today,
                    "source": SOURCE_WORDS.get(a.source, SOURCE_WORDS["committee"]),
                    "raw": {"due_on": a.due_on, "done_on": a.done_on,
                            "source": filled(SOURCE_WORDS.get(a.source,
                                                              SOURCE_WORDS["committee"])),
                            "on_time": a.done_on is not None and a.done_on <= a.due_on}}
        return {
            "accidents": [{"id": a.id, "day": date_words(a.on), "at": a.at,
                           "activity": word(ACTIVITY_WORDS[a.activity])
                           if a.activity in ACTIVITY_WORDS else a.activity,
                           "team": teams.get(a.team_id, ""), "lost_time": a.lost_time,
                           "days_lost": a.days_lost, "what": a.what_happened,
                           "facts": facts.get(a.id, 0),
                           "raw": {"on": a.on, "lost_time": bool(a.lost_time),
                                   "activity": word(ACTIVITY_WORDS[a.activity])
                                   if a.activity in ACTIVITY_WORDS else a.activity}}
                          for a in accidents],
            "visits": [{"id": v.id, "day": date_words(v.on), "team": teams.get(v.team_id, ""),
                        "visitor": names.get(v.visitor_id, "") if v.visitor_id else "",
                        "finding": v.finding, "at_risk": at_risk.get(v.id, 0),
                        "raw": {"on": v.on}}
                       for v in visits],
            "reports": [{"id": r.id, "day": date_words(r.created_at.date()),
                         "kind": kind_words(r.kind), "place": r.place, "text": r.text,
                         "state": state_words(r.state),
                         "raw": {"when": r.created_at, "kind": kind_words(r.kind),
                                 "state": state_words(r.state)}}
                        for r in reports],
            "opened": [action(a) for a in opened], "closed": [action(a) for a in closed],
        }


ROUTES: list = [
    (r"/balise/review", ReviewPickHandler),
    (r"/balise/review/([^/]{1,40})/([^/]{1,10})", ReviewHandler),
]
