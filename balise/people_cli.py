"""``balise people import FILE [--dry-run]`` and ``balise people export FILE``.

The import is the pages' own (:mod:`balise.store.people_import`), as a coordinator: the
columns are those remembered for the file's header row, else guessed from its headers;
the preview is printed, refused lines with their reasons, and nothing is written with
``--dry-run``. The export writes the current people as CSV or XLSX (by the file's
extension), never a formula, and importing it back changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from balise import BaliseError
from balise.config import Balise

ACTOR = "cli"


def _context(balise: Balise):
    from balise.catalogue.modules import load_catalogue
    from balise.progress import load_routes
    from balise.store.models import Store

    routes = load_routes(balise.courses_path / "routes.yaml",
                         set(load_catalogue(balise.courses_path)))
    return (Store(balise.store_url), {r.id: list(r.jobs) for r in routes},
            {r.id: r.title for r in routes})


def import_people(balise: Balise, path: Path, dry_run: bool, out=None) -> int:
    out = out or sys.stdout         # read now: a test may have swapped it
    from balise.store import people_files as files
    from balise.store import people_import as imports

    try:
        data = path.read_bytes()
    except OSError as err:
        raise BaliseError(f"cannot read {path}: {err.strerror}") from None
    try:
        frame = files.read_table(data)
        memory = files.MappingMemory(balise.data_path / files.MEMORY_FILE)
        mapping = files.check_mapping(list(frame.columns), memory.get(list(frame.columns))
                                        or files.guess_mapping(frame.columns))
    except files.BadFile as bad:
        raise BaliseError(f"{path}: {bad.said['en']}") from None
    store, routes, titles = _context(balise)
    try:
        run = imports.preview if dry_run else imports.apply
        kw = {"actor": ACTOR} if dry_run else {}
        args = (store, mapping, frame) if dry_run else (store, ACTOR, mapping, frame)
        found = run(*args, routes, titles, **kw)
    finally:
        store.dispose()
    print("Columns: " + ", ".join(f"{c} -> {f}" for c, f in mapping.items()), file=out)
    for line in found.lines:
        if line.action == "refused":
            reasons = "; ".join(said["en"] for said in line.problems.values())
            print(f"line {line.number} ({line.cells.get('name', '')!s}): refused: {reasons}",
                  file=out)
    counts = {a: found.count(a) for a in ("add", "update", "unchanged", "refused")}
    verb = "would" if dry_run else "done"
    print(f"{verb}: " + " ".join(f"{a}={n}" for a, n in counts.items()), file=out)
    return 0


def export_people(balise: Balise, path: Path, out=None) -> int:
    out = out or sys.stdout         # read now: a test may have swapped it
    from balise.store.people_import import export_table
    from balise.web.exports import csv_bytes, xlsx_bytes

    kind = path.suffix.lower().lstrip(".")
    if kind not in ("csv", "xlsx"):
        raise BaliseError(f"{path}: name the file .csv or .xlsx")
    store, routes, _ = _context(balise)
    try:
        table = export_table(store, routes)
    finally:
        store.dispose()
    path.write_bytes(csv_bytes(table, "fr") if kind == "csv" else xlsx_bytes(table, "people"))
    print(f"{len(table)} people written to {path}", file=out)
    return 0
