"""One definition of every figure (issue 20, item 6): each count, share and rate a page
shows is the value of the one function in ``balise.progress`` that defines it, for the
same site, activity and month. Each test renders the pages of a running demo server,
reads their tables as a person reads them (``tests/html_tables.py``), and compares.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from html_tables import number, table

from balise.formats import month_short
from balise.progress import indicators as ind

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def frames(server):
    """The store's tables and the certification, as the server reads them today."""
    from balise.config import Balise
    from balise.context import BaliseContext

    ctx = BaliseContext.open(Balise(data_dir=str(server.data)))
    try:
        programme, frame = ctx.models.programme, ctx.store.frame
        people = frame(ctx.models.Person)
        _, cert = ctx.status(date.today(), people=people)
        sites = frame(ctx.models.Site)
        yield {"people": people, "cert": cert, "names": dict(zip(sites.id, sites.name)),
               "teams": frame(programme.Team), "visits": frame(programme.SafetyVisit),
               "quarter_hours": frame(programme.QuarterHour),
               "accidents": frame(programme.Accident), "hours": frame(programme.HoursWorked)}
    finally:
        ctx.store.dispose()


CERTIFICATION = {"learners": "Personnes / Learners", "certified": "Certifiés / Certified",
                 "expiring_30": "Expirent sous 30 jours / Expiring within 30 days",
                 "overdue": "En retard / Overdue"}


def test_the_coordinators_table_and_the_dashboard_count_each_site_alike(server, frames,
                                                                       coordinator):
    today = date.today()
    shares = ind.certification_shares(frames["people"], frames["cert"], "site", today)
    expected = {frames["names"].get(s, s): row for s, row in shares.set_index("site").iterrows()}
    front = coordinator.get(server.url + "balise/coordinator").text
    board = coordinator.get(server.url + "balise/dashboard", params={"by": "site"}).text
    for where, rows, key in [("coordinator", table(front, "sites"), "Site"),
                             ("dashboard", table(board, "table-certification"), "Site")]:
        shown = {row[key]: row for row in rows}
        assert set(shown) >= set(expected), where
        for name in set(shown) - set(expected):        # a site without learners: all 0
            assert all(number(shown[name][h]) == 0 for h in CERTIFICATION.values()), name
        for name, row in expected.items():
            for column, header in CERTIFICATION.items():
                assert number(shown[name][header]) == row[column], (where, name, column)
    assert sum(row.learners for row in expected.values()) > 0


@pytest.mark.parametrize("by", ["activity", "cohort"])
def test_the_dashboard_by_activity_and_cohort_is_the_shares_function(server, frames,
                                                                     coordinator, by):
    shares = ind.certification_shares(frames["people"], frames["cert"], by, date.today())
    page = coordinator.get(server.url + "balise/dashboard", params={"by": by}).text
    rows = table(page, "table-certification")
    assert len(rows) == len(shares)
    for row, (_, want) in zip(rows, shares.iterrows()):
        for column, header in CERTIFICATION.items():
            assert number(row[header]) == want[column], (by, want[by], column)


def test_accident_rates_by_site_are_the_rate_functions_over_the_twelve_months(
        server, frames, coordinator):
    months = ind.last_months(date.today())
    accidents = ind.in_months(frames["accidents"], "on", months)
    hours = ind.in_months(frames["hours"], "month", months)
    tf = ind.frequency_rate(accidents, hours, ["site_id"]).set_index("site_id")
    tg = ind.severity_rate(accidents, hours, ["site_id"]).set_index("site_id")
    page = coordinator.get(server.url + "balise/dashboard").text
    rows = {row["Site"]: row for row in table(page, "table-rates-site_id")}
    assert set(rows) == set(frames["names"].values())           # every site, hours or not
    nothing = {"lost_time": 0, "hours": 0.0, "tf": math.nan}
    for site, name in frames["names"].items():
        want = tf.loc[site] if site in tf.index else pd.Series(nothing)
        row = rows[name]
        assert number(row["Accidents avec arrêt / Lost-time accidents"]) == want.lost_time
        days = tg.loc[site, "days_lost"] if site in tg.index else 0
        assert number(row["Jours perdus / Days lost"]) == days
        if not want.hours > 0:
            assert row["TF"] == row["TG"] == "heures manquantes / hours missing", site
            assert row["Heures travaillées / Hours worked"] == row["TF"], site
            continue
        assert number(row["Heures travaillées / Hours worked"]) == round(want.hours)
        assert math.isclose(number(row["TF"]), want.tf, abs_tol=0.005), site
        assert math.isclose(number(row["TG"]), tg.loc[site, "tg"], abs_tol=0.005), site


def test_visits_and_quarter_hours_by_site_and_month_are_their_functions(server, frames,
                                                                        coordinator):
    months = ind.last_months(date.today())
    names = frames["names"]
    visits = ind.safety_visits(frames["visits"], months, sorted(names))
    rate = ind.quarter_hour_rate(frames["teams"], frames["quarter_hours"], months)
    page = coordinator.get(server.url + "balise/dashboard").text
    shown_visits = {row["Mois / Month"]: row for row in table(page, "table-visits")}
    shown_rate = {row["Mois / Month"]: row for row in table(page, "table-quarter-hour")}
    checked = 0
    for want in visits.itertuples():
        cell = shown_visits[month_short(want.month)][names.get(want.site_id, want.site_id)]
        assert cell == f"{want.visits} ({want.with_module})", (want.site_id, want.month)
        checked += want.visits
    for want in rate.itertuples():
        cell = shown_rate[month_short(want.month)][names.get(want.site_id, want.site_id)]
        assert cell.startswith(f"{want.held} / {want.expected}"), (want.site_id, want.month)
    assert checked > 0


def test_leading_indicators_by_site_are_their_functions(server, coordinator):
    """Reports, visits and actions by site on the dashboard: the leading indicators'
    one function, over the same 12 months, on the same store (read after the page)."""
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.progress import leading
    from balise.store import records

    page = coordinator.get(server.url + "balise/dashboard").text
    ctx = BaliseContext.open(Balise(data_dir=str(server.data)))
    try:
        frame, programme = ctx.store.frame, ctx.models.programme
        names = dict(zip(*frame(ctx.models.Site)[["id", "name"]].T.values))
        want = leading.totals(leading.leading_indicators(
            frame(records.HazardReport), frame(programme.SafetyVisit), frame(records.Action),
            ind.last_months(date.today()), sorted(names)), "site_id")
    finally:
        ctx.store.dispose()
    shown = {row["Site"]: row for row in table(page, "table-leading-site")}
    assert set(shown) == set(names.values())
    for row in want.itertuples():
        cells = shown[names[row.site_id]]
        assert number(cells["Signalements / Hazard reports"]) == row.reports
        assert number(cells["Visites / Visits"]) == row.visits
        assert number(cells["Soldées à temps / Closed on time"]) == row.actions_on_time
        assert number(cells["Actions soldées / Actions closed"]) == row.actions_closed


def review_figures(page: str) -> dict[str, str]:
    """The monthly review's figures: {figure id: the value as written}."""
    import html as html_module
    import re

    found = re.findall(r'<li id="figure-([a-z-]+)">.*?<p class="value[^"]*">(.*?)</p>', page,
                       re.S)
    return {key: " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", v)).split())
            for key, v in found}


def test_the_monthly_review_of_each_site_says_its_functions_figures(server, frames,
                                                                    coordinator):
    """Last month (a whole one) of every site: the review's TF, visits, quarter-hours,
    hazard reports and actions closed on time are the dashboard's functions' values."""
    from dateutil.relativedelta import relativedelta

    from balise.progress.actions import action_counts
    from balise.progress.leading import hazard_counts
    from balise.store import records

    month = (date.today().replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")
    names = frames["names"]
    ctx_frames = _records(server)
    accidents = ind.in_months(frames["accidents"], "on", [month])
    hours = ind.in_months(frames["hours"], "month", [month])
    tf = ind.frequency_rate(accidents, hours, ["site_id"]).set_index("site_id")
    visits = ind.safety_visits(frames["visits"], [month], sorted(names)).set_index("site_id")
    rate = ind.quarter_hour_rate(frames["teams"], frames["quarter_hours"],
                                 [month]).set_index("site_id")
    reports = hazard_counts(ctx_frames[records.HazardReport], [month],
                            sorted(names)).set_index("site_id")
    acted = action_counts(ctx_frames[records.Action], [month], sorted(names)).set_index(
        "site_id")
    for site in names:
        shown = review_figures(coordinator.get(
            server.url + f"balise/review/{site}/{month}").text)
        if site in tf.index and tf.loc[site, "hours"] > 0:
            assert math.isclose(number(shown["tf"]), tf.loc[site, "tf"], abs_tol=0.005), site
        else:
            assert shown["tf"].endswith("heures manquantes / hours missing"), site
        assert number(shown["visits"]) == visits.loc[site, "visits"], site
        assert number(shown["reports"]) == reports.loc[site, "reports"], site
        assert shown["actions"] == (f"{acted.loc[site, 'closed_on_time']} / "
                                    f"{acted.loc[site, 'closed']}"), site
        want = rate.loc[site, "rate"] if site in rate.index else float("nan")   # no teams
        if want == want:
            assert number(shown["quarter-hours"].split()[0]) == round(100 * want), site
        else:
            assert shown["quarter-hours"] == "—", site


def _records(server) -> dict:
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.store import records

    ctx = BaliseContext.open(Balise(data_dir=str(server.data)))
    try:
        return {model: ctx.store.frame(model) for model in (records.HazardReport,
                                                             records.Action)}
    finally:
        ctx.store.dispose()
