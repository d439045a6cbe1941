"""A chart is drawn once per input: seen again with the same figures, the dashboard does not
draw it again; a changed figure is drawn, and the new figure is in the SVG."""

import re
from datetime import date

import pandas as pd
import pytest

from balise.progress import charts
from balise.progress.indicators import certification_shares, quarter_hour_rate

MONTHS = ["2026-09", "2026-10", "2026-11"]


@pytest.fixture
def drawings(monkeypatch):
    """Each chart matplotlib draws, by title; the remembered charts forgotten first."""
    drawn: list[str] = []
    draw = charts._chart

    def counted(how, title, chart_id):
        drawn.append(title)
        return draw(how, title, chart_id)

    monkeypatch.setattr(charts, "_chart", counted)
    monkeypatch.setattr(charts, "_drawn", type(charts._drawn)())
    return drawn


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def rates(value: float) -> pd.DataFrame:
    return pd.DataFrame([("lyon", "2026-09", value), ("lyon", "2026-10", 4.0)],
                        columns=["site_id", "month", "tf"])


def test_the_same_figures_give_the_same_chart_without_drawing_again(drawings):
    first = charts.rate_lines(rates(12.5), MONTHS, "tf", "TF", "TF", "chart-tf",
                              names={"lyon": "Lyon"})
    again = charts.rate_lines(rates(12.5), MONTHS, "tf", "TF", "TF", "chart-tf",
                              names={"lyon": "Lyon"})
    assert again == first and drawings == ["TF"]


def test_a_changed_figure_is_drawn_anew_and_shows(drawings):
    before = charts.rate_lines(rates(12.5), MONTHS, "tf", "TF", "TF", "chart-tf")
    after = charts.rate_lines(rates(37.5), MONTHS, "tf", "TF", "TF", "chart-tf")
    assert drawings == ["TF", "TF"] and after != before
    assert max(float(t.replace(",", ".")) for t in texts(after) if re.fullmatch(r"[\d,]+", t)) \
        > max(float(t.replace(",", ".")) for t in texts(before) if re.fullmatch(r"[\d,]+", t))


def test_a_new_quarter_hour_shows_its_new_percent(drawings):
    teams = pd.DataFrame([("quai", "lyon"), ("tri", "lyon")], columns=["id", "site_id"])
    one = pd.DataFrame([(1, "quai", date(2026, 9, 5))], columns=["id", "team_id", "on"])
    two = pd.DataFrame([(1, "quai", date(2026, 9, 5)), (2, "tri", date(2026, 9, 6))],
                       columns=["id", "team_id", "on"])
    half = charts.quarter_hour_bars(quarter_hour_rate(teams, one, MONTHS, by_site=False),
                                    "QH", "chart-qh")
    full = charts.quarter_hour_bars(quarter_hour_rate(teams, two, MONTHS, by_site=False),
                                    "QH", "chart-qh")
    assert len(drawings) == 2
    assert "50 %" in [t.replace("\u202f", " ").replace("\xa0", " ") for t in texts(half)]
    assert "100 %" in [t.replace("\u202f", " ").replace("\xa0", " ") for t in texts(full)]


def test_other_words_or_another_id_draw_their_own_chart(drawings):
    shares = certification_shares(
        pd.DataFrame([("a", "learner", "lyon", "logistics", date(2026, 1, 1))],
                     columns=["id", "role", "site_id", "activity", "placement_start"]),
        pd.DataFrame([("a", "logistics", True, date(2026, 12, 1))],
                     columns=["learner", "route", "certified", "valid_until"]),
        "site", date(2026, 11, 25))
    a = charts.certification_bars(shares, "site", "Par site", "chart-a", names={"lyon": "Lyon"})
    b = charts.certification_bars(shares, "site", "Par site", "chart-b", names={"lyon": "Lyon"})
    c = charts.certification_bars(shares, "site", "Par site", "chart-a",
                                  names={"lyon": "Lyon Est"})
    assert len(drawings) == 3 and 'id="chart-b"' in b and "Lyon Est" in c and "Lyon Est" not in a


def test_only_the_last_charts_are_kept(drawings, monkeypatch):
    monkeypatch.setattr(charts, "REMEMBERED", 2)
    for value in (1.0, 2.0, 3.0):
        charts.rate_lines(rates(value), MONTHS, "tf", "TF", "TF", "chart-tf")
    assert len(charts._drawn) == 2
    charts.rate_lines(rates(1.0), MONTHS, "tf", "TF", "TF", "chart-tf")   # forgotten: drawn
    assert len(drawings) == 4
