"""A list of people brought in from a spreadsheet: read, mapped, previewed, then imported.

A group that starts with Balise has its people in a spreadsheet. The file is read and
its columns mapped to Balise's fields by :mod:`.people_files`; every line is checked by
:func:`balise.store.admin.check_person`, the pages' own check: :func:`preview` says
per line what it would do (add, update, unchanged) or why it is refused, and writes
nothing. :func:`apply` imports the good lines in one transaction, through the
functions the forms call, each with its trail line.

A line is the person already recorded with the same name (spaces, case and accents
aside) on the same site; otherwise she is added. An empty cell leaves what is
recorded as it is, so importing the same file again changes nothing and a changed
file changes only what it changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from balise.store import admin
from balise.store.models import Person, Site, Store
from balise.store.people_files import fold
from balise.store.programme import Team
from balise.words import word

ROLE_WORDS = {"learner": ("learner", "apprenant", "apprenante", "salarie", "salariee",
                          "stagiaire"),
              "trainer": ("trainer", "formateur", "formatrice", "encadrant", "encadrante"),
              "coordinator": ("coordinator", "coordinateur", "coordinatrice")}
LANGUAGE_WORDS = {"fr": ("fr", "francais", "french"), "en": ("en", "anglais", "english")}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


# -- Preview ---------------------------------------------------------------------------

@dataclass
class Line:
    """One line of the file: its number (the header is line 1), its cells by field, what
    it would do (``add``, ``update``, ``unchanged`` or ``refused``) and why."""

    number: int
    cells: dict[str, Any]
    action: str = "refused"
    problems: dict[str, dict[str, str]] = field(default_factory=dict)
    changes: dict[str, list] = field(default_factory=dict)
    person_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview:
    lines: list[Line]

    def count(self, action: str) -> int:
        return sum(line.action == action for line in self.lines)

    @property
    def to_write(self) -> list[Line]:
        return [line for line in self.lines if line.action in ("add", "update")]


def _day(raw: Any) -> date | str | None:
    """A day from a cell: 03/12/2026, 2026-12-03 or an XLSX date; the text when none."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = admin.tidy(raw)
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return text                                # check_person says it is not a date


class _Lookup:
    """The sites, teams, people and routes a file's words are matched against."""

    def __init__(self, s, routes: Mapping[str, Sequence[str]],
                 titles: Mapping[str, Mapping[str, str]]):
        self.sites = {}
        for site in s.scalars(select(Site)):
            self.sites[fold(site.name)] = self.sites[fold(site.id)] = site.id
        self.teams = {}
        for team in s.scalars(select(Team)):
            self.teams[(team.site_id, fold(team.name))] = team.id
            self.teams[(team.site_id, fold(team.id))] = team.id
        self.people: dict[tuple, list[Person]] = {}
        self.trainers = {}
        for person in s.scalars(select(Person)):
            self.people.setdefault((person.site_id, fold(person.name)), []).append(person)
            if person.role == "trainer":
                self.trainers[(person.site_id, fold(person.name))] = person.id
                self.trainers[(person.site_id, fold(person.id))] = person.id
        self.routes = {fold(r): r for r in routes}
        for rid, title in titles.items():
            for said in title.values():
                self.routes.setdefault(fold(said), rid)

    @staticmethod
    def choice(table: Mapping, key, raw: Any) -> str | None:
        """The id a cell names, None when empty, the cell itself (refused later) when unknown."""
        return table.get(key) or (admin.tidy(raw) or None)


def _words_of(table: Mapping[str, Sequence[str]], raw: Any) -> str:
    said = fold(raw)
    return next((k for k, words in table.items() if said in words), admin.tidy(raw))


def preview(store: Store, columns_mapping: Mapping[str, str], frame: pd.DataFrame,
            routes: Mapping[str, Sequence[str]], titles: Mapping[str, Mapping[str, str]],
            *, actor: str, only_site: str | None = None) -> Preview:
    """What importing ``frame`` would do, line by line; writes nothing.

    ``only_site``: a trainer's site; a line of another site, or not a learner, is
    refused, and a line without a site is of hers.
    """
    with store.session() as s:
        found = _preview_in(s, columns_mapping, frame, routes, titles, actor, only_site)
        s.rollback()
    return found


def _preview_in(s, columns_mapping, frame, routes, titles, actor, only_site) -> Preview:
    by_field = {f: c for c, f in columns_mapping.items()}
    lines = [Line(number=i + 2, cells={f: row[c] for f, c in by_field.items()})
             for i, row in enumerate(frame.to_dict("records"))]
    look = _Lookup(s, routes, titles)
    seen: dict[tuple, list[Line]] = {}
    for line in lines:
        _check_line(s, look, line, routes, actor, only_site)
        if "name" not in line.problems and "site_id" not in line.problems:
            seen.setdefault((line.values.get("site_id"), fold(line.values["name"])),
                            []).append(line)
    for twins in seen.values():
        if len(twins) > 1:
            numbers = ", ".join(str(t.number) for t in twins)
            for twin in twins:
                twin.problems.setdefault("name", word(
                    "The same person is on lines {lines}: keep one line.", lines=numbers))
                twin.action = "refused"
    return Preview(lines)


def _check_line(s, look: _Lookup, line: Line, routes, actor: str,
                only_site: str | None) -> None:
    cells = line.cells
    site_cell = cells.get("site", "")
    site_id = look.choice(look.sites, fold(site_cell), site_cell) or only_site
    name = admin.tidy(cells.get("name"))
    matches = look.people.get((site_id, fold(name)), [])
    current = matches[0] if len(matches) == 1 else None
    values = admin.person_row(current, routes) if current is not None else {
        k: None for k in admin.PERSON_FIELDS}
    if current is None:
        values.update(role="learner", language="fr")
    # Matched, her name stays as recorded: "OMAR BA" in a file is the same Omar Ba.
    values.update(name=current.name if current is not None else name, site_id=site_id)
    given = {
        "role": _words_of(ROLE_WORDS, cells.get("role", "")),
        "team_id": look.choice(look.teams, (site_id, fold(cells.get("team", ""))),
                               cells.get("team", "")),
        "route": look.choice(look.routes, fold(cells.get("route", "")), cells.get("route", "")),
        "language": _words_of(LANGUAGE_WORDS, cells.get("language", "")),
        "placement_start": _day(cells.get("placement_start")),
        "placement_end": _day(cells.get("placement_end")),
        "trainer_id": look.choice(look.trainers, (site_id, fold(cells.get("trainer", ""))),
                                  cells.get("trainer", "")),
    }
    values.update({k: v for k, v in given.items() if v not in (None, "")})
    line.values = values
    if len(matches) > 1:
        line.problems["name"] = word(
            "Two people of this name on this site: change her on her page.")
        return
    if only_site is not None and (site_id != only_site or values["role"] != "learner"):
        line.problems["site_id" if site_id != only_site else "role"] = word(
            "Your site's learners only.")
        return
    try:
        clean = admin.check_person(s, values, routes, current)
    except admin.Invalid as refused:
        line.problems = {k: _said_for_a_file(k, line.cells, said)
                         for k, said in refused.errors.items()}
        return
    line.values = clean
    if current is None:
        line.action = "add"
        return
    if actor == current.id and clean["role"] != current.role:
        line.problems["role"] = word("You cannot change your own role.")
        return
    line.person_id = current.id
    line.changes = admin._changes(admin.person_row(current, routes), clean)
    line.action = "update" if line.changes else "unchanged"


def _said_for_a_file(name: str, cells: Mapping[str, Any], said: dict) -> dict:
    """A form's words said of a cell: which site, team, route or trainer is unknown."""
    cell = {"site_id": "site", "team_id": "team", "trainer_id": "trainer"}.get(name, name)
    value = admin.tidy(cells.get(cell, "")) if not isinstance(cells.get(cell), date) else ""
    if not value:
        return said
    if name == "site_id":
        return word("Unknown site: {value}.", value=value)
    if name == "team_id":
        return word("No team {value} on this site.", value=value)
    if name == "route":
        return word("No job route {value} in routes.yaml.", value=value)
    if name == "trainer_id":
        return word("No trainer {value} on this site.", value=value)
    if name in ("placement_start", "placement_end") and said == word(
            "Write a date: day, month and year."):
        return word("{value} is not a date: write 03/12/2026 or 2026-12-03.", value=value)
    return said


# -- Import ----------------------------------------------------------------------------

def apply(store: Store, actor: str, columns_mapping: Mapping[str, str], frame: pd.DataFrame,
          routes: Mapping[str, Sequence[str]], titles: Mapping[str, Mapping[str, str]],
          *, only_site: str | None = None) -> Preview:
    """Import the good lines of ``frame`` in one transaction; the preview it followed.

    The lines are checked again inside the transaction, so what is written is what a
    preview made now says; a second import of the same file finds every line unchanged
    and writes nothing.
    """
    with store.session() as s:
        found = _preview_in(s, columns_mapping, frame, routes, titles, actor, only_site)
        for line in found.to_write:
            if line.action == "add":
                entry = admin.insert_person(s, actor, line.values, routes)
                line.person_id = entry.person_id
                s.flush()                   # the next new id sees this one
            else:
                admin.update_person(s, actor, s.get(Person, line.person_id), line.values,
                                    routes)
    return found


# -- Export ----------------------------------------------------------------------------

EXPORT_HEADERS = {"name": "Nom", "role": "Rôle", "site": "Site", "team": "Équipe",
                  "route": "Parcours", "language": "Langue", "placement_start": "Début",
                  "placement_end": "Fin prévue", "trainer": "Formateur"}


def export_table(store: Store, routes: Mapping[str, Sequence[str]],
                 people: Sequence[Person] | None = None) -> pd.DataFrame:
    """The current people (or ``people``, a page's filtered list) as a file an import reads
    back unchanged: one line a person, headed as :data:`HEADERS` guesses, sites, teams and
    trainers by name."""
    with store.session() as s:
        sites = {site.id: site.name for site in s.scalars(select(Site))}
        teams = {team.id: team.name for team in s.scalars(select(Team))}
        names = dict(s.execute(select(Person.id, Person.name)).all())
        if people is None:
            people = list(s.scalars(select(Person).where(Person.ended_on.is_(None))
                                    .order_by(Person.site_id, Person.name)))
    rows = []
    for person in people:
        row = admin.person_row(person, routes)
        rows.append({"name": person.name, "role": person.role,
                     "site": sites.get(person.site_id, ""),
                     "team": teams.get(person.team_id, ""), "route": row["route"] or "",
                     "language": person.language, "placement_start": person.placement_start,
                     "placement_end": person.placement_end,
                     "trainer": names.get(person.trainer_id, "")})
    frame = pd.DataFrame(rows, columns=list(EXPORT_HEADERS))
    return frame.rename(columns=EXPORT_HEADERS)
