"""Demo data for ``make serve``: one site, one trainer, one coordinator, three learners.

The passwords are printed at start and are for a demo on 127.0.0.1 only.
"""

from __future__ import annotations

from balise.passwords import hash_password
from balise.store.models import Person, Site, Store

SITE = ("lyon-logistique", "Lyon — plateforme logistique")
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
    with store.session() as s:
        s.add(Site(id=SITE[0], name=SITE[1]))
        s.flush()
        for pid, name, role, password in PEOPLE:
            s.add(Person(id=pid, name=name, role=role, site_id=SITE[0],
                         password_hash=hash_password(password)))
    return True


def accounts_text(url: str) -> str:
    lines = [f"Balise is running at {url}", "Demo accounts (name / password):"]
    lines += [f"  {role:<12} {pid:<14} {password}" for pid, _, role, password in PEOPLE]
    lines.append(f"Course authors: every exercise kind, in the gallery (signed in): "
                 f"{url}voila/render/gallery/gallery.ipynb")
    return "\n".join(lines)
