"""The coordinator's dashboard: certification, the programme's habits and accident rates.

The handler reads whole tables and the certification status; the figures
come from :mod:`balise.progress.indicators` and the charts from
:mod:`balise.progress.charts`. Every chart is followed by a table with the
same figures, for screen readers and for anyone who would rather read numbers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from balise import formats
from balise.progress import charts
from balise.progress import indicators as ind
from balise.progress import leading as lead
from balise.store import records
from balise.store.actions import overdue_actions
from balise.store.certification import certification_counts
from balise.web import exports
from balise.web.exports import Column
from balise.web.pages import Page, require, table_markup
from balise.words import word

BAD_GROUPING = word("Unknown grouping: choose site, activity or cohort.")
BAD_DOWNLOAD = word("Unknown table or file format: use the page's download links.")
# The downloads' columns: the figures' own names, each headed in the reader's language.
HEADERS = {
    "group": ("Groupe", "Group"), "site": ("Site", "Site"), "site_id": ("Site", "Site"),
    "activity": ("Activité", "Activity"), "month": ("Mois", "Month"),
    "learners": ("Personnes", "Learners"), "certified": ("Certifiés", "Certified"),
    "certified_share": ("Part certifiée", "Share certified"),
    "expiring_30": ("Expirent sous 30 jours", "Expiring within 30 days"),
    "expiring_60": ("Expirent sous 60 jours", "Expiring within 60 days"),
    "overdue": ("En retard", "Overdue"), "overdue_share": ("Part en retard", "Share overdue"),
    "in_training": ("En formation", "In training"),
    "expected": ("Équipes attendues", "Teams expected"), "held": ("Tenus", "Held"),
    "rate": ("Taux de réalisation", "Achievement rate"),
    "warm_ups": ("Échauffements", "Warm-ups"), "teams": ("Équipes", "Teams"),
    "visits": ("Visites", "Visits"), "with_module": ("Avec un module", "With a module"),
    "lost_time": ("Accidents avec arrêt", "Lost-time accidents"),
    "days_lost": ("Jours perdus", "Days lost"), "hours": ("Heures travaillées", "Hours worked"),
    "tf": ("TF", "TF"), "tg": ("TG", "TG"),
    "reports": ("Signalements", "Hazard reports"), "reports_closed": ("Signalements clos",
                                                                    "Reports closed"),
    "actions_opened": ("Actions ouvertes", "Actions opened"),
    "actions_closed": ("Actions soldées", "Actions closed"),
    "actions_on_time": ("Soldées à temps", "Closed on time"),
    "on_time_share": ("Part à temps", "Share on time")}
LEADING = ["reports", "reports_closed", "visits", "actions_opened", "actions_closed",
           "actions_on_time", "on_time_share"]
GROUPINGS = {"site": ("Site", "Site"), "activity": ("Activité", "Activity"),
             "cohort": ("Cohorte (trimestre d'entrée)", "Cohort (quarter of start)")}
ACTIVITY_NAMES = {"logistics": "Logistique / Logistics", "construction": "BTP / Construction",
                  "circular-economy": "Économie circulaire / Circular economy",
                  "transport": "Transport", "digital": "Numérique / Digital"}
MONTH = "Mois / Month"
ALL = "Tous les sites / All sites"


@dataclass
class Table:
    """A table of the page: its HTML, and the same figures untouched for its download
    (``data``: a frame whose columns are keys of ``HEADERS``, a site as its name)."""

    id: str
    title: tuple[str, str]
    html: str
    data: pd.DataFrame | None = None

    def columns(self) -> list[Column]:
        return [Column(key, *HEADERS[key]) for key in self.data.columns]


def named(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A figures frame for download: the site's name instead of its id, months in order."""
    out = frame.copy()
    if "site_id" in out:
        out["site_id"] = out.site_id.map(lambda v: names.get(v, v))
    return out.sort_values([c for c in ("month", "site_id") if c in out]).reset_index(drop=True)


@dataclass
class Section:
    id: str
    title: tuple[str, str]
    note: tuple[str, str]
    charts: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def percent(x) -> str:
    """A share as the cell shows it: "38 %"."""
    return formats.percent(x)


def decimal(x) -> str:
    """A rate as the cell shows it, two decimals so a column lines up: "510,20"."""
    return formats.decimal(x, fixed=True)


# A rate whose month has no hours worked entered: neither zero nor infinity, and said so.
HOURS_MISSING = " / ".join(formats.HOURS_MISSING)


def rate_cell(rate, hours) -> str:
    """A TF or TG as a cell: two decimals, or "heures manquantes" when no hours were
    entered for it (:func:`balise.progress.indicators.frequency_rate` gives NaN then)."""
    return HOURS_MISSING if not hours > 0 else decimal(rate)


def thousands(x) -> str:
    """Hours worked, thousands grouped: "65 000"."""
    return formats.decimal(x, digits=0)


def both_languages(label: tuple[str, str]) -> str:
    """A column header in French then English, once when both are the same word."""
    return label[0] if label[0] == label[1] else " / ".join(label)


def html_table(frame: pd.DataFrame) -> str:
    """Cells already written stay as they are; counts left as numbers are written the French
    way too ("1 250", never "3.0" when a merge made them floats)."""
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_numeric_dtype(shown[col]) and shown[col].dtype != bool:
            shown[col] = shown[col].map(formats.decimal)
    return table_markup(shown)


class Row(dict):
    """A row for a cell function, read as ``row.held`` or ``row["tf"]``: a plain dict, not
    the Series ``iterrows`` makes (a third of the dashboard's tables' time)."""

    __getattr__ = dict.__getitem__


def by_month(frame: pd.DataFrame, months: list[str], cell: Callable[[pd.Series], str],
             names: dict[str, str], total: pd.Series | None = None) -> pd.DataFrame:
    """Months down, sites across, each cell written by ``cell(row)``; ``total`` adds a column."""
    out = pd.DataFrame(index=pd.Index(months, name=MONTH))
    if not frame.empty:
        cells = frame.assign(cell=[cell(Row(r)) for r in frame.to_dict("records")])
        wide = cells.pivot(index="month", columns="site_id", values="cell").reindex(months)
        for site in sorted(wide.columns, key=lambda s: names.get(s, s)):
            out[names.get(site, site)] = wide[site]
    if total is not None:
        out[ALL] = total.reindex(months)
    out.index = out.index.map(formats.month_short)
    return out.reset_index()


def quarter_hour_cell(row: pd.Series) -> str:
    return f"{int(row.held)} / {int(row.expected)} · {percent(row.rate)}"


def certification_section(shares, by, names) -> Section:
    """``shares``: :func:`balise.progress.indicators.certification_shares`' table, grouped
    ``by`` site, activity or cohort."""
    if by == "activity":
        names = ACTIVITY_NAMES
    elif by == "cohort":
        names = {}
    shown = pd.DataFrame({
        both_languages(GROUPINGS[by]): shares[by].map(lambda g: names.get(g, g)),
        "Personnes / Learners": shares.learners,
        "Certifiés / Certified": shares.certified,
        "Part certifiée / Share certified": shares.certified_share.map(percent),
        "Expirent sous 30 jours / Expiring within 30 days": shares.expiring_30,
        "Expirent sous 60 jours / Expiring within 60 days": shares.expiring_60,
        "En retard / Overdue": shares.overdue,
        "Part en retard / Share overdue": shares.overdue_share.map(percent),
        "En formation / In training": shares.in_training})
    label = GROUPINGS[by]
    title = (f"Certification par {label[0].lower()}", f"Certification by {label[1].lower()}")
    return Section(
        "certification", title,
        (f"En retard : pas certifié {ind.OVERDUE_DAYS} jours après le début du contrat, "
         "ou certification expirée.",
         f"Overdue: not certified {ind.OVERDUE_DAYS} days after the placement started, "
         "or certification lapsed."),
        [charts.certification_bars(shares, by, " / ".join(title), "chart-certification",
                                   names)],
        [Table("table-certification", (f"Chiffres par {label[0].lower()}",
                                        f"Figures by {label[1].lower()}"), html_table(shown),
               shares.assign(**{by: shares[by].map(lambda g: names.get(g, g))})
               .rename(columns={by: "site" if by == "site" else "group"}))])


def quarter_hour_section(teams, quarter_hours, months, names) -> Section:
    rate = ind.quarter_hour_rate(teams, quarter_hours, months)
    overall = ind.quarter_hour_rate(teams, quarter_hours, months, by_site=False)
    title = ("Quart d'heure sécurité : taux de réalisation",
             "Safety quarter-hour: achievement rate")
    total = overall.set_index("month").apply(quarter_hour_cell, axis=1)
    return Section(
        "quarter-hour", title,
        ("Équipes qui l'ont tenu / équipes attendues, chaque mois.",
         "Teams that held it / teams expected, each month."),
        [charts.quarter_hour_bars(overall, " / ".join(title), "chart-quarter-hour")],
        [Table("table-quarter-hour", ("Par site et par mois", "By site and month"),
               html_table(by_month(rate, months, quarter_hour_cell, names, total)),
               named(rate, names))])


def warm_ups_section(teams, warm_ups, months, names) -> Section:
    warm = ind.warm_ups_held(teams, warm_ups, months)
    return Section(
        "warm-ups", ("Échauffements", "Warm-ups"),
        ("Échauffements tenus (nombre d'équipes), par mois.",
         "Warm-ups held (number of teams), by month."), [],
        [Table("table-warm-ups", ("Échauffements par site", "Warm-ups by site"),
               html_table(by_month(warm, months, lambda r: f"{int(r.warm_ups)} ({int(r.teams)})",
                                   names)), named(warm, names))])


def visits_section(visits, months, names) -> Section:
    seen = ind.safety_visits(visits, months, sorted(names))
    return Section(
        "visits", ("Visites de sécurité", "Safety visits"),
        ("Visites comportementales (dont celles qui ont envoyé un module à revoir), par mois.",
         "Behavioural safety visits (of which sent a module as a refresher), by month."), [],
        [Table("table-visits", ("Visites par site", "Visits by site"),
               html_table(by_month(seen, months,
                                   lambda r: f"{int(r.visits)} ({int(r.with_module)})",
                                   names)), named(seen, names))])


def rates_section(accidents, hours, months, names) -> Section:
    accidents = ind.in_months(accidents, "on", months)
    hours = ind.in_months(hours, "month", months)
    tables, drawn = [], []
    for key, fn, title, axis in [
            ("tf", ind.frequency_rate, ("Taux de fréquence (TF)", "Frequency rate"), "TF"),
            ("tg", ind.severity_rate, ("Taux de gravité (TG)", "Severity rate"), "TG")]:
        # Every site and month, so one without hours reads "heures manquantes", not a gap.
        monthly = ind.site_month_grid(list(names), months).merge(
            fn(accidents, hours, ["site_id", "month"]), on=["site_id", "month"], how="left")
        counted = "lost_time" if key == "tf" else "days_lost"
        monthly[[counted, "hours"]] = monthly[[counted, "hours"]].fillna(0)
        overall = fn(accidents, hours, ["month"]).set_index("month").reindex(months)
        total = pd.Series([rate_cell(r[key], r.hours) for _, r in overall.iterrows()],
                          index=overall.index)
        by_title = (f"{title[0]} par mois", f"{title[1]} by month")
        drawn.append(charts.rate_lines(monthly, months, key, " / ".join(by_title), axis,
                                       f"chart-{key}", names))
        tables.append(Table(f"table-{key}", by_title,
                            html_table(by_month(monthly, months,
                                                lambda r: rate_cell(r[key], r.hours),
                                                names, total)), named(monthly, names)))
    for by, label, labels in [("site_id", ("Site", "Site"), names),
                              ("activity", ("Activité", "Activity"), ACTIVITY_NAMES)]:
        rates = ind.frequency_rate(accidents, hours, [by]).merge(
            ind.severity_rate(accidents, hours, [by])[[by, "days_lost", "tg"]], on=by)
        if by == "site_id":                 # every site, with or without hours entered
            rates = pd.DataFrame({by: sorted(names)}).merge(rates, on=by, how="left")
            rates[["lost_time", "days_lost"]] = rates[["lost_time", "days_lost"]].fillna(0)
        tables.append(Table(f"table-rates-{by}", (f"TF et TG par {label[0].lower()}",
                                                   f"TF and TG by {label[1].lower()}"),
                            html_table(pd.DataFrame({
                                both_languages(label): rates[by].map(lambda v: labels.get(v, v)),
                                "Accidents avec arrêt / Lost-time accidents": rates.lost_time,
                                "Jours perdus / Days lost": rates.days_lost,
                                "Heures travaillées / Hours worked": [
                                    thousands(h) if h > 0 else HOURS_MISSING
                                    for h in rates.hours],
                                "TF": [rate_cell(*v) for v in zip(rates.tf, rates.hours)],
                                "TG": [rate_cell(*v) for v in zip(rates.tg, rates.hours)]})),
                            rates[[by, "lost_time", "days_lost", "hours", "tf", "tg"]].assign(
                                **{by: rates[by].map(lambda v: labels.get(v, v))})))
    million, thousand = formats.number_words(1_000_000), formats.number_words(1_000)
    return Section(
        "rates", ("Accidents : TF et TG", "Accidents: frequency and severity rates"),
        (f"TF = accidents avec arrêt × {million['fr']} / heures travaillées ; "
         f"TG = jours perdus × {thousand['fr']} / heures travaillées. "
         f"Sans heures saisies : « {formats.HOURS_MISSING[0]} ».",
         f"TF = lost-time accidents × {million['en']} / hours worked; "
         f"TG = days lost × {thousand['en']} / hours worked. "
         f"No hours entered: “{formats.HOURS_MISSING[1]}”."),
        drawn, tables)


def leading_section(reports, visits, actions, months, names) -> Section:
    leading = lead.leading_indicators(reports, visits, actions, months, sorted(names))
    tables = []
    for by, label, title in [("site_id", ("Site", "Site"), ("Par site, sur 12 mois",
                                                               "By site, over 12 months")),
                             ("month", ("Mois", "Month"), ("Par mois, tous les sites",
                                                            "By month, all sites"))]:
        total = lead.totals(leading, by)
        total = (total.assign(site_id=total.site_id.map(lambda s: names.get(s, s)))
                 .sort_values("site_id") if by == "site_id" else
                 total.set_index("month").reindex(months, fill_value=0).reset_index())
        shown = pd.DataFrame({both_languages(label): total[by] if by == "site_id"
                              else total.month.map(formats.month_short)})
        for key in LEADING:
            shown[both_languages(HEADERS[key])] = (total[key].map(percent)
                                                   if key == "on_time_share" else total[key])
        tables.append(Table(f"table-leading-{by.removesuffix('_id')}", title,
                            html_table(shown), total[[by, *LEADING]].reset_index(drop=True)))
    return Section(
        "leading", ("Prévention : signalements, visites, actions",
                    "Prevention: reports, visits, actions"),
        ("Ce qui prévient les accidents avant qu'ils arrivent : les dangers signalés, les "
         "visites de sécurité, les actions du plan soldées avant leur date.",
         "What prevents accidents before they happen: hazards reported, safety visits, "
         "actions of the plan closed by their due date."), [], tables)


def sections_for(ctx, by: str, today: date) -> list[Section]:
    """Every section of the page, over the 12 months up to ``today``, from the store.

    The certification is counted by the database from each learner's row kept in the
    store (:func:`balise.store.certification.certification_counts`), the same figures as
    :meth:`~balise.context.BaliseContext.status` from scratch: that took 29 s at 100,000
    learners, on every view (``benchmarks/report.py``).
    """
    months = ind.last_months(today)
    programme, frame = ctx.models.programme, ctx.store.frame
    sites = frame(ctx.models.Site)
    names = dict(zip(sites.id, sites.name))
    teams = frame(programme.Team)
    return [certification_section(certification_counts(ctx, by, today), by, names),
            quarter_hour_section(teams, frame(programme.QuarterHour), months, names),
            warm_ups_section(teams, frame(programme.WarmUp), months, names),
            visits_section(frame(programme.SafetyVisit), months, names),
            rates_section(frame(programme.Accident), frame(programme.HoursWorked), months, names),
            leading_section(frame(records.HazardReport), frame(programme.SafetyVisit),
                            frame(records.Action), months, names)]


class DashboardHandler(Page):
    """``/balise/dashboard?by=site|activity|cohort``: the last 12 months, for coordinators.

    The figures and charts take a second or two: they are made in a thread,
    so learners submitting meanwhile are not kept waiting.
    """

    @require("coordinator")
    async def get(self):
        by = self.get_argument("by", "site")
        if by not in GROUPINGS:
            self.set_status(400)
            return self.show("message.html", title=BAD_GROUPING)
        today = date.today()
        sections = await asyncio.to_thread(sections_for, self.balise, by, today)
        fmt, wanted = self.get_argument("format", None), self.get_argument("table", None)
        if fmt is not None or wanted is not None:
            table = next((t for s in sections for t in s.tables
                          if t.id == wanted and t.data is not None), None)
            if table is None or fmt not in exports.FORMATS:
                self.set_status(400)
                return self.show("message.html", title=BAD_DOWNLOAD)
            lang = exports.language_of(self.reading())
            return exports.send(self, exports.shaped(table.data, table.columns(), lang),
                                f"{table.id.removeprefix('table-')}-{by}", fmt, lang)
        months = ind.last_months(today)
        late = [{**a, "due": formats.date_words(a["due_on"])}
                for a in overdue_actions(self.balise.store, today)]
        self.show("dashboard.html", sections=sections, by=by, groupings=GROUPINGS, late=late,
                  first=formats.month_words(months[0]), last=formats.month_words(months[-1]))
