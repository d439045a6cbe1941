"""The coordinator's dashboard: who may see it, what it shows, and a bad grouping."""

import html
import re
from datetime import date

import pandas as pd
import pytest

from balise.formats import percent
from balise.web.dashboard import by_month, quarter_hour_cell, rates_section

MONTHS = ["2026-09", "2026-10"]


def test_month_table_puts_sites_across_by_name_and_fills_missing_months():
    frame = pd.DataFrame([("lyon", "2026-09", 2, 2, 1.0), ("lille", "2026-09", 0, 1, 0.0)],
                         columns=["site_id", "month", "held", "expected", "rate"])
    out = by_month(frame, MONTHS, quarter_hour_cell, {"lyon": "Lyon", "lille": "Lille"})
    assert list(out.columns) == ["Mois / Month", "Lille", "Lyon"]
    assert out.iloc[0].tolist() == ["09/2026", f"0 / 1 · {percent(0)}", f"2 / 2 · {percent(1)}"]
    assert out.iloc[1, 1:].isna().all()                            # October: nothing recorded


def test_rates_section_says_hours_missing_never_zero_or_infinity():
    """September has an accident and no hours; October neither: both read "heures
    manquantes", by month, in the month's total and by site; never "inf" nor a rate 0."""
    accidents = pd.DataFrame([(1, "paris", "logistics", date(2026, 9, 5), True, 10)],
                             columns=["id", "site_id", "activity", "on", "lost_time",
                                      "days_lost"])
    hours = pd.DataFrame(columns=["site_id", "activity", "month", "hours"])
    section = rates_section(accidents, hours, MONTHS, {"paris": "Paris"})
    page = "".join(t.html for t in section.tables)
    assert "inf" not in page and "<td>0,00</td>" not in page
    monthly = section.tables[0].html
    assert monthly.count("heures manquantes / hours missing") == 4      # 2 months × (Paris, all)
    assert "heures manquantes / hours missing" in section.tables[2].html    # by site
    assert len(section.charts) == 2 and all(c.startswith("<svg") for c in section.charts)


def test_rates_read_with_a_decimal_comma_and_hours_grouped_by_thousands():
    accidents = pd.DataFrame([(1, "paris", "logistics", date(2026, 9, 5), True, 10)],
                             columns=["id", "site_id", "activity", "on", "lost_time",
                                      "days_lost"])
    hours = pd.DataFrame([("paris", "logistics", date(2026, 9, 1), 19_600.0)],
                         columns=["site_id", "activity", "month", "hours"])
    page = "".join(t.html for t in rates_section(accidents, hours, MONTHS,
                                                 {"paris": "Paris"}).tables)
    assert "<td>51,02</td>" in page and "<td>0,51</td>" in page     # TF and TG
    assert re.search(r"<td>19\s600</td>", page)
    assert not re.search(r"\d\.\d", page)


@pytest.mark.slow
def test_coordinator_sees_every_indicator_with_charts(server):
    r = server.session("coordinateur").get(server.url + "balise/dashboard")
    assert r.status_code == 200
    text = html.unescape(r.text)
    for heading in ("Tableau de bord", "Certification par site", "Quart d'heure sécurité",
                    "Échauffements", "Visites de sécurité", "Taux de fréquence (TF)",
                    "Taux de gravité (TG)", "Frequency rate", "Severity rate"):
        assert heading in text, heading
    assert text.count('<svg') >= 4 and 'role="img"' in text
    assert text.count('class="table-wrap"') >= text.count("<svg")    # a table for each chart


@pytest.mark.slow
@pytest.mark.parametrize("by,heading", [("activity", "Certification par activité"),
                                        ("cohort", "Certification par cohorte")])
def test_coordinator_chooses_the_grouping(server, by, heading):
    r = server.session("coordinateur").get(server.url + f"balise/dashboard?by={by}")
    assert r.status_code == 200 and heading in html.unescape(r.text)
    assert f'by={by}" aria-current="page"' in r.text


@pytest.mark.slow
@pytest.mark.parametrize("who", ["amina", "formatrice"])
def test_dashboard_is_forbidden_to_learners_and_trainers(server, who):
    r = server.session(who).get(server.url + "balise/dashboard")
    assert r.status_code == 403
    assert "Cette page n'est pas pour votre rôle" in html.unescape(r.text)
    assert "<svg" not in r.text


@pytest.mark.slow
def test_unknown_grouping_gets_a_plain_message(server):
    r = server.session("coordinateur").get(server.url + "balise/dashboard?by=nonsense")
    assert r.status_code == 400
    text = html.unescape(r.text)
    assert "Regroupement inconnu" in text and "Unknown grouping" in text
    assert "Traceback" not in text and "nonsense" not in text


@pytest.mark.slow
def test_coordinator_page_links_to_the_dashboard(server):
    r = server.session("coordinateur").get(server.url + "balise/coordinator")
    assert 'balise/dashboard"' in r.text


@pytest.mark.slow
def test_every_dashboard_table_downloads_with_the_figures_it_shows(server):
    import io

    import openpyxl

    from balise.progress.indicators import certification_shares

    s = server.session("coordinateur")
    page = s.get(server.url + "balise/dashboard").text
    tables = re.findall(r'id="(table-[\w-]+)" tabindex', page)
    links = re.findall(r'href="[^"]*balise/dashboard\?by=site&amp;table=(table-[\w-]+)&amp;'
                       r'format=xlsx"', page)
    assert tables and links == tables                      # every table, one link each
    books = {}
    for table in tables:
        r = s.get(server.url + "balise/dashboard", params={"by": "site", "table": table,
                                                            "format": "xlsx"})
        assert r.status_code == 200, table
        books[table] = openpyxl.load_workbook(io.BytesIO(r.content)).active
        assert books[table].max_row >= 2, table
    cert = books["table-certification"]
    header = [c.value for c in cert[1]]
    assert header[:3] == ["Site", "Personnes", "Certifiés"]
    rows = {row[0].value: row for row in cert.iter_rows(min_row=2)}
    from balise.config import Balise
    from balise.context import BaliseContext

    ctx = BaliseContext.open(Balise(data_dir=str(server.data)))
    try:
        people, sites = ctx.store.frame(ctx.models.Person), ctx.store.frame(ctx.models.Site)
        _, c = ctx.status(date.today(), people=people)
        shares = certification_shares(people, c, "site", date.today())
    finally:
        ctx.store.dispose()
    names = dict(zip(sites.id, sites.name))
    for r in shares.itertuples():                           # typed numbers, the same figures
        row = rows[names[r.site]]
        assert row[1].value == r.learners and row[2].value == r.certified
        assert row[header.index("En retard")].value == r.overdue


@pytest.mark.slow
@pytest.mark.parametrize("query", ["table=table-nope&format=csv", "table=table-tf&format=exe",
                                   "format=csv"])
def test_a_bad_download_gets_a_plain_message(server, query):
    r = server.session("coordinateur").get(server.url + f"balise/dashboard?{query}")
    assert r.status_code == 400 and "Tableau ou format inconnu" in html.unescape(r.text)


@pytest.mark.slow
def test_the_routes_by_site_table_downloads_with_its_figures(server):
    import io

    import openpyxl

    s = server.session("coordinateur")
    page = s.get(server.url + "balise/coordinator").text
    assert 'balise/coordinator?format=xlsx"' in page
    cells = [re.findall(r"<td>([^<]*)</td>", row) for row in
             re.findall(r"<tr>(.*?)</tr>", page.split('id="sites"', 1)[1].split("</table>")[0],
                        re.S)]
    shown = {html.unescape(c[0]): int(c[1]) for c in cells if c}
    r = s.get(server.url + "balise/coordinator", params={"format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:2] == ["Site", "Personnes"]
    assert {row[0].value: row[1].value for row in ws.iter_rows(min_row=2)} == shown
    bad = s.get(server.url + "balise/coordinator", params={"format": "doc"})
    assert bad.status_code == 400 and "Format de fichier inconnu" in html.unescape(bad.text)


def test_the_tables_markup_is_pandas_own_character_for_character(server, monkeypatch):
    """The dashboard writes its tables itself (pandas' writer was a third of their time):
    the same markup as ``to_html``, on hand-made edge cases and on every table of the
    demo's dashboard in each grouping."""
    import numpy as np

    from balise import formats
    from balise.config import Balise
    from balise.context import BaliseContext
    from balise.web import dashboard

    def pandas_markup(shown):
        return shown.to_html(index=False, escape=True, classes="balise-table", border=0,
                             na_rep=formats.MISSING)

    odd = pd.DataFrame({"Mois": ["01/2026", "02/2026"], "A & <B>": ["<b>x</b> & y", None],
                        "oui": [True, False], "z": [np.nan, "y"], "k": [1, 2]})
    for frame in (odd, odd.iloc[:0], pd.DataFrame({"a": ["—", "50 %"]})):
        assert dashboard.table_markup(frame) == pandas_markup(frame)
    # One difference, on purpose: a missing date among words is a dash, where pandas
    # wrote "NaT".
    assert "<td>NaT</td>" not in dashboard.table_markup(pd.DataFrame({"d": [pd.NaT, "x"]}))
    written = []
    own = dashboard.table_markup

    def compared(shown):
        assert own(shown) == pandas_markup(shown)
        written.append(shown)
        return own(shown)

    monkeypatch.setattr(dashboard, "table_markup", compared)
    ctx = BaliseContext.open(Balise(data_dir=str(server.data), courses_dir="courses"))
    try:
        for by in ("site", "activity", "cohort"):
            dashboard.sections_for(ctx, by, date.today())
    finally:
        ctx.store.dispose()
    assert len(written) >= 15
