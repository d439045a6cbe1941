"""``balise report --month YYYY-MM [--site S] --format pdf|xlsx|csv --out FILE``.

The monthly report (:mod:`balise.progress.monthly_report`) for the whole group or one
site, made from the store's tables and the certification as the pages read them, and
written as a PDF for all staff (:mod:`balise.progress.report_pdf`), an XLSX (a sheet a
table, cells typed: months as dates, rates and counts as numbers, shares as percents)
or a CSV. The page ``/balise/report`` (:mod:`balise.web.report_pages`) sends the same
bytes through :func:`make`.

The CSV is one file, its tables one after another, each under a line with its title and
separated by an empty line: a single file opens with a double-click in any spreadsheet,
in the PDF's order, and ``--out FILE`` names one file; a zip of CSVs would have to be
unpacked first, which many of the staff's phones and office machines do poorly.

A long run shows a progress bar on the terminal (not in a log or a pipe). An unknown
site (the known ones are listed), a month to come or a month with nothing recorded is a
plain error, exit status 2.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date
from pathlib import Path
from typing import Callable

import pandas as pd

from balise import BaliseError

FORMATS = ("pdf", "xlsx", "csv")
TYPES = {"pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8"}
SHARES = ("rate", "on_time_share", "certified_share", "overdue_share")   # percents in XLSX
STEPS = ("tables", "certification", "figures", "file")
SUMMARY = ("Résumé", "Summary")
# The XLSX's sheet names: short (31 characters at most), no colon.
SHEETS = {"rates": ("TF et TG", "TF and TG"), "quarter_hours": ("Quart d'heure", "Quarter-hour"),
          "warm_ups": ("Échauffements", "Warm-ups"), "prevention": ("Prévention", "Prevention"),
          "certification": ("Certification", "Certification")}


def read_frames(ctx, as_of: date) -> dict:
    """Every table the report reads, whole, and the certification as of ``as_of``."""
    from balise.store import records

    models, frame = ctx.models, ctx.store.frame
    programme = models.programme
    people = frame(models.Person)
    return {"accidents": frame(programme.Accident), "hours": frame(programme.HoursWorked),
            "teams": frame(programme.Team), "quarter_hours": frame(programme.QuarterHour),
            "warm_ups": frame(programme.WarmUp), "visits": frame(programme.SafetyVisit),
            "reports": frame(records.HazardReport), "actions": frame(records.Action),
            "attempts": ctx.attempts(), "people": people, "sites": frame(models.Site)}


def certification_on(ctx, frames: dict, day: date) -> pd.DataFrame:
    """The certification as it stood at the end of ``day``: attempts and grades after it
    left out, so a past month's report does not count passes that came later."""
    end = pd.Timestamp(day) + pd.Timedelta(days=1)
    attempts = frames["attempts"][pd.to_datetime(frames["attempts"].submitted_at) < end]
    grades = ctx.grades(attempts)
    grades = grades[pd.to_datetime(grades.timestamp) < end]
    return ctx.status(today=day, attempts=attempts, people=frames["people"], grades=grades)[1]


def report_of(ctx, month: str, site: str | None, today: date,
              step: Callable[[str], None] = lambda name: None):
    """The :class:`~balise.progress.monthly_report.MonthlyReport`, refused
    (:class:`~balise.progress.monthly_report.ReportRefused`) before the slow part
    when the month or the site is wrong."""
    from balise.progress import monthly_report as mr

    first = mr.parse_month(month, today)
    frames = read_frames(ctx, mr.as_of_day(first, today))
    mr.check_site(site, frames["sites"])
    mr.check_data(mr.of_site(frames, site), month, mr.place_of(site, frames["sites"]))
    step("tables")
    frames["cert"] = certification_on(ctx, frames, mr.as_of_day(first, today))
    step("certification")
    report = mr.monthly_report(frames, site, month, today)
    step("figures")
    return report


def make(ctx, month: str, site: str | None, fmt: str, today: date, lang: str = "fr",
         step: Callable[[str], None] = lambda name: None) -> tuple[bytes, str]:
    """The report as a file: its bytes and its name (``rapport-<site>-<month>.<fmt>``)."""
    if fmt not in FORMATS:
        from balise.progress.monthly_report import ReportRefused

        raise ReportRefused("Format inconnu : choisissez pdf, xlsx ou csv.",
                            "Unknown format: choose pdf, xlsx or csv.")
    report = report_of(ctx, month, site, today, step)
    if fmt == "pdf":
        from balise.progress.report_pdf import render

        body = render(report, today)
    else:
        body = xlsx_bytes(report, lang) if fmt == "xlsx" else csv_bytes(report, lang)
    step("file")
    return body, f"rapport-{site or 'groupe'}-{month}.{fmt}"


def shaped(report, lang: str, titles: dict | None = None) -> dict[str, pd.DataFrame]:
    """Each table with typed values and headers in ``lang``; a TF or TG without hours is
    the words "heures manquantes / hours missing", never 0 or empty."""
    from balise.progress.monthly_report import TITLES
    from balise.web.dashboard import HEADERS, HOURS_MISSING

    out = {}
    for name, table in report.tables().items():
        table = table.copy()
        if "month" in table:
            table["month"] = pd.to_datetime(table.month + "-01")
        for rate in ("tf", "tg"):
            if rate in table:
                table[rate] = [v if h > 0 else HOURS_MISSING
                               for v, h in zip(table[rate].astype(object), table.hours)]
        side = 0 if lang == "fr" else 1
        table.columns = [HEADERS[c][side] for c in table.columns]
        out[(titles or TITLES)[name][side]] = table
    return out


def _summary(report, lang: str) -> pd.DataFrame:
    first = [*report.summary["fr"], "", *report.summary["en"]] if lang == "fr" else \
        [*report.summary["en"], "", *report.summary["fr"]]
    return pd.DataFrame({SUMMARY[0 if lang == "fr" else 1]: first})


def xlsx_bytes(report, lang: str = "fr") -> bytes:
    """A sheet for the summary, then one a table; no cell is ever a formula."""
    from balise.web.dashboard import HEADERS

    out = io.BytesIO()
    tables = {SUMMARY[0 if lang == "fr" else 1]: _summary(report, lang),
              **shaped(report, lang, SHEETS)}
    share_heads = {HEADERS[key][0 if lang == "fr" else 1] for key in SHARES}
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for title, table in tables.items():
            sheet = title[:31]
            table.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            shares = {i + 1 for i, head in enumerate(table.columns) if head in share_heads}
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
                    elif hasattr(cell.value, "year"):
                        cell.number_format = "MM/YYYY"
                    elif isinstance(cell.value, float):
                        cell.number_format = "0%" if cell.column in shares else "#,##0.00"
            for column in ws.columns:
                width = max(len(str(c.value or "")) for c in column)
                ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 90)
    return out.getvalue()


def csv_bytes(report, lang: str = "fr") -> bytes:
    """The tables one after another, each under its title line, an empty line between;
    French: ``;`` and a decimal comma, as a French spreadsheet reads them."""
    from balise.web.exports import defused

    sep, point = (";", ",") if lang == "fr" else (",", ".")
    parts = []
    for title, table in {SUMMARY[0 if lang == "fr" else 1]: _summary(report, lang),
                         **shaped(report, lang)}.items():
        if any(pd.api.types.is_datetime64_any_dtype(table[c]) for c in table):
            table = table.copy()
            for c in table:
                if pd.api.types.is_datetime64_any_dtype(table[c]):
                    table[c] = table[c].dt.strftime("%Y-%m")
        parts.append(defused(title) + "\n" + table.map(defused).to_csv(
            index=False, sep=sep, decimal=point))
    return ("\ufeff" + "\n".join(parts)).encode("utf-8")


def add_parser(sub) -> None:
    """``balise report``'s arguments, on the ``balise`` command's subparsers."""
    p = sub.add_parser("report", help="write the monthly report (PDF, XLSX or CSV)")
    p.add_argument("--month", required=True, help="the month, YYYY-MM (e.g. 2026-11)")
    p.add_argument("--site", help="one site's id (default: the whole group)")
    p.add_argument("--format", choices=FORMATS, default="pdf", dest="fmt")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument("--data", help="data folder (default from the config: ./data)")
    p.add_argument("--courses", help="courses folder (default ./courses)")


def run(args, balise, today: date | None = None, out=None, err=None) -> int:
    """Write the report to ``args.out``; a :class:`BaliseError` for bad input. ``out`` and
    ``err`` default to the streams of the moment (a test may have swapped them)."""
    out, err = out or sys.stdout, err or sys.stderr
    from balise.context import BaliseContext

    if not balise.db_url and not (balise.data_path / "balise.db").exists():
        raise BaliseError(f"No Balise data in {balise.data_path}: give --data, or start "
                          "'balise serve' there once.")
    ctx = BaliseContext.open(balise)
    try:
        with _bar(err) as bar:
            body, _ = make(ctx, args.month, args.site or None, args.fmt,
                           today or date.today(), step=lambda name: _advance(bar, name))
    finally:
        ctx.store.dispose()
    try:
        args.out.write_bytes(body)
    except OSError as e:
        raise BaliseError(f"cannot write {args.out}: {e.strerror}") from None
    print(f"{args.out}: {len(body):,} bytes ({args.fmt}, {args.month}, "
          f"{args.site or 'all sites'})", file=out)
    return 0


def _advance(bar, name: str) -> None:
    bar.set_postfix_str(name, refresh=False)
    bar.update(1)


def _bar(err):
    """tqdm's bar on a terminal after a second; nothing in a pipe or a log."""
    try:
        from tqdm import tqdm
    except ImportError:                        # pragma: no cover - tqdm comes with nbgrader
        from contextlib import nullcontext

        class Quiet:
            def update(self, n):
                pass

            def set_postfix_str(self, text, refresh=True):
                pass
        return nullcontext(Quiet())
    return tqdm(total=len(STEPS), file=err, desc="balise report", unit="step", delay=1,
                disable=None, leave=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m balise.report_cli ...``: the same command before ``balise`` wires it."""
    from balise.cli import settings

    parser = argparse.ArgumentParser(prog="balise")
    parser.add_argument("--config", help="configuration file (default ./jupyter_config.py)")
    sub = parser.add_subparsers(dest="command", required=True)
    add_parser(sub)
    args = parser.parse_args(argv)
    try:
        return run(args, settings(args)[1])
    except BaliseError as e:
        print(f"balise: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
