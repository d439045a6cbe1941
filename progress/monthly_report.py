"""The monthly report's tables and its easy-to-read summary, as pure functions of frames.

For the whole group or one site and one month ``"YYYY-MM"``: the frequency and severity
rates with the 12 months before, the quarter-hour achievement rate, warm-ups, safety
visits, hazard reports and actions, and certification. Each figure is the value of its
one function (:mod:`balise.progress.indicators`, :mod:`balise.progress.leading`,
:mod:`balise.progress.actions`) on the site's rows; this module only picks, orders and
says them. Totals over sites are sums of counts, never a rate or share worked out again.

The summary is said in easy-to-read French (FALC: short sentences, everyday words, one
idea each, numbers in digits, every abbreviation said in words once), then in English.
A month without hours worked has no TF or TG: it says "heures manquantes", never 0.
The PDF (:mod:`balise.progress.report_pdf`), the XLSX, the CSV and the page draw on the
same :class:`MonthlyReport`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from balise import BaliseError
from balise.formats import decimal, month_words
from balise.progress import indicators as ind
from balise.progress import leading as lead
from balise.progress.actions import overdue

MONTH = re.compile(r"(\d{4})-(\d{2})")
BEFORE = 12                       # months shown before the report's month
FRAMES = ("accidents", "hours", "teams", "quarter_hours", "warm_ups", "visits", "reports",
          "actions", "attempts", "people", "cert", "sites")
# What a month may hold, each kind with its frame, its date column and its words.
KINDS = [("accidents", "on", ("aucun accident", "no accident")),
         ("hours", "month", ("aucune heure travaillée", "no hours worked")),
         ("visits", "on", ("aucune visite de sécurité", "no safety visit")),
         ("quarter_hours", "on", ("aucun quart d'heure sécurité", "no safety quarter-hour")),
         ("warm_ups", "on", ("aucun échauffement", "no warm-up")),
         ("reports", "created_at", ("aucun danger signalé", "no hazard report")),
         ("actions", "created_at", ("aucune action", "no action")),
         ("attempts", "submitted_at", ("aucun module essayé", "no module attempt"))]
# Each table's title, French then English: the PDF's headings, the XLSX's sheets.
TITLES = {"rates": ("Accidents : TF et TG", "Accidents: TF and TG"),
          "quarter_hours": ("Quart d'heure sécurité", "Safety quarter-hour"),
          "warm_ups": ("Échauffements", "Warm-ups"),
          "prevention": ("Prévention : signalements, visites, actions",
                         "Prevention: reports, visits, actions"),
          "certification": ("Certification", "Certification")}


class ReportRefused(BaliseError):
    """A report that cannot be made, said in both languages (``said``) with the HTTP
    status a page answers with; ``str()`` is the English words, for the command line."""

    def __init__(self, fr: str, en: str, status: int = 400):
        super().__init__(en)
        self.said, self.status = {"fr": fr, "en": en}, status


@dataclass
class MonthlyReport:
    """One site's (``site`` None: the group's) figures for ``month`` and the 12 before.

    Tables, one row per month, oldest first: ``rates`` (lost_time, days_lost, hours, tf,
    tg), ``quarter_hours`` (expected, held, rate), ``warm_ups`` (warm_ups, teams),
    ``prevention`` (reports, reports_closed, visits, actions_opened, actions_closed,
    actions_on_time, on_time_share); ``certification`` one row per site as of ``as_of``.
    """

    month: str
    site: str | None
    place: dict[str, str]
    months: list[str]
    as_of: date
    rates: pd.DataFrame
    quarter_hours: pd.DataFrame
    warm_ups: pd.DataFrame
    prevention: pd.DataFrame
    certification: pd.DataFrame
    overdue_actions: int
    summary: dict[str, list[str]] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by name, in the order the PDF, XLSX and CSV give them."""
        return {"rates": self.rates, "quarter_hours": self.quarter_hours,
                "warm_ups": self.warm_ups, "prevention": self.prevention,
                "certification": self.certification}

    def this_month(self, name: str) -> pd.Series:
        """The report month's row of a monthly table."""
        table = self.tables()[name]
        return table[table.month == self.month].iloc[0]


def parse_month(text: str, today: date) -> date:
    """``"YYYY-MM"`` as the month's first day; refused when malformed or still to come."""
    found = MONTH.fullmatch(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ReportRefused(f"« {text} » n'est pas un mois. Écrivez-le ainsi : 2026-11.",
                            f"'{text}' is not a month. Write it like this: 2026-11.")
    first = date(int(found.group(1)), int(found.group(2)), 1)
    if first > today.replace(day=1):
        raise ReportRefused(f"{month_words(first)['fr'].capitalize()} n'est pas encore "
                            "arrivé : pas de rapport.",
                            f"{month_words(first)['en']} has not come yet: no report.")
    return first


def check_site(site: str | None, sites: pd.DataFrame) -> None:
    """An unknown site is refused with the list of the known ones."""
    if site and site not in set(sites.id):
        known = ", ".join(sorted(sites.id))
        raise ReportRefused(f"Le site « {site} » n'existe pas. Sites : {known}.",
                            f"There is no site '{site}'. Sites: {known}.", 404)


def as_of_day(first: date, today: date) -> date:
    """The day certification is counted on: the month's last day, or today in this month."""
    return min(first + relativedelta(months=1, days=-1), today)


def of_site(frames: dict, site: str | None) -> dict:
    """The frames cut to one site's rows (quarter-hours and warm-ups through its teams,
    attempts through its people); all of them for the group."""
    if not site:
        return dict(frames)
    out = dict(frames)
    for name in ("accidents", "hours", "teams", "visits", "reports", "actions"):
        out[name] = frames[name][frames[name].site_id == site]
    people = frames["people"][frames["people"].site_id == site]
    out["attempts"] = frames["attempts"][frames["attempts"].learner_id.isin(people.id)]
    return out


def month_holds(frames: dict, month: str) -> dict[str, int]:
    """How many rows of each kind fall in ``month`` (frames already cut to the site)."""
    return {name: len(ind.in_months(frames[name], column, [month]))
            for name, column, _ in KINDS}


def check_data(frames: dict, month: str, place: dict[str, str]) -> None:
    """A month with nothing recorded is refused, saying what was looked for."""
    if any(month_holds(frames, month).values()):
        return
    said = month_words(month)
    raise ReportRefused(
        f"Rien d'enregistré en {said['fr']} ({place['fr']}) : "
        + ", ".join(w[0] for _, _, w in KINDS) + ". Choisissez un autre mois.",
        f"Nothing recorded in {said['en']} ({place['en']}): "
        + ", ".join(w[1] for _, _, w in KINDS) + ". Choose another month.", 404)


def place_of(site: str | None, sites: pd.DataFrame) -> dict[str, str]:
    if not site:
        return {"fr": "tous les sites", "en": "all sites"}
    name = dict(zip(sites.id, sites.name)).get(site, site)
    return {"fr": name, "en": name}


def monthly_report(frames: dict, site: str | None, month: str, today: date) -> MonthlyReport:
    """The report of ``month`` for ``site`` (None: the group) from the tables read whole.

    ``frames`` has the keys of :data:`FRAMES`: the store's tables, ``attempts``, and
    ``cert`` the certification frame as of :func:`as_of_day` (see
    :func:`balise.progress.status.certification`). Refused (:class:`ReportRefused`)
    for an unknown site, a month to come, or a month with nothing recorded.
    """
    first = parse_month(month, today)
    check_site(site, frames["sites"])
    place = place_of(site, frames["sites"])
    mine = of_site(frames, site)
    check_data(mine, month, place)
    as_of = as_of_day(first, today)
    months = ind.last_months(first, BEFORE + 1)
    every = sorted(frames["sites"].id) if site is None else [site]
    report = MonthlyReport(
        month=month, site=site, place=place, months=months, as_of=as_of,
        rates=rates(mine, months),
        quarter_hours=ind.quarter_hour_rate(mine["teams"], mine["quarter_hours"], months,
                                            by_site=False),
        warm_ups=by_month(ind.warm_ups_held(mine["teams"], mine["warm_ups"], months),
                          months, ["warm_ups", "teams"]),
        prevention=prevention(mine, months, every),
        certification=certification(frames, site, as_of),
        overdue_actions=len(overdue(mine["actions"], as_of)))
    report.summary = summary(report)
    return report


def by_month(frame: pd.DataFrame, months: list[str], counts: list[str]) -> pd.DataFrame:
    """Counts per site and month added up per month, every month listed."""
    out = frame.groupby("month")[counts].sum().reindex(months, fill_value=0)
    return out.astype(int).reset_index()


def rates(frames: dict, months: list[str]) -> pd.DataFrame:
    """TF and TG by month (:func:`~balise.progress.indicators.frequency_rate`,
    :func:`~balise.progress.indicators.severity_rate`); NaN where no hours were entered."""
    accidents, hours = frames["accidents"], frames["hours"]
    tf = ind.frequency_rate(accidents, hours, ["month"]).set_index("month")
    tg = ind.severity_rate(accidents, hours, ["month"]).set_index("month")
    out = pd.DataFrame(index=pd.Index(months, name="month"))
    out["lost_time"] = tf.lost_time.reindex(months).fillna(0).astype(int)
    out["days_lost"] = tg.days_lost.reindex(months).fillna(0).astype(int)
    out["hours"] = tf.hours.reindex(months).fillna(0.0).astype(float)
    out["tf"] = tf.tf.reindex(months).astype(float)
    out["tg"] = tg.tg.reindex(months).astype(float)
    return out.reset_index()


def prevention(frames: dict, months: list[str], sites: list[str]) -> pd.DataFrame:
    """Reports, visits and actions by month (:func:`~balise.progress.leading.totals`)."""
    leading = lead.leading_indicators(frames["reports"], frames["visits"], frames["actions"],
                                      months, sites)
    out = lead.totals(leading, "month").set_index("month").reindex(months)
    counts = list(lead.COUNTS)
    out[counts] = out[counts].fillna(0).astype(int)
    return out[[*counts, "on_time_share"]].reset_index()


def certification(frames: dict, site: str | None, as_of: date) -> pd.DataFrame:
    """Certification by site (:func:`~balise.progress.indicators.certification_shares`),
    one site's row or every site's, the site by its name."""
    shares = ind.certification_shares(frames["people"], frames["cert"], "site", as_of)
    if site:
        shares = shares[shares.site == site]
    names = dict(zip(frames["sites"].id, frames["sites"].name))
    return (shares.assign(site=shares.site.map(lambda s: names.get(s, s)))
            .sort_values("site").reset_index(drop=True))


def _count(n: int, lang: str, one: tuple[str, str], many: tuple[str, str]) -> str:
    """"1 accident", "3 accidents": the number in digits and the word that goes with it."""
    words = one if n == 1 else many
    return f"{decimal(n, lang)} {words[0 if lang == 'fr' else 1]}"


def summary(report: MonthlyReport) -> dict[str, list[str]]:
    """Half a page, easy to read: French sentences, then the same in English."""
    said = month_words(report.month)
    ago = month_words(report.months[0])
    r, q = report.this_month("rates"), report.this_month("quarter_hours")
    w, p = report.this_month("warm_ups"), report.this_month("prevention")
    before = report.rates.iloc[0]
    where = {"fr": f"sur le site {report.place['fr']}" if report.site else
             "sur tous les sites",
             "en": f"at the {report.place['en']} site" if report.site else "on all sites"}
    out: dict[str, list[str]] = {}
    for lang in ("fr", "en"):
        fr = lang == "fr"

        def n(value, one, many):
            return _count(int(value), lang, one, many)

        def rate(value):
            return decimal(value, lang, fixed=True)
        lines = [f"Ce rapport parle de {said['fr']}, {where['fr']}." if fr else
                 f"This report is about {said['en']}, {where['en']}."]
        accidents = n(r.lost_time, ("accident avec arrêt", "lost-time accident"),
                      ("accidents avec arrêt", "lost-time accidents"))
        if r.lost_time == 0:
            accidents = "aucun accident avec arrêt" if fr else "no lost-time accident"
        lines.append(f"En {said['fr']}, {accidents}." if fr else
                     f"In {said['en']}, {accidents}.")
        if r.days_lost > 0:
            days = n(r.days_lost, ("jour", "day"), ("jours", "days"))
            lines.append(f"Cela fait {days} d'arrêt de travail." if fr else
                         f"That is {days} off work.")
        lines += (["TF veut dire taux de fréquence.",
                   "C'est le nombre d'accidents avec arrêt pour 1 million d'heures de travail.",
                   "TG veut dire taux de gravité.",
                   "C'est le nombre de jours d'arrêt pour 1 000 heures de travail."] if fr else
                  ["TF means frequency rate.",
                   "It is the number of lost-time accidents per 1 million hours of work.",
                   "TG means severity rate.",
                   "It is the number of days off work per 1,000 hours of work."])
        if r.hours > 0:
            lines += ([f"En {said['fr']}, le TF est de {rate(r.tf)}.",
                       f"Le TG est de {rate(r.tg)}."] if fr else
                      [f"In {said['en']}, the TF is {rate(r.tf)}.",
                       f"The TG is {rate(r.tg)}."])
        else:
            lines += (["Il manque les heures de travail du mois (heures manquantes).",
                       "Sans elles, pas de TF ni de TG."] if fr else
                      ["The month's hours of work are missing (hours missing).",
                       "Without them, no TF or TG."])
        if before.hours > 0:
            lines.append(f"En {ago['fr']}, le TF était de {rate(before.tf)}." if fr else
                         f"In {ago['en']}, the TF was {rate(before.tf)}.")
        if q.expected > 0:
            teams = n(q.expected, ("équipe", "team"), ("équipes", "teams"))
            lines.append(f"Le quart d'heure sécurité a eu lieu dans {decimal(q.held, lang)} "
                         f"{'équipe' if q.held == 1 else 'équipes'} sur {teams}." if fr else
                         f"The safety quarter-hour took place in {decimal(q.held, lang)} "
                         f"{'team' if q.held == 1 else 'teams'} out of {teams}.")
        warm = n(w.warm_ups, ("échauffement", "warm-up"), ("échauffements", "warm-ups"))
        if w.warm_ups:
            lines.append(f"Les équipes ont fait {warm}." if fr else f"Teams did {warm}.")
        else:
            lines.append("Aucune équipe n'a fait d'échauffement." if fr else
                         "No team did a warm-up.")
        visits = n(p.visits, ("visite de sécurité", "safety visit"),
                   ("visites de sécurité", "safety visits"))
        if p.visits:
            lines.append(f"Il y a eu {visits}." if fr else f"There were {visits}.")
        else:
            lines.append("Il n'y a pas eu de visite de sécurité." if fr else
                         "There was no safety visit.")
        if p.reports:
            reports = n(p.reports, ("danger a été signalé", "hazard was reported"),
                        ("dangers ont été signalés", "hazards were reported"))
            closed = decimal(p.reports_closed, lang)
            if not p.reports_closed:
                closed = "Aucun n'est réglé." if fr else "None is closed yet."
            elif fr:
                closed = f"{closed} {'est réglé' if p.reports_closed == 1 else 'sont réglés'}."
            else:
                closed = f"{closed} now closed."
            lines += [f"{reports.capitalize()}.", closed]
        else:
            lines.append("Personne n'a signalé de danger." if fr else
                         "No hazard was reported.")
        if p.actions_closed:
            done = n(p.actions_closed, ("action de prévention est finie",
                                        "prevention action was finished"),
                     ("actions de prévention sont finies", "prevention actions were finished"))
            lines += ([f"{done.capitalize()}.",
                       f"{decimal(p.actions_on_time, lang)} à temps."] if fr else
                      [f"{done.capitalize()}.", f"{decimal(p.actions_on_time, lang)} on time."])
        else:
            lines.append("Aucune action de prévention n'est finie ce mois." if fr else
                         "No prevention action was finished this month.")
        if report.overdue_actions:
            late = n(report.overdue_actions, ("action est", "action is"),
                     ("actions sont", "actions are"))
            lines.append(f"{late.capitalize()} en retard." if fr else
                         f"{late.capitalize()} late.")
        learners = int(report.certification.learners.sum())
        if learners:
            certified = int(report.certification.certified.sum())
            lines.append(
                (f"Aucune des {decimal(learners, lang)} personnes n'a encore son certificat."
                 if fr else f"None of the {decimal(learners, lang)} people holds a "
                 "certificate yet.") if certified == 0 else
                (f"{n(certified, ('personne', ''), ('personnes', ''))} sur "
                 f"{decimal(learners, lang)} "
                 f"{'a son' if certified == 1 else 'ont leur'} certificat." if fr else
                 f"{n(certified, ('', 'person'), ('', 'people'))} out of "
                 f"{decimal(learners, lang)} {'holds' if certified == 1 else 'hold'} "
                 "their certificate."))
            late = int(report.certification.overdue.sum())
            if late:
                who = n(late, ("personne n'a pas son", "person did not get a"),
                        ("personnes n'ont pas leur", "people did not get a"))
                lines.append(f"{who} certificat à temps." if fr else
                             f"{who} certificate in time.")
        lines.append("Vous voyez un danger ? Signalez-le sur Balise." if fr else
                     "You see a hazard? Report it on Balise.")
        out[lang] = lines
    return out
