"""The administration on a 360 px phone: a coordinator adds a site, a team and a trainer,
a refused form shows its messages beside its fields, and every page (lists, forms, a
refused form, a person's page, the trail) passes axe-core (WCAG 2.1 and 2.2 A/AA) with
nothing wider than the screen."""

from __future__ import annotations

import re
import uuid

import pytest
from a11y import assert_phone_page as checked
from playwright.sync_api import expect
from test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_coordinator_adds_a_site_a_team_and_a_trainer_on_a_phone(server, small_phone):
    page, uid = small_phone, uuid.uuid4().hex[:6]
    sign_in(page, server, "coordinateur")
    expect(page).to_have_url(re.compile(r"/balise/coordinator$"))

    page.goto(server.url + "balise/admin/sites")
    checked(page, "sites")
    page.click("#add-site")
    page.click("#save")                                         # nothing filled in
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#name-error")).to_contain_text("Écrivez le nom")
    expect(page.locator("#activities-error")).to_contain_text("Tick at least one activity")
    checked(page, "site form, refused")
    page.fill("#name", f"Grenoble {uid}")
    page.fill("#address", "5 rue des Alpes, 38000 Grenoble")
    page.check("#activity-logistics")
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    checked(page, "site form, saved")

    page.goto(server.url + "balise/admin/people/new")
    checked(page, "person form")
    page.fill("#name", f"Camille Roux {uid}")
    page.select_option("#role", "trainer")
    page.select_option("#site_id", label=f"Grenoble {uid}")
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    expect(page.locator("h1")).to_have_text(f"Camille Roux {uid}")

    page.goto(server.url + "balise/admin/teams")
    checked(page, "teams")
    page.goto(server.url + "balise/admin/teams/new")
    page.select_option("#site_id", label=f"Grenoble {uid}")
    page.fill("#name", "Quai nord")
    page.select_option("#activity", "logistics")
    page.select_option("#trainer_id", label=f"Camille Roux {uid}")
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    checked(page, "team form, saved")

    page.goto(server.url + "balise/admin/people?q=" + uid)
    expect(page.locator("#people li")).to_have_count(1)
    checked(page, "people found")
    page.goto(server.url + "balise/person/yusuf")
    checked(page, "a person's page")
    page.goto(server.url + "balise/trail?person=yusuf")
    checked(page, "the trail of a person")


def test_a_trainer_adds_a_learner_and_ends_her_placement_on_a_phone(server, small_phone):
    page, uid = small_phone, uuid.uuid4().hex[:6]
    sign_in(page, server, "formatrice")
    expect(page).to_have_url(re.compile(r"/balise/trainer$"))
    page.goto(server.url + "balise/admin/people/new")
    page.fill("#name", f"Rania Kaya {uid}")
    page.select_option("#team_id", "lyon-quai")
    page.click("#save")                                         # no route, no start
    expect(page.locator("#route-error")).to_contain_text("Choisissez un parcours métier")
    expect(page.locator("#placement_start-error")).to_be_visible()
    checked(page, "learner form, refused")
    page.select_option("#route", "logistics")
    page.fill("#placement_start", "2026-11-02")
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    page.click("#end-placement")
    expect(page.locator("#archived")).to_contain_text("Contrat terminé le")
    checked(page, "learner form, placement ended")
    page.click("#bring-back")
    expect(page.locator(".notice")).to_contain_text("Contrat repris")
    page.goto(server.url + "balise/admin/people")
    checked(page, "the trainer's people")
