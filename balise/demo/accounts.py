"""Demo data for ``make serve``: one site, one trainer, one coordinator, three learners.

The passwords are printed at start and are for a demo on 127.0.0.1 only. They are
added through :mod:`balise.store.admin`, as the pages add people: each is checked
and written to the trail (by ``demo``).
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from balise.passwords import hash_password
from balise.store import admin
from balise.store.models import Store

SITE = ("lyon-logistique", "Lyon — plateforme logistique")
ADDRESS = "12 rue des Entrepôts, 69007 Lyon"
ACTIVITIES = ["logistics", "transport"]
# The demo learners' job route (``courses/routes.yaml``): the check needs only its id and jobs.
ROUTES = {"logistics": ["logistics"]}
ACTOR = "demo"          # who the trail says added the demo data
PEOPLE = [
    # id, name, role, password
    ("formatrice", "Nadia Benali", "trainer", "demo-formatrice"),
    ("coordinateur", "Marc Dubois", "coordinator", "demo-coordinateur"),
    ("amina", "Amina Diallo", "learner", "demo-amina"),
    ("yusuf", "Yusuf Haidari", "learner", "demo-yusuf"),
    ("lea", "Léa Martin", "learner", "demo-lea"),
]


def seed(store: Store) -> bool:
    """Fill an empty store; leave one that already has people untouched."""
    if not store.is_empty():
        return False
    admin.add_site(store, ACTOR, {"name": SITE[1], "address": ADDRESS,
                                  "activities": ACTIVITIES}, site_id=SITE[0])
    start = date.today() - timedelta(days=40)
    for pid, name, role, password in PEOPLE:
        learner = role == "learner"
        admin.add_person(store, ACTOR, {
            "name": name, "role": role, "site_id": SITE[0],
            "route": "logistics" if learner else None,
            "placement_start": start if learner else None,
            "placement_end": start + relativedelta(months=12) if learner else None,
        }, ROUTES, person_id=pid, password_hash=hash_password(password))
    return True


def accounts_text(url: str) -> str:
    lines = [f"Balise is running at {url}", "Demo accounts (name / password):"]
    lines += [f"  {role:<12} {pid:<14} {password}" for pid, _, role, password in PEOPLE]
    lines.append(f"Course authors: every exercise kind, in the gallery (signed in): "
                 f"{url}voila/render/gallery/gallery.ipynb")
    return "\n".join(lines)
