"""A module page she can leave and come back to, in the language she chose.

The page's top says where she is and how to go back; the tab names the module; her
language choice is kept for her on the next page; when she comes back to a module she
passed, her last result is at the top, with the next module of her route and a way to
start again.
"""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect
from test_journey import open_module

from balise import tokens
from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSES = Path(__file__).resolve().parents[2] / "courses"
LEARNER, MODULE = "amina", "warehouse"


def reading(server) -> str | None:
    with sqlite3.connect(f"file:{server.data / 'balise.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT reading FROM people WHERE id = ?", (LEARNER,)).fetchone()[0]


def pass_by_api(server, module) -> None:
    token = tokens.sign(tokens.load_secret(server.data / "secret.key"), LEARNER, module.id, 10)
    headers = {"Authorization": f"Bearer {token}"}
    asked = requests.get(server.url + "balise/api/answers", params={"module": module.id},
                         headers=headers).json()["questions"]
    answers = {s.id: s.right_answer for s in module.scenarios}
    answers.update({q: module.question(q).answer for q in asked})
    r = requests.post(server.url + "balise/api/submit", headers=headers, json={
        "module": module.id, "submission_id": uuid.uuid4().hex, "answers": answers})
    assert r.json()["passed"], r.text


def test_she_goes_back_keeps_her_language_and_finds_her_last_result(server, small_phone):
    module = load_catalogue(COURSES)[MODULE]
    page = small_phone
    submit = open_module(page, server, LEARNER, MODULE)
    expect(page).to_have_title(re.compile(re.escape(module.title["fr"])))
    back = page.get_by_role("link", name=re.compile("Mes modules"))
    expect(back).to_be_visible()
    expect(page.locator(".balise-top")).to_contain_text("Amina Diallo")
    assert back.bounding_box()["y"] < 100                       # at the very top

    page.locator(".balise-language button", has_text=re.compile(r"^FR$")).click()
    expect(submit).to_have_text("Envoyer mes réponses", timeout=20_000)   # not bilingual now
    for _ in range(50):
        if reading(server) == "fr":
            break
        time.sleep(0.1)
    assert reading(server) == "fr"

    pass_by_api(server, module)
    page.reload()
    expect(page.locator("button.balise-submit")).to_be_visible(timeout=60_000)
    expect(page.locator("button.balise-submit")).to_have_text("Envoyer mes réponses")
    last = page.locator(".balise-last-result")
    expect(last).to_contain_text("Votre dernier résultat")
    expect(last).to_contain_text("Module réussi")
    expect(last.locator("a.balise-next")).to_contain_text("Module suivant")
    page.locator("button.balise-start-again").click()
    expect(last).to_be_hidden()

    back.click()
    expect(page).to_have_url(re.compile(r"/balise/learner$"))
    # Her landing page speaks French only too, and its own buttons bring both back.
    expect(page.locator("h1")).not_to_contain_text("My route")
    expect(page.locator("#reading-fr")).to_have_attribute("aria-pressed", "true")
    page.locator("#reading-both").click()
    expect(page.locator("h1")).to_contain_text("My route")
    assert reading(server) == "both"
