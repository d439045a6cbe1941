"""Hours worked per site, activity and month: the denominator of TF and TG.

Set from the coordinator's grid (:func:`set_hours`) or imported from a CSV or XLSX
(:func:`preview_file`, then :func:`import_file`), read with the people import's own
reader (:func:`balise.store.people_files.read_table`). A number may be written the
French way ("1 520,5"); it is 0 or more. A refusal says, per field or per line,
what to fix, in French and English, and nothing refused is written. Each change
writes one line of the trail (``hours.set``). A month with no row has no hours: the
rates say "heures manquantes", never 0 or infinity (:mod:`balise.progress.indicators`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from balise.store.admin import Invalid, _write, tidy
from balise.store.models import Site, Store
from balise.store.people_files import BadFile, fold, read_table
from balise.store.programme import ACTIVITIES, HoursWorked

MOST_HOURS = 10_000_000            # more than any site works in a month: a typing slip
MONTH = re.compile(r"(\d{4})-(\d{1,2})")
# Header words (folded) of each column of an hours file.
HEADERS = {"site": ("site", "site id", "etablissement"),
           "activity": ("activite", "activity"),
           "month": ("mois", "month"),
           "hours": ("heures", "hours", "heures travaillees", "hours worked")}
# The activities' names as a file may write them, folded, French and English.
ACTIVITY_NAMES = {"logistics": ("logistique", "logistics"),
                  "construction": ("construction", "btp", "batiment"),
                  "circular-economy": ("economie circulaire", "circular economy", "recyclage"),
                  "transport": ("transport propre", "clean transport", "transport"),
                  "digital": ("services numeriques", "digital services", "numerique", "digital")}

SAID = {
    "hours": ("Écrivez un nombre d'heures, 0 ou plus (par exemple 1520,5).",
              "Write a number of hours, 0 or more (for example 1520.5)."),
    "month": ("Écrivez le mois ainsi : 2026-11. Pas un mois à venir.",
              "Write the month like this: 2026-11. Not a month to come."),
    "site": ("Ce site n'existe pas dans Balise.", "This site is not in Balise."),
    "activity": ("Cette activité n'est pas une activité de ce site.",
                 "This activity is not one of this site's activities."),
    "twice": ("Ce site, cette activité et ce mois sont déjà sur une ligne plus haut.",
              "This site, activity and month are already on a line above."),
    "columns": ("Il manque une colonne : site, activité, mois et heures sont nécessaires.",
                "A column is missing: site, activity, month and hours are needed."),
}


def said(key: str) -> dict[str, str]:
    fr, en = SAID[key]
    return {"fr": fr, "en": en}


def parse_hours(raw: Any) -> float | None:
    """Hours from a form or a file cell: "1 520,5", "1520.5", 1520.5; None if not 0 or more."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = tidy(raw).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            return None
        value = float(text)
    return value if 0 <= value <= MOST_HOURS else None


def parse_month(raw: Any, today: date) -> date | None:
    """The first day of a month, from "2026-11" (or an XLSX date); None if not a month
    already begun."""
    if isinstance(raw, (date, datetime)):
        first = date(raw.year, raw.month, 1)
    else:
        found = MONTH.fullmatch(tidy(raw))
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
            return None
        first = date(int(found.group(1)), int(found.group(2)), 1)
    return first if first <= today.replace(day=1) else None


def month_key(first: date) -> str:
    return first.strftime("%Y-%m")


def set_hours(store: Store, actor: str, month: date, values: Mapping[tuple[str, str], Any],
              today: date) -> int:
    """Set the hours of ``month`` for each (site, activity) given (text or number; an empty
    value leaves that cell as it was). All or nothing: :class:`Invalid` names each cell
    refused, by ``"<site>/<activity>"``. Returns how many cells changed."""
    if parse_month(month, today) is None:
        raise Invalid({"month": said("month")})
    errors, clean = {}, {}
    with store.session() as s:
        sites = {site.id: site.activity_list for site in s.scalars(select(Site))}
        for (site, activity), raw in values.items():
            if tidy(raw) == "":
                continue
            name = f"{site}/{activity}"
            hours = parse_hours(raw)
            if site not in sites:
                errors[name] = said("site")
            elif activity not in ACTIVITIES:
                errors[name] = said("activity")
            elif hours is None:
                errors[name] = said("hours")
            else:
                clean[(site, activity)] = hours
        if errors:
            raise Invalid(errors)
        return sum(_put(s, actor, site, activity, month, hours)
                   for (site, activity), hours in clean.items())


def _put(s: Session, actor: str, site: str, activity: str, month: date, hours: float) -> bool:
    """One cell written, with its trail line; False when it already held these hours."""
    row = s.get(HoursWorked, (site, activity, month))
    if row is not None and row.hours == hours:
        return False
    before = row.hours if row is not None else None
    if row is None:
        s.add(HoursWorked(site_id=site, activity=activity, month=month, hours=hours))
    else:
        row.hours = hours
    _write(s, actor, "hours.set", site=site,
           changes={"activity": [activity, activity], "month": [month_key(month)] * 2,
                    "hours": [before, hours]})
    return True


def hours_of(store: Store, month: date) -> dict[tuple[str, str], float]:
    """(site, activity) -> hours recorded for ``month``; a pair missing has no hours."""
    with store.session() as s:
        return {(r.site_id, r.activity): r.hours for r in s.scalars(
            select(HoursWorked).where(HoursWorked.month == month))}


def months_missing(store: Store, months: list[date]) -> dict[str, list[date]]:
    """site id -> the ``months`` (first days) when one of its activities has no hours."""
    with store.session() as s:
        sites = {site.id: site.activity_list for site in s.scalars(select(Site))}
        had = set(s.execute(select(HoursWorked.site_id, HoursWorked.activity, HoursWorked.month)
                            .where(HoursWorked.month.in_(months))).all())
    return {site: [m for m in months if any((site, a, m) not in had for a in activities)]
            for site, activities in sites.items()}


# -- Import ------------------------------------------------------------------------------

class MissingColumns(BadFile):
    """A file without one of the four columns; ``said`` names them."""

    def __init__(self):
        self.said = said("columns")
        Exception.__init__(self, self.said["en"])


@dataclass
class Line:
    """One line of the file: its number (as a spreadsheet counts, the header being 1), its
    cells as written, what it would write, or why it is refused."""

    number: int
    cells: dict[str, str]
    site: str | None = None
    activity: str | None = None
    month: date | None = None
    hours: float | None = None
    problems: list[dict] = field(default_factory=list)
    change: str = "add"         # add, update, unchanged, refused


def columns_of(frame: pd.DataFrame) -> dict[str, str]:
    """field -> column of the file, from its header; :class:`BadFile` if one is missing."""
    found = {}
    for column in frame.columns:
        words = " ".join(fold(column).replace("/", " ").replace("_", " ").split())
        for name, heads in HEADERS.items():
            if name not in found and (words in heads or any(w in heads for w in words.split())):
                found[name] = column
                break
    if len(found) < len(HEADERS):
        raise MissingColumns()
    return found


def _activity(raw: Any) -> str | None:
    said_ = fold(raw)
    return next((a for a, names in ACTIVITY_NAMES.items() if said_ == a or said_ in names),
                None)


def preview_file(store: Store, data: bytes, today: date) -> list[Line]:
    """What importing ``data`` would do, line by line; nothing written."""
    frame = read_table(data)
    columns = columns_of(frame)
    with store.session() as s:
        sites = list(s.scalars(select(Site)))
        by_id = {site.id: site for site in sites}
        by_name = {fold(site.name): site for site in sites}
        had = {(r.site_id, r.activity, r.month): r.hours for r in s.scalars(select(HoursWorked))}
    lines, seen = [], set()
    for n, row in enumerate(frame.itertuples(index=False), start=2):
        cells = dict(zip(frame.columns, row))
        shown = {f: _cell(cells[c]) for f, c in columns.items()}
        line = Line(number=n, cells=shown)
        site = by_id.get(tidy(cells[columns["site"]])) or by_name.get(fold(cells[columns["site"]]))
        if site is None:
            line.problems.append({"field": "site", "said": said("site")})
        line.activity = _activity(cells[columns["activity"]])
        if site is not None and line.activity not in site.activity_list:
            line.problems.append({"field": "activity", "said": said("activity")})
        line.month = parse_month(cells[columns["month"]], today)
        if line.month is None:
            line.problems.append({"field": "month", "said": said("month")})
        line.hours = parse_hours(cells[columns["hours"]])
        if line.hours is None:
            line.problems.append({"field": "hours", "said": said("hours")})
        line.site = site.id if site is not None else None
        key = (line.site, line.activity, line.month)
        if not line.problems and key in seen:
            line.problems.append({"field": "site", "said": said("twice")})
        if line.problems:
            line.change = "refused"
        else:
            seen.add(key)
            before = had.get(key)
            line.change = ("add" if before is None else
                           "unchanged" if before == line.hours else "update")
        lines.append(line)
    return lines


def _cell(value: Any) -> str:
    return value.strftime("%Y-%m") if isinstance(value, (date, datetime)) else tidy(value)


def import_file(store: Store, actor: str, data: bytes, today: date) -> dict[str, int]:
    """Write the good lines of ``data`` in one transaction (the refused ones are left out);
    the counts of each kind of line."""
    lines = preview_file(store, data, today)
    with store.session() as s:
        for line in lines:
            if line.change in ("add", "update"):
                _put(s, actor, line.site, line.activity, line.month, line.hours)
    return {kind: sum(line.change == kind for line in lines)
            for kind in ("add", "update", "unchanged", "refused")}
