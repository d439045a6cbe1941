"""The monthly report as a PDF for all staff, drawn with reportlab and matplotlib.

Page one is the summary, easy-to-read French first and English after it, in large
type; then each table of :class:`~balise.progress.monthly_report.MonthlyReport` with a
chart above it, the report's month in bold on a yellow band. Cells are written as the
dashboard writes them (:mod:`balise.formats`: "510,20", "38 %", "11/2026") so a figure
can be found on both; a TF or TG without hours reads "heures manquantes / hours missing".
Text is DejaVu Sans, matplotlib's own font, which has every French accent; the charts
are PNG images drawn from the same frames, their bars hatched as well as coloured.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from balise.formats import (
    HOURS_MISSING,
    date_words,
    decimal,
    month_short,
    month_words,
    percent,
)
from balise.progress.monthly_report import TITLES, MonthlyReport

BLUE, ORANGE, INK, GREY, BAND = "#0072B2", "#D55E00", "#1a1a1a", "#4d4d4d", "#fff3cd"
# Each column: its header in French and English, and how a cell of it is written.
COLUMNS = {
    "month": (("Mois", "Month"), month_short),
    "lost_time": (("Accidents avec arrêt", "Lost-time accidents"), decimal),
    "days_lost": (("Jours perdus", "Days lost"), decimal),
    "hours": (("Heures travaillées", "Hours worked"), lambda v: decimal(v, digits=0)),
    "tf": (("TF", "TF"), None), "tg": (("TG", "TG"), None),
    "expected": (("Équipes attendues", "Teams expected"), decimal),
    "held": (("Équipes qui l'ont tenu", "Teams that held it"), decimal),
    "rate": (("Taux de réalisation", "Achievement rate"), percent),
    "warm_ups": (("Échauffements", "Warm-ups"), decimal),
    "teams": (("Équipes", "Teams"), decimal),
    "reports": (("Dangers signalés", "Hazard reports"), decimal),
    "reports_closed": (("Signalements clos", "Reports closed"), decimal),
    "visits": (("Visites", "Visits"), decimal),
    "actions_opened": (("Actions ouvertes", "Actions opened"), decimal),
    "actions_closed": (("Actions soldées", "Actions closed"), decimal),
    "actions_on_time": (("Soldées à temps", "Closed on time"), decimal),
    "on_time_share": (("Part à temps", "Share on time"), percent),
    "site": (("Site", "Site"), str),
    "learners": (("Personnes", "Learners"), decimal),
    "certified": (("Certifiés", "Certified"), decimal),
    "expiring_30": (("Expirent sous 30 jours", "Expiring within 30 days"), decimal),
    "expiring_60": (("Expirent sous 60 jours", "Expiring within 60 days"), decimal),
    "overdue": (("En retard", "Overdue"), decimal),
    "in_training": (("En formation", "In training"), decimal),
    "certified_share": (("Part certifiée", "Share certified"), percent),
    "overdue_share": (("Part en retard", "Share overdue"), percent),
}
NOTES = {
    "rates": ("TF (taux de fréquence) = accidents avec arrêt × 1 000 000 / heures travaillées. "
              "TG (taux de gravité) = jours perdus × 1 000 / heures travaillées. "
              "Sans heures saisies : « heures manquantes ».",
              "TF (frequency rate) = lost-time accidents × 1,000,000 / hours worked. "
              "TG (severity rate) = days lost × 1,000 / hours worked. "
              "No hours entered: “hours missing”."),
    "quarter_hours": ("Chaque équipe doit tenir un quart d'heure sécurité par mois.",
                      "Every team is to hold one safety quarter-hour a month."),
    "warm_ups": ("Échauffements tenus, et nombre d'équipes qui en ont tenu.",
                 "Warm-ups held, and how many teams held one."),
    "prevention": ("Ce qui prévient les accidents : dangers signalés, visites de sécurité, "
                   "actions soldées avant leur date.",
                   "What prevents accidents: hazards reported, safety visits, actions "
                   "closed by their due date."),
    "certification": ("En retard : pas certifié 90 jours après le début du contrat, "
                      "ou certification expirée.",
                      "Overdue: not certified 90 days after the placement started, or "
                      "certification lapsed."),
}


def _fonts() -> tuple[str, str]:
    """DejaVu Sans regular and bold, from matplotlib's own fonts (every French accent)."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in (("ReportSans", "DejaVuSans.ttf"),
                       ("ReportSans-Bold", "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    return "ReportSans", "ReportSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=22, leading=27, textColor=INK),
        "title_en": ParagraphStyle("title_en", fontName=regular, fontSize=15, leading=19,
                                   textColor=GREY),
        "what": ParagraphStyle("what", fontName=bold, fontSize=14, leading=18,
                               spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=15, leading=19, spaceBefore=10,
                             spaceAfter=4, textColor=INK),
        "falc": ParagraphStyle("falc", fontName=regular, fontSize=12, leading=15.2,
                               spaceAfter=1.5, textColor=INK),
        "falc_en": ParagraphStyle("falc_en", fontName=regular, fontSize=10.5, leading=13.2,
                                  spaceAfter=1, textColor=GREY),
        "note": ParagraphStyle("note", fontName=regular, fontSize=9, leading=12,
                               textColor=GREY, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", fontName=bold, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7, leading=8.5),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_text(column: str, row: pd.Series) -> str:
    """A cell as the dashboard writes it; a rate without hours, and the hours, say so."""
    value = row[column]
    if column in ("tf", "tg", "hours"):
        if not row["hours"] > 0:
            return " / ".join(HOURS_MISSING)
        return decimal(value, fixed=True) if column != "hours" else decimal(value, digits=0)
    return COLUMNS[column][1](value)


def table(frame: pd.DataFrame, styles: dict, month: str | None) -> Table:
    """A table with bilingual headers; the report's month in bold on a yellow band."""
    heads = [Paragraph(f"{_escape(COLUMNS[c][0][0])}<br/><font color='{GREY}'>"
                       f"{_escape(COLUMNS[c][0][1])}</font>" if COLUMNS[c][0][0] !=
                       COLUMNS[c][0][1] else _escape(COLUMNS[c][0][0]), styles["head"])
             for c in frame.columns]
    rows, band = [heads], []
    for i, (_, row) in enumerate(frame.iterrows(), start=1):
        mine = month is not None and row.get("month") == month
        style = styles["cell_bold" if mine else "cell"]
        rows.append([Paragraph(_escape(cell_text(c, row)), style) for c in frame.columns])
        if mine:
            band.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(BAND)))
    width = 180 * mm
    first = 34 * mm if "site" in frame.columns else 22 * mm
    widths = [first] + [(width - first) / (len(frame.columns) - 1)] * (len(frame.columns) - 1)
    out = Table(rows, colWidths=widths, repeatRows=1)
    out.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *band]))
    return out


def _png(fig: Figure, width_mm: float) -> Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=160)
    buf.seek(0)
    w, h = fig.get_size_inches()
    return Image(buf, width=width_mm * mm, height=width_mm * mm * h / w)


def _month_axis(ax, months: list[str]) -> None:
    ax.set_xticks(range(len(months)), [month_short(m) for m in months], rotation=45,
                  ha="right", fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: decimal(v)))
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)


def rates_chart(report: MonthlyReport) -> Image:
    """TF and TG by month, side by side; the report's month hatched, a month without
    hours marked "heures manquantes" instead of a bar."""
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    months = report.months
    for ax, (key, title, colour) in zip(fig.subplots(1, 2), [
            ("tf", "TF : taux de fréquence / frequency rate", BLUE),
            ("tg", "TG : taux de gravité / severity rate", ORANGE)]):
        values = report.rates[key].astype(float)
        known = report.rates.hours > 0
        bars = ax.bar(range(len(months)), values.where(known, 0).fillna(0), color=colour,
                      edgecolor="#000000", linewidth=0.6)
        for bar, month in zip(bars, months):
            if month == report.month:
                bar.set_hatch("//")
                bar.set_facecolor("#ffffff")
        top = float(values[known].max()) if known.any() else 0.0
        top = top if top > 0 else 1.0
        for x, ok in enumerate(known):
            if not ok:
                ax.text(x, top * 0.02, "heures manquantes", rotation=90, va="bottom",
                        ha="center", fontsize=6.5, color="#8a3a00")
        ax.set_ylim(0, top * 1.15)
        ax.set_title(title, fontsize=10)
        _month_axis(ax, months)
    return _png(fig, 180)


def quarter_hour_chart(report: MonthlyReport) -> Image:
    """The quarter-hour achievement rate by month, as bars labelled with their percent."""
    fig = Figure(figsize=(9, 2.8), layout="constrained")
    ax = fig.add_subplot()
    q = report.quarter_hours
    shown = (100 * q.rate.astype(float)).fillna(0)
    bars = ax.bar(range(len(q)), shown, color="#009E73", edgecolor="#000000", linewidth=0.6)
    for bar, month in zip(bars, q.month):
        if month == report.month:
            bar.set_hatch("//")
            bar.set_facecolor("#ffffff")
    ax.bar_label(bars, labels=[percent(v) for v in q.rate], fontsize=7)
    ax.set_ylim(0, 115)
    ax.set_ylabel("Équipes / Teams (%)", fontsize=8)
    ax.set_title("Quart d'heure sécurité / Safety quarter-hour", fontsize=10)
    _month_axis(ax, list(q.month))
    return _png(fig, 180)


def _heading(name: str, styles: dict) -> list:
    fr, en = TITLES[name]
    return [Paragraph(f"{_escape(fr)} <font color='{GREY}' size='11'>/ {_escape(en)}</font>",
                      styles["h2"]),
            Paragraph(f"{_escape(NOTES[name][0])} <i>{_escape(NOTES[name][1])}</i>",
                      styles["note"])]


def render(report: MonthlyReport, today: date) -> bytes:
    """The PDF's bytes: page one the summary, then every table, each with its chart."""
    styles = _styles()
    said = month_words(report.month)
    place = report.place
    buf = io.BytesIO()
    footer = (f"Balise — Rapport du mois / Monthly report — {place['fr']} — {said['fr']}",
              f"Fait le {date_words(today)['fr']} / made on {date_words(today)['en']}")

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont(_fonts()[0], 8)
        canvas.setFillColor(colors.HexColor(GREY))
        canvas.drawString(15 * mm, 11 * mm, footer[0])
        canvas.drawString(15 * mm, 7.5 * mm, footer[1])
        canvas.drawRightString(195 * mm, 11 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=14 * mm, bottomMargin=18 * mm, lang="fr",
                            title=f"Rapport du mois — {place['fr']} — {said['fr']}",
                            author="Balise", subject="Monthly report / Rapport du mois")
    story = [Paragraph("Rapport du mois", styles["title"]),
             Paragraph("Monthly report", styles["title_en"]),
             Paragraph(f"{_escape(place['fr'].capitalize())} — {said['fr']}"
                       f" <font color='{GREY}'>/ {_escape(place['en'].capitalize())} — "
                       f"{said['en']}</font>", styles["what"]),
             Paragraph("En bref, en français facile", styles["h2"])]
    story += [Paragraph(_escape(line), styles["falc"]) for line in report.summary["fr"]]
    story += [Spacer(1, 2 * mm), Paragraph("In short, in English", styles["h2"])]
    story += [Paragraph(_escape(line), styles["falc_en"]) for line in report.summary["en"]]
    story.append(CondPageBreak(200 * mm))    # a new page, unless the summary ran over
    charts = {"rates": rates_chart, "quarter_hours": quarter_hour_chart}
    for name, frame in report.tables().items():
        month = None if name == "certification" else report.month
        block = _heading(name, styles)
        if name in charts:
            block.append(charts[name](report))
        if name == "certification":
            block.append(Paragraph(f"Le {date_words(report.as_of)['fr']} / on "
                                   f"{date_words(report.as_of)['en']}", styles["note"]))
        story += [CondPageBreak(60 * mm), KeepTogether(block), Spacer(1, 2 * mm),
                  table(frame, styles, month), Spacer(1, 4 * mm)]
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buf.getvalue()
