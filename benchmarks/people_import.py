"""A group's list imported: 1,300 people over 17 sites, previewed then imported.

What a coordinator putting Balise into service does once: a CSV of the whole group
(17 sites with two teams each, every learner with a route, a team, a trainer and her
placement's dates) read, checked line by line (the preview), then imported in one
transaction with a trail line each, through :mod:`balise.store.people_import`, the
pages' and the command line's own code. Target: at most 5 s for both on the 2-core
machine. The store is SQLite in a temporary folder.

Last line: RESULT rows=1300 preview_s=... import_s=... total_s=... (seconds).
"""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from pathlib import Path

from serving import REPO

ROWS, SITES = 1300, 17
FIRST = ["Aïcha", "Omar", "Fatou", "Léa", "Yusuf", "Mariam", "Ibrahima", "Nadia", "Karim",
         "Sofia", "Mamadou", "Elif", "Tomás", "Awa", "Hamid", "Inès", "Bilal", "Chloé"]
LAST = ["Diallo", "Ba", "Sow", "Martin", "Nguyen", "Haddad", "Traoré", "Kaya", "Benali",
        "Rossi", "Keita", "Petit", "Okafor", "Da Silva", "Moreau", "Yilmaz", "Camara"]


def group(store, routes) -> list[tuple]:
    """17 sites, two teams and a trainer each, through the administration's functions."""
    from balise.store import admin

    sites = []
    for n in range(SITES):
        sid = admin.add_site(store, "bench", {"name": f"Site {n + 1:02d}",
                                              "activities": ["logistics", "construction"]})
        trainer = admin.add_person(store, "bench", {
            "name": f"Formatrice {n + 1:02d}", "role": "trainer", "site_id": sid}, routes)
        teams = [admin.add_team(store, "bench", {
            "site_id": sid, "name": name, "activity": activity, "trainer_id": trainer})
            for name, activity in (("Quai", "logistics"), ("Chantier", "construction"))]
        sites.append((f"Site {n + 1:02d}", teams, f"Formatrice {n + 1:02d}"))
    return sites


def csv_text(sites) -> str:
    rng = random.Random(19)
    lines = ["Nom;Site;Équipe;Parcours;Langue;Début;Fin prévue;Formateur"]
    for n in range(ROWS):
        site, _, trainer = sites[n % SITES]
        team, route = rng.choice([("Quai", "Logistique"), ("Chantier", "construction")])
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        lines.append(f"{rng.choice(FIRST)} {rng.choice(LAST)} {n:04d};{site};{team};{route};"
                     f"{rng.choice(['fr', 'en'])};{day:02d}/{month:02d}/2026;"
                     f"2027-{month:02d}-{day:02d};{trainer}")
    return "\n".join(lines) + "\n"


def main() -> None:
    from balise.catalogue.modules import load_catalogue
    from balise.progress import load_routes
    from balise.store import people_files as files
    from balise.store import people_import as imports
    from balise.store.models import Store

    found = load_routes(REPO / "courses" / "routes.yaml",
                        set(load_catalogue(REPO / "courses")))
    routes = {r.id: list(r.jobs) for r in found}
    titles = {r.id: r.title for r in found}
    work = Path(tempfile.mkdtemp(prefix="balise-bench-import-"))
    try:
        store = Store(f"sqlite:///{work / 'balise.db'}")
        data = csv_text(group(store, routes)).encode("utf-8")

        started = time.perf_counter()
        frame = files.read_table(data)
        mapping = files.check_mapping(list(frame.columns),
                                        files.guess_mapping(frame.columns))
        preview = imports.preview(store, mapping, frame, routes, titles, actor="bench")
        previewed = time.perf_counter()
        done = imports.apply(store, "bench", mapping, frame, routes, titles)
        imported = time.perf_counter()

        assert preview.count("add") == ROWS, [line.problems for line in preview.lines
                                              if line.problems][:3]
        assert done.count("add") == ROWS
        again = imports.preview(store, mapping, frame, routes, titles, actor="bench")
        assert again.count("unchanged") == ROWS
        store.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    preview_s, import_s = previewed - started, imported - previewed
    print(f"{ROWS} rows over {SITES} sites: preview {preview_s:.2f} s, import "
          f"{import_s:.2f} s (the import checks every line again in its transaction)")
    print(f"RESULT rows={ROWS} preview_s={preview_s:.2f} import_s={import_s:.2f} "
          f"total_s={preview_s + import_s:.2f}")


if __name__ == "__main__":
    main()
