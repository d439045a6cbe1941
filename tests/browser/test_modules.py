"""Every module in Debian's chromium: failed with wrong answers, then passed with right ones.

Issue #7's proof, parametrised over the catalogue. One page per module: the
learner answers every question of her first draw wrong and leaves the
scenarios alone (not passed), presses "Recommencer", meets her second draw,
works each scenario with the mouse to its right answer and answers every
question right (passed, full marks). The scenario moves are the gallery's.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect
from shared import add_learner
from test_gallery import MOUSE, RIGHT

from balise.catalogue.draw import drawn
from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSES = Path(__file__).resolve().parents[2] / "courses"
CATALOGUE = load_catalogue(COURSES)
LEARNER = "parcours"            # her own account: no other test answers in her name
PASSWORD = "parcours-test"
RENDER = 90_000


@pytest.fixture(scope="module")
def learner(server):
    return add_learner(server, LEARNER, "Inès Parcours", PASSWORD)


def page_order(module) -> list:
    """The module's scenarios in the order their cells stand in the notebook."""
    nb = nbformat.read(module.notebook, as_version=4)
    ids = [c.metadata.get("balise", {}).get("scenario") for c in nb.cells
           if "balise-scenario" in c.metadata.get("tags", [])]
    return [module.scenario(sid) for sid in ids]


def shown(page, module) -> list[str]:
    """The questions the page asks: one attempt's draw, whatever her attempt number is."""
    ids = [q.id for q in module.quiz if page.locator(f".balise-question-{q.id}").count()]
    assert ids in [drawn(module, LEARNER, n) for n in range(1, 30)], ids
    return ids


def answer_quiz(page, module, right: bool) -> list[str]:
    asked = shown(page, module)
    for qid in asked:
        q = module.question(qid)
        ids = [o["id"] for o in q.options]
        pick = q.answer if right else next(i for i in ids if i != q.answer)
        radio = page.locator(f".balise-question-{qid} input[type=radio]").nth(ids.index(pick))
        radio.check()
        expect(radio).to_be_checked()
    return asked


@pytest.mark.parametrize("mid", sorted(CATALOGUE))
def test_module_fails_with_wrong_answers_and_passes_with_right_ones(server, learner, phone,
                                                                    mid):
    module = CATALOGUE[mid]
    page = phone
    page.goto(server.url + "login")
    page.fill("#username", learner)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(re.compile(r"/balise/learner$"))
    page.goto(server.url + f"voila/render/{mid}/{mid}.ipynb")
    submit = page.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=RENDER)
    total = len(module.grade_names)

    # The key instructions: a card each, its picture described in both languages, read aloud.
    cards = page.locator(".balise-instruction")
    expect(cards).to_have_count(len(module.instructions))
    for item, n in zip(module.instructions, range(len(module.instructions))):
        alt = cards.nth(n).locator("img").get_attribute("alt")
        assert item.alt["fr"] in alt and item.alt["en"] in alt
    cards.nth(0).locator("button.balise-listen").click()
    expect(cards.nth(0).locator("audio")).to_have_count(1)

    first = answer_quiz(page, module, right=False)
    page.wait_for_timeout(300)           # the last choice reaches the kernel before the click
    submit.click()
    if module.scenarios:                 # situations left alone: the page asks first
        warning = page.locator(".balise-blank-warning")
        expect(warning.locator("a[href^='#balise-item-']")).to_have_count(
            len(module.scenarios), timeout=RENDER)
        page.locator("button.balise-send-anyway").click()
    result = page.locator(".balise-result")
    expect(result).to_contain_text("Pas encore réussi", timeout=RENDER)
    expect(result).to_contain_text(f"0 / {total}")

    page.locator("button.balise-again").click()
    for n, scenario in enumerate(page_order(module)):
        widget = page.locator(".balise-scenario").nth(n)
        widget.scroll_into_view_if_needed()
        MOUSE[scenario.kind](page, widget, scenario)
        expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    second = answer_quiz(page, module, right=True)
    assert len(first) == len(second) == module.draw_size
    page.wait_for_timeout(300)
    submit.click()
    expect(result).to_contain_text("Module réussi", timeout=RENDER)
    expect(result).to_contain_text(f"{total} / {total}")
    expect(result.locator(".balise-q-wrong")).to_have_count(0)
