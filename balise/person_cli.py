"""``balise person export ID --out FILE``: everything Balise holds about one person, as the
zip a coordinator downloads from her page (:mod:`balise.store.personal_data`).

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
                       said=sys.stdout) -> int:
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
