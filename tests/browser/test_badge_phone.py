"""Badges on a 360 px phone: the trainer prints a learner's badge from her page, the learner
types its code on the sign-in page and sees her route; the sign-in page, the badge part of
her page, the card to print and the team's sheet pass axe-core (WCAG 2.1 and 2.2 A/AA) with
nothing wider than the screen."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from a11y import assert_phone_page as checked
from playwright.sync_api import expect
from test_journey import sign_in

from balise.store import admin
from balise.store.models import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_trainer_prints_a_badge_and_the_learner_signs_in_with_its_code(server, browser):
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    name = f"Awa Traoré {uuid.uuid4().hex[:6]}"
    learner = admin.add_person(store, "test", {
        "name": name, "role": "learner", "site_id": "lyon-logistique", "team_id": "lyon-quai",
        "route": "logistics", "placement_start": date.today().isoformat()},
        {"logistics": ["logistics"]})
    store.dispose()
    size = {"viewport": {"width": 360, "height": 740}}
    trainer_phone, learner_phone = browser.new_context(**size), browser.new_context(**size)
    try:
        page = trainer_phone.new_page()
        sign_in(page, server, "formatrice")
        page.goto(server.url + f"balise/person/{learner}")
        expect(page.locator("#badge-state")).to_contain_text("Pas de badge")
        checked(page, "her page, no badge")
        page.click("#print-badge")
        expect(page.locator("#badge-1 .code")).to_have_text(
            re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
        expect(page.locator("#badge-1 svg")).to_be_visible()
        checked(page, "one card to print")
        code = page.locator("#badge-1 .code").inner_text()
        page.goto(server.url + f"balise/person/{learner}")
        expect(page.locator("#badge-state")).to_contain_text("En service")
        page.goto(server.url + "balise/admin/people?team=lyon-quai")
        checked(page, "people of a team, with its sheet button")

        phone = learner_phone.new_page()
        phone.goto(server.url + "login")
        checked(phone, "sign-in page")
        phone.fill("#badge_code", code.lower().replace("-", " "))
        phone.click("#sign-in-badge")
        expect(phone).to_have_url(re.compile(r"/balise/learner$"))
        expect(phone.locator("body")).to_contain_text(name)
        expect(phone.locator("body")).to_contain_text("Logistique")
        wide = phone.evaluate("() => document.scrollingElement.scrollWidth")
        assert wide <= 360

        page.goto(server.url + "balise/admin/people?team=lyon-quai")
        page.click("#print-team-badges")
        expect(page.locator("#badge-1 .code")).to_be_visible()
        checked(page, "a team's sheet to print")
        assert page.locator(".badge-card").count() >= 2
    finally:
        trainer_phone.close()
        learner_phone.close()


def test_a_shared_phone_and_a_reset_password_on_a_phone(server, browser):
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    uid = uuid.uuid4().hex[:6]
    learner = admin.add_person(store, "test", {
        "name": f"Nour Haddad {uid}", "role": "learner", "site_id": "lyon-logistique",
        "team_id": "lyon-quai", "route": "logistics",
        "placement_start": date.today().isoformat()}, {"logistics": ["logistics"]})
    trainer = admin.add_person(store, "test", {"name": f"Inès Morel {uid}", "role": "trainer",
                                               "site_id": "lyon-logistique"}, {})
    store.dispose()
    size = {"viewport": {"width": 360, "height": 740}}
    first, second = browser.new_context(**size), browser.new_context(**size)
    try:
        page = first.new_page()
        sign_in(page, server, "formatrice")
        page.goto(server.url + f"balise/admin/people?q=Nour+Haddad+{uid}")
        page.click(".print-badge")
        expect(page.locator("#badge-1 .code")).to_be_visible()
        page.goto(server.url + f"balise/person/{learner}")
        page.click("#open-session-link")
        expect(page.locator("h1")).to_contain_text(f"Nour Haddad {uid}")
        checked(page, "open her session on this phone")
        page.click("#open-session")
        expect(page).to_have_url(re.compile(r"/balise/learner$"))
        expect(page.locator("body")).to_contain_text(f"Nour Haddad {uid}")

        page = second.new_page()
        sign_in(page, server, "coordinateur")
        page.goto(server.url + f"balise/person/{trainer}")
        page.click("#reset-password")
        checked(page, "a one-time password")
        one_time = "".join(page.locator("#one-time span").all_inner_texts())
        page.goto(server.url + "logout")
        page.click("#sign-out")
        page.goto(server.url + "login")
        page.fill("#username", trainer)
        page.fill("#password", one_time)
        page.click("#sign-in")
        expect(page).to_have_url(re.compile(r"/balise/password$"))
        checked(page, "choose your password")
        page.fill("#password", "trop court")
        page.fill("#again", "trop court")
        page.click("#save-password")
        expect(page.locator("#password-error")).to_be_visible()
        checked(page, "choose your password, refused")
        page.fill("#password", "le quai nord est propre")
        page.fill("#again", "le quai nord est propre")
        page.click("#save-password")
        expect(page).to_have_url(re.compile(r"/balise/trainer"))
    finally:
        first.close()
        second.close()
