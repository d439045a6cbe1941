"""The dashboard's charts: inline SVG that announces its title, with or without data."""

import re
from datetime import date

import pandas as pd

from balise.formats import percent
from balise.progress.charts import certification_bars, quarter_hour_bars, rate_lines
from balise.progress.indicators import (
    certification_shares,
    frequency_rate,
    quarter_hour_rate,
    severity_rate,
)

MONTHS = ["2026-09", "2026-10", "2026-11"]
ACCIDENTS = pd.DataFrame([(1, "lyon", "logistics", date(2026, 9, 10), True, 30)],
                         columns=["id", "site_id", "activity", "on", "lost_time", "days_lost"])
HOURS = pd.DataFrame([("lyon", "logistics", date(2026, 9, 1), 60_000.0),
                      ("lille", "logistics", date(2026, 10, 1), 8_000.0)],
                     columns=["site_id", "activity", "month", "hours"])


def assert_inline_svg(svg: str, title: str, chart_id: str) -> None:
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg          # not valid inside HTML
    assert "<style type=\"text/css\">*{" not in svg                  # would style the page
    head = svg[:svg.index(">")]
    assert f'id="{chart_id}"' in head and 'role="img"' in head
    assert f'aria-labelledby="{chart_id}-title"' in head
    assert ' width="' not in head and "viewBox" in head            # the page sizes it
    assert f'<title id="{chart_id}-title">{title}</title>' in svg


def test_rate_lines_draw_one_line_per_site_with_its_name():
    tf = frequency_rate(ACCIDENTS, HOURS, ["site_id", "month"])
    svg = rate_lines(tf, MONTHS, "tf", "Taux de fréquence (TF) / Frequency rate", "TF",
                     "chart-tf", names={"lyon": "Lyon", "lille": "Lille"})
    assert_inline_svg(svg, "Taux de fréquence (TF) / Frequency rate", "chart-tf")
    assert "Lyon" in svg and "Lille" in svg and "10/2026" in svg      # text stays text
    assert "2026-10" not in texts(svg)                                 # months the French way


def texts(svg: str) -> list[str]:
    """The words and figures a chart shows (its ``<text>`` elements)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_rate_ticks_have_a_decimal_comma():
    tg = severity_rate(ACCIDENTS, HOURS, ["site_id", "month"])       # 0.5 in September
    svg = rate_lines(tg, MONTHS, "tg", "TG", "TG", "chart-tg")
    shown = texts(svg)
    assert "0,1" in shown and not [t for t in shown if re.search(r"\d\.\d", t)]


def test_quarter_hour_bars_label_each_bar_with_its_percent():
    teams = pd.DataFrame([("quai", "lyon")], columns=["id", "site_id"])
    held = pd.DataFrame([(1, "quai", date(2026, 9, 5))], columns=["id", "team_id", "on"])
    rate = quarter_hour_rate(teams, held, MONTHS, by_site=False)
    svg = quarter_hour_bars(rate, "Quart d'heure / Quarter-hour", "chart-qh")
    assert_inline_svg(svg, "Quart d&#x27;heure / Quarter-hour", "chart-qh")
    assert percent(1) in texts(svg) and percent(0) in texts(svg)     # "100 %", Babel's space


def test_certification_bars_stack_the_four_parts():
    people = pd.DataFrame([("a", "learner", "lyon", "logistics", date(2026, 1, 1))],
                          columns=["id", "role", "site_id", "activity", "placement_start"])
    cert = pd.DataFrame([("a", "logistics", True, date(2026, 12, 1))],
                        columns=["learner", "route", "certified", "valid_until"])
    shares = certification_shares(people, cert, "site", date(2026, 11, 25))
    svg = certification_bars(shares, "site", "Certification <par site>", "chart-cert")
    assert_inline_svg(svg, "Certification &lt;par site&gt;", "chart-cert")
    assert "En retard / Overdue" in svg and "En formation / In training" in svg


def test_an_empty_chart_says_there_is_no_data():
    empty = pd.DataFrame(columns=["site_id", "month", "tf"])
    svg = rate_lines(empty, MONTHS, "tf", "TF", "TF", "chart-empty")
    assert_inline_svg(svg, "TF", "chart-empty")
    assert "Pas de données / No data" in svg


def test_two_charts_on_one_page_share_no_id_and_keep_their_references():
    tf = frequency_rate(ACCIDENTS, HOURS, ["site_id", "month"])
    first = rate_lines(tf, MONTHS, "tf", "TF", "TF", "chart-a")
    second = rate_lines(tf, MONTHS, "tf", "TF", "TF", "chart-b")
    ids = [re.findall(r'\sid="([^"]+)"', svg) for svg in (first, second)]
    assert len(ids[0]) == len(set(ids[0])) and not set(ids[0]) & set(ids[1])
    for svg, own in zip((first, second), ids):
        refs = set(re.findall(r'(?:url\(|href=")#([^")]+)', svg))
        assert refs and refs <= set(own)                           # clip paths, markers
