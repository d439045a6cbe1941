"""Submit with blanks asks first: which items are blank, then send anyway or go back.

Before, a learner who pressed Submit with half the quiz unanswered used an attempt
without a word. Now the page lists what is blank, each a link to it; going back
uses no attempt, sending anyway does.
"""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect
from test_journey import open_module

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEARNER, MODULE = "lea", "ppe"


def attempts(server) -> int:
    with sqlite3.connect(f"file:{server.data / 'balise.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM attempts WHERE learner_id = ? AND module_id = ?",
                          (LEARNER, MODULE)).fetchone()[0]


def test_a_blank_submit_asks_and_going_back_uses_no_attempt(server, small_phone):
    page = small_phone
    submit = open_module(page, server, LEARNER, MODULE)
    before = attempts(server)

    submit.click()
    warning = page.locator(".balise-blank-warning")
    expect(warning).to_be_visible(timeout=30_000)
    expect(warning).to_contain_text("sans réponse")
    links = warning.locator("a[href^='#balise-item-']")
    scenarios = page.locator(".balise-scenario").count()
    questions = page.locator('.balise-quiz [class*="balise-question-"]').count()
    assert scenarios and questions
    expect(links).to_have_count(scenarios + questions)
    expect(warning).to_contain_text(f"Il reste {scenarios + questions} questions sans réponse")
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href        # each link has its place
    last = links.last
    last.click()
    target = page.locator(last.get_attribute("href"))
    expect(target).to_be_in_viewport()

    page.locator("button.balise-go-back").click()
    expect(warning).to_be_hidden()
    assert attempts(server) == before                        # cancelling used nothing

    submit.click()
    expect(warning).to_be_visible(timeout=30_000)
    page.locator("button.balise-send-anyway").click()
    expect(page.locator(".balise-result")).to_contain_text("Votre note", timeout=90_000)
    assert attempts(server) == before + 1
