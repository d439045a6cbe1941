"""A trainer imports a list on a 360 px phone (issue 19, item 2), in Debian's chromium.

From her people page: "Importer une liste", a CSV of 20 lines, two of them bad; its
columns mapped once; the preview says why each bad line is refused and what the rest
will do; "Importer 18 personnes" imports them. Each page passes axe-core (WCAG 2.1 and
2.2 A and AA) and scrolls only up and down.
"""

from __future__ import annotations

import uuid

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from sqlalchemy import select
from test_journey import sign_in

from balise.store.models import Person, Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_a_trainer_imports_a_list_on_her_phone(server, small_phone, tmp_path):
    page, uid = small_phone, uuid.uuid4().hex[:6]
    listed = tmp_path / "equipe.csv"
    good = [f"Personne {n:02d} {uid};Quai de chargement;Logistique;{n + 1:02d}/09/2026\n"
            for n in range(18)]
    listed.write_text(
        "Nom complet;Équipe;Parcours;Date d'entrée\n" + "".join(good[:9])
        + f"Karim Haddad {uid};;pâtisserie;2026-09-02\n"          # no such route
        + f"Léa Moreau {uid};;logistics;31/02/2026\n"             # not a date
        + "".join(good[9:]), "utf-8")
    sign_in(page, server, "formatrice")
    page.goto(server.url + "balise/admin/people")
    page.click("#import-list")
    assert_accessible(page, "import upload")
    page.set_input_files("#file", str(listed))
    page.click("#send")
    expect(page.locator("#save-columns")).to_be_visible()
    assert page.locator("#confirm").count() == 0            # columns first, then confirm
    assert_accessible(page, "import columns")
    assert page.evaluate(SIDEWAYS) <= 0
    page.click("#save-columns")
    confirm = page.locator("#confirm")
    expect(confirm).to_contain_text("Importer 18 personnes")
    refused = page.locator("#refused > li")
    expect(refused).to_have_count(2)
    expect(refused.nth(0)).to_contain_text("Pas de parcours métier pâtisserie")
    expect(refused.nth(1)).to_contain_text("31/02/2026 n'est pas une date")
    assert_accessible(page, "import preview")
    assert page.evaluate(SIDEWAYS) <= 0
    confirm.click()
    expect(page.locator("#done")).to_contain_text("18 ajoutées")
    assert page.evaluate(SIDEWAYS) <= 0
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    try:
        with store.session() as s:
            added = s.scalars(select(Person).where(Person.name.contains(uid))).all()
        assert {p.site_id for p in added} == {"lyon-logistique"}
        assert len(added) == 18
    finally:
        store.dispose()
