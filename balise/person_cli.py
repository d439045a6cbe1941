"""``balise person export ID --out FILE``: everything Balise holds about one person, as the
zip a coordinator downloads from her page (:mod:`balise.store.personal_data`);
``balise person erase ID`` (:mod:`balise.store.erasure`) and ``balise person retention``
(who is due for erasure, :mod:`balise.progress.retention`).

The certificates inside carry the public address of ``c.ServerApp.custom_display_url``
when it is set (the address people use), else the server's default local one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from balise import BaliseError
from balise.config import Balise

LOCAL = "http://127.0.0.1:8866/"


def export_person_file(balise: Balise, config, person_id: str, out: Path,
                       said=None) -> int:
    """``balise person export ID --out FILE``; says what it wrote on ``said`` (stdout)."""
    said = said or sys.stdout       # read now: a test may have swapped it
    from balise.catalogue.modules import load_catalogue
    from balise.grading.coursedir import COURSE_ID
    from balise.progress import load_routes
    from balise.store import admin
    from balise.store.models import Store
    from balise.store.personal_data import certificate_pdfs, export_person

    store = Store(balise.store_url)
    try:
        person = store.person(person_id)
        if person is None:
            raise BaliseError(f"Nobody with the id {person_id!r} in {balise.data_path}. "
                              "Fix: copy the id from her page's address (/balise/person/<id>).")
        catalogue = load_catalogue(balise.courses_path)
        routes = load_routes(balise.courses_path / "routes.yaml", set(catalogue))
        base = config.ServerApp.get("custom_display_url") or LOCAL
        pdfs = certificate_pdfs(store, person.id, person.name, routes,
                                {m.id: m.title for m in catalogue.values()}, base)
        body = export_person(store, balise.gradebook_url, COURSE_ID,
                             balise.data_path / "attempts", person.id, pdfs)
        out.write_bytes(body)
        with store.session() as s:
            admin._write(s, "command line", "person.export", person=person.id,
                         site=person.site_id)
    finally:
        store.dispose()
    print(f"{person.name}: {len(body):,} bytes written to {out}", file=said)
    return 0


def erase(balise: Balise, person_id: str, yes: bool = False, said=None,
          ask=input) -> int:
    """``balise person erase ID``: asks for her name first, unless ``--yes``."""
    said = said or sys.stdout       # read now: a test may have swapped it
    from balise.grading.coursedir import COURSE_ID
    from balise.store.erasure import erase_person
    from balise.store.models import Store
    from balise.tokens import load_secret
    from balise.web.personal_data import same_name

    store = Store(balise.store_url)
    try:
        person = store.person(person_id)
        if person is None:
            raise BaliseError(f"Nobody with the id {person_id!r} in {balise.data_path}: "
                              "nothing erased. Fix: copy the id from her page's address.")
        if not yes:
            typed = ask(f"Erase {person.name} for good? Type her name to confirm: ")
            if not same_name(typed, person.name):
                raise BaliseError("The name typed is not hers: nothing erased.")
        done = erase_person(store, balise.gradebook_url, COURSE_ID, balise.data_path,
                            load_secret(balise.secret_path), "command line", person.id)
    finally:
        store.dispose()
    print(f"Erased: {sum(done['rows'].values())} rows, {done['files']} files, "
          f"{done['certificates']} certificates revoked (trail reference {done['ref']}).",
          file=said)
    return 0


def retention(balise: Balise, said=None) -> int:
    """``balise person retention``: who is due for erasure, one per line."""
    said = said or sys.stdout       # read now: a test may have swapped it
    from datetime import date

    from balise.progress.retention import due_for_erasure
    from balise.store.models import Person, Store

    store = Store(balise.store_url)
    try:
        due = due_for_erasure(store.frame(Person), date.today(), balise.retention_months)
    finally:
        store.dispose()
    print(f"{len(due)} people whose placement ended over {balise.retention_months} months "
          "ago (erase each with `balise person erase ID`):", file=said)
    for row in due.itertuples():
        print(f"{row.id}\t{row.name}\t{row.site_id or ''}\t{row.ended.date()}", file=said)
    return 0
