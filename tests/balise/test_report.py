"""The monthly report from the page and from the command line (issue 21, items 3 and 6):
the CLI's figures are the dashboard's, a trainer gets her own site's report only, a
learner none, and a wrong site, a month to come or a month with nothing recorded is
said in plain words (the page's status 404 or 400, the command's exit status 2)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from html_tables import table
from openpyxl import load_workbook

from balise.formats import decimal, month_short, percent
from balise.report_cli import main as report_main

REPO = Path(__file__).resolve().parents[2]
MONTH = (date.today().replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")
LYON = "lyon-logistique"
HOURS_MISSING = "heures manquantes / hours missing"


def cli(server, tmp_path, *args: str) -> int:
    return report_main(["--config", str(REPO / "jupyter_config.py"), "report", "--month",
                        *args, "--data", str(server.data)])


def written(value) -> str:
    """A TF or TG cell of the XLSX as the dashboard writes it."""
    return value if isinstance(value, str) else plain(decimal(value, fixed=True))


def plain(text: str) -> str:
    """Text as the page's table reads (its narrow and no-break spaces as spaces)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def tf_sheet(body: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(body))["TF et TG"]
    heads = [c.value for c in sheet[1]]
    return {r[0].value.strftime("%Y-%m"): dict(zip(heads, [c.value for c in r]))
            for r in sheet.iter_rows(min_row=2)}


def test_the_cli_and_the_page_give_the_dashboards_rates(server, coordinator, tmp_path,
                                                       capsys):
    board = coordinator.get(server.url + "balise/dashboard").text
    tf = {row["Mois / Month"]: row for row in table(board, "table-tf")}
    tg = {row["Mois / Month"]: row for row in table(board, "table-tg")}
    out = tmp_path / "group.xlsx"
    assert cli(server, tmp_path, MONTH, "--format", "xlsx", "--out", str(out)) == 0
    assert capsys.readouterr().err == ""             # no progress bar outside a terminal
    group = tf_sheet(out.read_bytes())
    shown = month_short(MONTH)
    assert written(group[MONTH]["TF"]) == tf[shown]["Tous les sites / All sites"]
    assert written(group[MONTH]["TG"]) == tg[shown]["Tous les sites / All sites"]
    held = load_workbook(out)["Quart d'heure"]
    qh = {r[0].value.strftime("%Y-%m"): [c.value for c in r] for r in held.iter_rows(min_row=2)}
    _, expected, done, rate = qh[MONTH]
    board_qh = {row["Mois / Month"]: row for row in table(board, "table-quarter-hour")}
    said = f"{done} / {expected} · {percent(rate)}"
    assert board_qh[shown]["Tous les sites / All sites"] == plain(said)
    page = coordinator.get(server.url + "balise/report",
                           params={"month": MONTH, "site": LYON, "format": "xlsx"})
    assert page.status_code == 200 and "rapport-lyon-logistique" in page.headers[
        "Content-Disposition"]
    lyon = tf_sheet(page.content)
    column = next(k for k in tf[shown] if k.startswith("Lyon"))
    both = [m for m in lyon if month_short(m) in tf]     # the dashboard's 12 months
    assert MONTH in both and len(both) >= 11
    for month in both:
        assert written(lyon[month]["TF"]) == tf[month_short(month)][column], month


FUTURE = (date.today() + relativedelta(months=2)).strftime("%Y-%m")


@pytest.mark.parametrize("month, site, words", [
    (MONTH, "nowhere", "There is no site 'nowhere'."),
    (FUTURE, None, "has not come yet"),
    ("2019-01", None, "Nothing recorded in January 2019"),
])
def test_the_cli_refuses_in_plain_words_with_status_2(server, tmp_path, capsys, month, site,
                                                      words):
    out = tmp_path / "r.pdf"
    args = ["--site", site] if site else []
    assert cli(server, tmp_path, month, *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    if site:                  # the sites it knows (other tests may have added some)
        assert "Sites:" in err and all(
            s in err for s in ("lille-recyclage", "lyon-logistique", "marseille-chantiers"))
    assert not out.exists()


def test_a_trainer_gets_her_sites_report_only_and_a_learner_none(server, trainer):
    learner = server.session("amina")
    form = trainer.get(server.url + "balise/report")
    assert form.status_code == 200 and 'id="download-pdf"' in form.text
    assert 'id="report-site"' not in form.text        # no other site to pick
    pdf = trainer.get(server.url + "balise/report", params={"month": MONTH, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    other = trainer.get(server.url + "balise/report", params={
        "month": MONTH, "site": "marseille-chantiers", "format": "pdf"})
    assert other.status_code == 403 and not other.content.startswith(b"%PDF")
    for params in ({}, {"month": MONTH, "format": "csv"}):
        refused = learner.get(server.url + "balise/report", params=params)
        assert refused.status_code == 403 and not refused.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("params, status, words", [
    ({"site": "nowhere"}, 404, "Le site « nowhere » n'existe pas. Sites :"),
    ({"month": "2099-01"}, 400, "janvier 2099 n'est pas encore arrivé"),
    ({"month": "2019-01"}, 404, "Rien d'enregistré en janvier 2019"),
    ({"format": "docx"}, 400, "Format inconnu"),
])
def test_the_page_says_why_a_report_cannot_be_made(server, coordinator, params, status,
                                                   words):
    asked = {"month": MONTH, "format": "pdf", **params}
    page = coordinator.get(server.url + "balise/report", params=asked)
    assert page.status_code == status
    assert words in page.text.replace("&#39;", "'").replace("Janvier", "janvier")
    assert 'id="report-form"' in page.text             # the form again, to fix it
