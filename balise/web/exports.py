"""Every table a trainer or a coordinator reads can be taken away: CSV or XLSX.

A coordinator prepares the monthly review in a spreadsheet; a trainer sends her
site's list to the site manager. The download is the table the page shows, with
the page's filters applied and its column headers in the reader's language, the
values typed (a day is a date, a count a number) rather than the page's words.

A cell is never a formula: a name typed ``=HYPERLINK(...)`` in an import, or
``+33 6...`` in a phone field, would run in the spreadsheet of whoever opens the
file (CSV injection). In CSV such a text starts with an apostrophe, as OWASP
advises; in XLSX it is written as text, cell type ``s``, and kept as typed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd

from balise.words import N_, word

FORMATS = ("csv", "xlsx")
BAD_FORMAT = N_("Unknown file format: choose csv or xlsx.")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Column:
    """One column of a download: the frame's ``key`` and its header in each language."""

    key: str
    fr: str
    en: str


def language_of(reading: str | None) -> str:
    """The headers' language: English for a reader who chose English only, else French."""
    return "en" if reading == "en" else "fr"


def shaped(frame: pd.DataFrame, columns: list[Column], lang: str) -> pd.DataFrame:
    """The columns to download, in order, headed in ``lang``."""
    return pd.DataFrame({getattr(c, lang): frame[c.key].tolist() for c in columns},
                        columns=[getattr(c, lang) for c in columns])


def defused(value):
    """A text that a spreadsheet would read as a formula, made plain text for CSV."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame, lang: str) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads accents right); in French, ``;``
    between cells and a decimal comma, as a French spreadsheet expects."""
    safe = table.map(defused)
    text = safe.to_csv(index=False, sep=";" if lang == "fr" else ",",
                       decimal="," if lang == "fr" else ".", date_format="%Y-%m-%d")
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(table: pd.DataFrame, sheet: str) -> bytes:
    """One sheet, typed cells (dates as dates, numbers as numbers), no formula anywhere."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet[:31], index=False)
        ws = writer.sheets[sheet[:31]]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":          # only ever a text that looks like one
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime) and cell.value.time() != time():
                    cell.number_format = "DD/MM/YYYY HH:MM"     # a moment: its hour too
                elif isinstance(cell.value, (date, pd.Timestamp)):
                    cell.number_format = "DD/MM/YYYY"
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    return out.getvalue()


def refuse_format(page) -> None:
    """A download asked in a format there is none of: a plain page, status 400."""
    page.set_status(400)
    page.show("message.html", title=word(BAD_FORMAT))


def send(page, table: pd.DataFrame, name: str, fmt: str, lang: str) -> None:
    """Finish ``page``'s request with ``table`` as a file: ``<name>-<today>.<fmt>``."""
    body = csv_bytes(table, lang) if fmt == "csv" else xlsx_bytes(table, name)
    page.set_header("Content-Type", TYPES[fmt])
    page.set_header("Content-Disposition",
                    f'attachment; filename="{name}-{date.today().isoformat()}.{fmt}"')
    page.set_header("Cache-Control", "no-store")
    page.finish(body)


def frame_of(rows: list[dict], columns: list[Column], lang: str) -> pd.DataFrame:
    """Rows of typed values as a download's frame, headed in ``lang``; a value given in
    both languages (``{"fr": ..., "en": ...}``, as the pages' words are) is said in ``lang``."""
    keys = [c.key for c in columns]
    picked = [{k: (v[lang] if isinstance(v := row.get(k), dict) else v) for k in keys}
              for row in rows]
    return shaped(pd.DataFrame(picked, columns=keys), columns, lang)


def asked(page) -> bool:
    """Whether ``page``'s request asks for a download (``?format=``) rather than the page."""
    return page.get_argument("format", None) is not None


def offer(page, name: str, columns: list[Column], rows) -> None:
    """Answer ``?format=`` with ``rows`` (a list of dicts, or a function of no argument
    giving it, called only for a known format) as ``name``; a bad format is a 400."""
    fmt = page.get_argument("format", None)
    if fmt not in FORMATS:
        return refuse_format(page)
    lang = language_of(page.reading())
    table = frame_of(rows() if callable(rows) else rows, columns, lang)
    return send(page, table, name, fmt, lang)
