"""Into service, as one story on 360 px phones (issue 19, item 8), in Debian's chromium.

A coordinator adds a site, a trainer and a team, and gives the trainer a one-time
password; the trainer signs in, chooses her own, imports a 20-line list with two bad
lines (refused with their reasons, the 18 others imported after she confirms), prints a
badge for one of them; the learner types the badge's code on her own phone and lands on
her route. Every page on the way passes axe-core (WCAG 2.1 and 2.2, A and AA) and does
not scroll sideways.
"""

from __future__ import annotations

import re
import uuid

import pytest
from a11y import assert_phone_page as checked
from playwright.sync_api import expect
from test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 360, "height": 740}}


def test_a_new_site_goes_into_service_from_the_phones(server, browser, tmp_path):
    uid = uuid.uuid4().hex[:6]
    site, trainer, team = f"Grenoble {uid}", f"Camille Roux {uid}", f"Quai nord {uid}"
    coordinator_phone, trainer_phone, learner_phone = (browser.new_context(**PHONE)
                                                       for _ in range(3))
    try:
        # The coordinator: a site, its trainer, a team, and the trainer's first password.
        page = coordinator_phone.new_page()
        sign_in(page, server, "coordinateur")
        page.goto(server.url + "balise/admin/sites")
        page.click("#add-site")
        page.fill("#name", site)
        page.fill("#address", "5 rue des Alpes, 38000 Grenoble")
        page.check("#activity-logistics")
        page.click("#save")
        expect(page.locator(".notice")).to_contain_text("Enregistré")
        checked(page, "site saved")
        page.goto(server.url + "balise/admin/people/new")
        page.fill("#name", trainer)
        page.select_option("#role", "trainer")
        page.select_option("#site_id", label=site)
        page.click("#save")
        expect(page.locator("h1")).to_have_text(trainer)
        trainer_id = page.url.rstrip("/").split("/")[-1].split("?")[0]
        page.goto(server.url + "balise/admin/teams/new")
        page.select_option("#site_id", label=site)
        page.fill("#name", team)
        page.select_option("#activity", "logistics")
        page.select_option("#trainer_id", label=trainer)
        page.click("#save")
        expect(page.locator(".notice")).to_contain_text("Enregistré")
        page.goto(server.url + f"balise/person/{trainer_id}")
        page.click("#reset-password")
        checked(page, "a one-time password")
        one_time = "".join(page.locator("#one-time span").all_inner_texts())

        # The trainer: her own password, then her team's list.
        page = trainer_phone.new_page()
        page.goto(server.url + "login")
        page.fill("#username", trainer_id)
        page.fill("#password", one_time)
        page.click("#sign-in")
        expect(page).to_have_url(re.compile(r"/balise/password$"))
        page.fill("#password", "le quai nord est propre")
        page.fill("#again", "le quai nord est propre")
        page.click("#save-password")
        expect(page).to_have_url(re.compile(r"/balise/trainer"))
        listed = tmp_path / "equipe.csv"
        good = [f"Personne {n:02d} {uid};{team};Logistique;{n + 1:02d}/09/2026\n"
                for n in range(18)]
        listed.write_text(
            "Nom complet;Équipe;Parcours;Date d'entrée\n" + "".join(good[:9])
            + f"Karim Haddad {uid};{team};pâtisserie;2026-09-02\n"      # no such route
            + f"Léa Moreau {uid};{team};logistics;31/02/2026\n"         # not a date
            + "".join(good[9:]), "utf-8")
        page.goto(server.url + "balise/admin/people")
        page.click("#import-list")
        page.set_input_files("#file", str(listed))
        page.click("#send")
        # Its columns are asked once for a header row; another test may have answered them.
        expect(page.locator("#save-columns, #confirm").first).to_be_visible()
        if page.locator("#save-columns").count():
            page.click("#save-columns")
        expect(page.locator("#confirm")).to_contain_text("Importer 18 personnes")
        refused = page.locator("#refused > li")
        expect(refused).to_have_count(2)
        expect(refused.nth(0)).to_contain_text("pâtisserie")
        expect(refused.nth(1)).to_contain_text("31/02/2026 n'est pas une date")
        checked(page, "the list's preview")
        page.click("#confirm")
        expect(page.locator("#done")).to_contain_text("18 ajoutées")

        # A badge for the first of them, printed from the people list of her site.
        first = f"Personne 00 {uid}"
        page.goto(server.url + "balise/admin/people?q=" + first.replace(" ", "+"))
        expect(page.locator("#people li")).to_have_count(1)
        page.click(".print-badge")
        code = page.locator("#badge-1 .code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
        checked(page, "her badge to print")

        # The learner, on her own phone: the code typed, and her route.
        phone = learner_phone.new_page()
        phone.goto(server.url + "login")
        phone.fill("#badge_code", code)
        phone.click("#sign-in-badge")
        expect(phone).to_have_url(re.compile(r"/balise/learner$"))
        expect(phone.locator("h1")).to_contain_text("Mon parcours : Logistique")
        expect(phone.locator("#continue")).to_be_visible()
        expect(phone.locator("body")).to_contain_text(first)
        checked(phone, "her route, signed in by her badge")
    finally:
        for context in (coordinator_phone, trainer_phone, learner_phone):
            context.close()
