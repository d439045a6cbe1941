"""The monthly report (issue 21, item 3): each figure is its one function's value for the
site and month, the 12 months before are there, a month without hours says so, the
summary is short easy French then English, and the PDF, XLSX and CSV carry the figures."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest

from balise.progress import indicators as ind
from balise.progress import leading as lead
from balise.progress import monthly_report as mr

TODAY = date(2026, 12, 7)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


@pytest.fixture
def frames() -> dict:
    sites = pd.DataFrame({"id": ["lyon", "marseille"], "name": ["Lyon", "=Marseille"]})
    teams = pd.DataFrame({"id": ["t1", "t2", "t3"], "site_id": ["lyon", "lyon", "marseille"]})
    accidents = pd.DataFrame({
        "id": [1, 2, 3, 4], "site_id": ["lyon", "lyon", "marseille", "lyon"],
        "on": [date(2026, 11, 5), date(2026, 11, 20), date(2026, 11, 10), date(2025, 11, 3)],
        "lost_time": [True, False, True, True], "days_lost": [4, 0, 2, 1],
        "activity": ["logistics"] * 4})
    hours = pd.DataFrame({"site_id": ["lyon", "marseille", "lyon"], "activity": ["logistics"] * 3,
                          "month": [date(2026, 11, 1), date(2026, 11, 1), date(2025, 11, 1)],
                          "hours": [10_000.0, 5_000.0, 8_000.0]})
    quarter_hours = pd.DataFrame({"team_id": ["t1", "t1", "t3"],
                                  "on": [date(2026, 11, 2), date(2026, 11, 15),
                                         date(2026, 11, 3)]})
    warm_ups = pd.DataFrame({"team_id": ["t1", "t1", "t1"],
                             "on": [date(2026, 11, d) for d in (2, 3, 4)]})
    visits = pd.DataFrame({"id": [1, 2], "site_id": ["lyon", "marseille"],
                           "on": [date(2026, 11, 7), date(2026, 10, 7)],
                           "module_id": ["falls", None]})
    reports = pd.DataFrame({"id": [1], "site_id": ["lyon"], "state": ["closed"],
                            "created_at": [ts("2026-11-08 10:00")]})
    actions = pd.DataFrame({"id": [1, 2], "site_id": ["lyon", "lyon"],
                            "created_at": [ts("2026-11-02 09:00"), ts("2026-09-01 09:00")],
                            "due_on": [date(2026, 11, 20), date(2026, 10, 1)],
                            "done_on": [date(2026, 11, 18), None], "state": ["done", "open"]})
    people = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"],
                           "role": ["learner"] * 3, "site_id": ["lyon", "lyon", "marseille"],
                           "activity": ["logistics"] * 3,
                           "placement_start": [date(2026, 1, 5)] * 3, "ended_on": [None] * 3})
    cert = pd.DataFrame({"learner": ["a", "b", "c"], "route": ["r"] * 3,
                         "certified": [True, False, True],
                         "valid_until": [date(2027, 6, 1), None, date(2027, 6, 1)]})
    attempts = pd.DataFrame({"learner_id": ["a"], "submitted_at": [ts("2026-11-03 10:00")]})
    return {"accidents": accidents, "hours": hours, "teams": teams,
            "quarter_hours": quarter_hours, "warm_ups": warm_ups, "visits": visits,
            "reports": reports, "actions": actions, "attempts": attempts, "people": people,
            "cert": cert, "sites": sites}


def test_a_sites_figures_are_the_functions_values_for_that_site_and_month(frames):
    report = mr.monthly_report(frames, "lyon", "2026-11", TODAY)
    tf = ind.frequency_rate(frames["accidents"], frames["hours"], ["site_id", "month"])
    tg = ind.severity_rate(frames["accidents"], frames["hours"], ["site_id", "month"])
    row = report.this_month("rates")
    want = tf[(tf.site_id == "lyon") & (tf.month == "2026-11")].iloc[0]
    assert (row.lost_time, row.hours, row.tf) == (want.lost_time, want.hours, want.tf) == (
        1, 10_000.0, 100.0)
    assert row.tg == tg[(tg.site_id == "lyon") & (tg.month == "2026-11")].tg.iloc[0] == 0.4
    qh = ind.quarter_hour_rate(frames["teams"], frames["quarter_hours"], ["2026-11"])
    want = qh[qh.site_id == "lyon"].iloc[0]
    got = report.this_month("quarter_hours")
    assert (got.expected, got.held, got.rate) == (want.expected, want.held, want.rate) == (
        2, 1, 0.5)
    leading = lead.leading_indicators(frames["reports"], frames["visits"], frames["actions"],
                                      ["2026-11"], ["lyon"]).iloc[0]
    got = report.this_month("prevention")
    for key in lead.COUNTS:
        assert got[key] == leading[key], key
    assert (got.reports, got.visits, got.actions_closed, got.actions_on_time) == (1, 1, 1, 1)
    assert report.this_month("warm_ups").warm_ups == 3
    shares = ind.certification_shares(frames["people"], frames["cert"], "site", date(2026, 11, 30))
    assert report.certification.learners.tolist() == [shares.set_index("site").learners["lyon"]]
    assert report.overdue_actions == 1


def test_the_groups_rates_are_the_functions_over_all_sites_with_the_12_months_before(frames):
    report = mr.monthly_report(frames, None, "2026-11", TODAY)
    assert report.months[0] == "2025-11" and report.months[-1] == "2026-11"
    assert len(report.rates) == 13
    tf = ind.frequency_rate(frames["accidents"], frames["hours"], ["month"]).set_index("month")
    assert report.this_month("rates").tf == tf.tf["2026-11"] == pytest.approx(2e6 / 15_000)
    assert report.rates.iloc[0].tf == tf.tf["2025-11"] == 125.0
    assert sorted(report.certification.site) == ["=Marseille", "Lyon"]


def test_a_month_without_hours_says_hours_missing_never_zero(frames):
    report = mr.monthly_report(frames, "marseille", "2026-10", TODAY)
    row = report.this_month("rates")
    assert row.hours == 0 and pd.isna(row.tf) and pd.isna(row.tg)
    fr, en = " ".join(report.summary["fr"]), " ".join(report.summary["en"])
    assert "heures manquantes" in fr and "hours missing" in en
    assert "le TF est de" not in fr and "TF est de 0" not in fr
    assert "Aucune équipe n'a fait d'échauffement." in report.summary["fr"]   # not "0 ..."
    assert "Personne n'a signalé de danger." in report.summary["fr"]


@pytest.mark.parametrize("site, month, words", [
    ("nowhere", "2026-11", "Sites : lyon, marseille"),
    (None, "2027-01", "pas encore arrivé"),
    (None, "2026-13", "n'est pas un mois"),
    ("lyon", "2024-03", "Rien d'enregistré en mars 2024"),
])
def test_a_report_that_cannot_be_made_says_why_in_plain_words(frames, site, month, words):
    with pytest.raises(mr.ReportRefused) as refused:
        mr.monthly_report(frames, site, month, TODAY)
    assert words in refused.value.said["fr"]
    assert refused.value.said["en"] == str(refused.value)


def test_the_summary_is_short_easy_french_then_the_same_in_english(frames):
    report = mr.monthly_report(frames, "lyon", "2026-11", TODAY)
    fr, en = report.summary["fr"], report.summary["en"]
    assert len(fr) == len(en) >= 10
    assert "En novembre 2026, 1 accident avec arrêt." in fr
    assert "In November 2026, 1 lost-time accident." in en
    assert "TF veut dire taux de fréquence." in fr
    assert "En novembre 2026, le TF est de 100,00." in fr
    assert "In November 2026, the TF is 100.00." in en
    for sentence in fr:
        assert len(sentence.split()) <= 14, sentence
    assert "Le quart d'heure sécurité a eu lieu dans 1 équipe sur 2 équipes." in fr
    assert fr[-8:] == ["1 danger a été signalé.", "1 est réglé.",
                       "1 action de prévention est finie.", "1 à temps.",
                       "1 action est en retard.", "1 personne sur 2 a son certificat.",
                       "1 personne n'a pas son certificat à temps.",
                       "Vous voyez un danger ? Signalez-le sur Balise."]
    assert en[-3:-1] == ["1 person out of 2 holds their certificate.",
                         "1 person did not get a certificate in time."]


def test_the_pdf_says_the_summary_and_the_sites_tf_as_the_dashboard_writes_it(frames):
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (test extra)")
    from balise.progress.report_pdf import render

    report = mr.monthly_report(frames, "lyon", "2026-11", TODAY)
    body = render(report, TODAY)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert body.startswith(b"%PDF")
    assert text.index("En bref, en français facile") < text.index("In short, in English")
    assert "100,00" in text and "Échauffements" in text
    assert "heures manquantes" in text          # the months before without hours
    assert "Lyon" in text


def test_the_xlsx_and_the_csv_hold_the_same_typed_tables(frames):
    from openpyxl import load_workbook

    from balise.report_cli import csv_bytes, xlsx_bytes

    report = mr.monthly_report(frames, None, "2026-11", TODAY)
    book = load_workbook(io.BytesIO(xlsx_bytes(report, "fr")))
    assert book.sheetnames[0] == "Résumé" and "TF et TG" in book.sheetnames
    sheet = book["TF et TG"]
    heads = [c.value for c in sheet[1]]
    rows = {r[0].value.strftime("%Y-%m"): dict(zip(heads, [c.value for c in r]))
            for r in sheet.iter_rows(min_row=2)}
    assert rows["2026-11"]["TF"] == pytest.approx(2e6 / 15_000)
    assert rows["2026-10"]["TF"] == "heures manquantes / hours missing"
    assert book["Certification"]["A2"].data_type == "s"        # "=Marseille" stays text
    text = csv_bytes(report, "fr").decode("utf-8-sig")
    titles = [t for t in ("Résumé", "Accidents : TF et TG", "Quart d'heure sécurité",
                          "Échauffements", "Certification") if re.search(f"^{t}$", text, re.M)]
    assert len(titles) == 5
    assert "'=Marseille" in text and "133,33" in text
