"""The walking skeleton's journey in Debian's chromium, on a running server.

A learner signs in on a phone, opens `postures`, answers both scenarios,
answers the quiz, submits (twice, quickly) and reads her score; her trainer
then sees the score and one attempt; the coordinator sees her route complete.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect

from balise.catalogue.draw import drawn
from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSES = Path(__file__).resolve().parents[2] / "courses"
# The journey's screenshots (landing, a situation, the score, the feedback page) go to
# "journey-screens" beside the server's data folder, printed at the start, for a reviewer.
SCREEN_FOLDER = "journey-screens"
# yusuf's first attempt: the questions drawn for it, the fifth answered wrong on purpose.
QUIZ = drawn(load_catalogue(COURSES)["postures"], "yusuf", 1)
WRONG_ON_PURPOSE = QUIZ[4]


def sign_in(page, server, who):
    page.goto(server.url + "login")
    page.fill("#username", who)
    page.fill("#password", f"demo-{who}")
    page.click("#sign-in")


def open_module(page, server, learner: str, module: str):
    """Sign ``learner`` in and open ``module``; its Submit button, once the page is usable."""
    sign_in(page, server, learner)
    page.goto(server.url + f"voila/render/{module}/{module}.ipynb")
    submit = page.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=60_000)
    return submit


def certified_at_lyon(page) -> int:
    """Learners certified on the learners' site (Lyon), from the coordinator's table."""
    cells = page.locator("#sites tr", has_text="Lyon").locator("td").all_inner_texts()
    return int(cells[2])


def test_learner_passes_postures_and_trainer_and_coordinator_see_it(server, phone, desk):
    module = load_catalogue(COURSES)["postures"]
    quiz = [module.question(qid) for qid in QUIZ]

    sign_in(desk, server, "coordinateur")
    expect(desk).to_have_url(re.compile(r"/balise/coordinator$"))
    before = certified_at_lyon(desk)

    page = phone
    SCREENS = server.data.parent / SCREEN_FOLDER
    SCREENS.mkdir(exist_ok=True)
    print(f"journey screenshots: {SCREENS}")
    frames = []             # everything the page's kernel sends: widget state, the score
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: frames.append(f if isinstance(f, str) else f.decode(
            "utf-8", "replace"))))
    sign_in(page, server, "yusuf")
    expect(page).to_have_url(re.compile(r"/balise/learner$"))
    # Her landing page is her route, and its one big button is her next step.
    expect(page.locator("h1")).to_contain_text("Mon parcours : Logistique")
    card = page.locator(".module-row", has=page.locator("#open-postures"))
    expect(card.get_by_text("À faire")).to_be_visible()
    expect(page.locator("#continue")).to_contain_text(f"Continuer : {module.title['fr']}")
    assert page.locator("#continue").bounding_box()["y"] < 740        # no scrolling
    page.screenshot(path=str(SCREENS / "learner-landing.png"), full_page=True)
    page.click("#continue")
    submit = page.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=60_000)

    # Scenario 1: pick the picture of the safe carry.
    first = page.locator(".balise-scenario").nth(0)
    first.get_by_role("button", name="B", exact=True).click()
    expect(first.locator(".balise-feedback")).to_contain_text("Bonne réponse")
    first.screenshot(path=str(SCREENS / "learner-situation.png"))

    # Scenario 2: order the steps (ppe, avoid, collective, evaluate → avoid, evaluate, ...).
    second = page.locator(".balise-scenario").nth(1)
    for button, position, text in [("down-1", 2, "Se protéger"), ("down-2", 3, "Se protéger"),
                                   ("down-3", 4, "Se protéger"), ("up-3", 2, "Évaluer")]:
        second.locator(f"button.balise-{button}").click()
        expect(second.locator(f".balise-step-{position}")).to_contain_text(text)
    second.locator("button.balise-check").click()
    expect(second.locator(".balise-feedback")).to_contain_text("Bonne réponse")

    # Scenario 3: the lift calculator: H, D and A to their minimum by keyboard on the
    # slider (Home), V typed into its number box.
    third = page.locator(".balise-scenario").nth(2)
    safe = module.scenario("s3").right_answer
    for name in ("H", "D", "A"):
        third.locator(f".balise-measure-{name} input[type=range]").press("Home")
    box = third.locator(".balise-measure-V input[type=number]")
    box.fill(str(safe["V"]))
    box.press("Enter")
    for name, value in safe.items():
        expect(third.locator(f".balise-measure-{name} input[type=range]")).to_have_value(
            str(value))
    third.locator("button.balise-check").click()
    expect(third.locator(".balise-feedback")).to_contain_text("Bonne réponse")

    # The quiz: every answer right but one.
    for q in quiz:
        ids = [o["id"] for o in q.options]
        pick = q.answer if q.id != WRONG_ON_PURPOSE else next(i for i in ids if i != q.answer)
        radio = page.locator(f".balise-question-{q.id} input[type=radio]").nth(ids.index(pick))
        radio.check()
        expect(radio).to_be_checked()

    # A reload (or a dropped connection) loses nothing: answers come back from the server.
    page.reload()
    submit = page.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=60_000)
    first = page.locator(".balise-scenario").nth(0)
    expect(first.locator("button.mod-active")).to_have_text("B")
    second = page.locator(".balise-scenario").nth(1)
    expect(second.locator(".balise-step-2")).to_contain_text("Évaluer")
    third = page.locator(".balise-scenario").nth(2)
    expect(third.locator(".balise-measure-V input[type=range]")).to_have_value(str(safe["V"]))
    q1 = quiz[0]
    q1_ids = [o["id"] for o in q1.options]
    expect(page.locator(f".balise-question-{q1.id} input[type=radio]")
           .nth(q1_ids.index(q1.answer))).to_be_checked()

    submit.click()
    submit.click(force=True)       # a second, impatient click while grading
    result = page.locator(".balise-result")
    expect(result).to_contain_text("Votre note", timeout=90_000)
    total = len(module.grade_names)        # the scenarios count too
    expect(result).to_contain_text(f"{total - 1} / {total}")
    expect(result.locator(".balise-q-wrong")).to_have_count(1)
    expect(result.locator(".balise-q-right")).to_have_count(total - 1)
    expect(result).to_contain_text(module.question(WRONG_ON_PURPOSE).source)   # folded
    page.screenshot(path=str(SCREENS / "learner-quiz.png"), full_page=True)
    result.screenshot(path=str(SCREENS / "learner-score.png"))
    expect(result).to_contain_text(quiz[0].prompt["fr"])       # each line names its question

    # Nothing of the key or of grading code reaches her: not the page after submitting,
    # not what the kernel sent it, not her landing page or the feedback page it links to.
    reached = {"module page": page.content(), "kernel messages": "\n".join(frames)}
    page.goto(server.url + "balise/learner")
    reached["landing"] = page.content()
    page.locator("#feedback-postures").click()
    expect(page.locator("h1")).to_contain_text(module.title["fr"])
    reached["feedback"] = page.content()
    page.screenshot(path=str(SCREENS / "learner-feedback.png"), full_page=True)
    for where, text in reached.items():
        for trace in ("BEGIN HIDDEN TESTS", "assert", "Traceback", "AssertionError"):
            assert trace not in text, (where, trace)
        for q in module.quiz:
            if q.id not in QUIZ:
                assert q.prompt["fr"] not in text, (where, q.id)

    # The trainer sees his route certified, and the question he got wrong, in words.
    trainer = desk
    trainer.get_by_role("link", name="Se déconnecter").click()        # the header's link,
    trainer.locator("#sign-out").click()                               # then the button
    expect(trainer.locator("h1")).to_contain_text("You are signed out")
    sign_in(trainer, server, "formatrice")
    expect(trainer).to_have_url(re.compile(r"/balise/trainer$"))
    # His card (his other modules of the route were passed before, and his validations).
    card = trainer.locator("#person-yusuf")
    expect(card).to_contain_text("6/6 modules · 2/2 validations")
    expect(card).to_contain_text("Parcours certifié")
    trainer.locator("#stage-complete summary").click()            # the certified, folded
    expect(card).to_be_visible()
    assert_accessible(trainer, "trainer's group with a route certified")
    expect(trainer.locator("#failure-rates")).to_contain_text(
        module.question(WRONG_ON_PURPOSE).prompt["fr"])

    # The coordinator sees one more learner certified.
    trainer.get_by_role("link", name="Se déconnecter").click()        # the header's link,
    trainer.locator("#sign-out").click()                               # then the button
    expect(trainer.locator("h1")).to_contain_text("You are signed out")
    sign_in(trainer, server, "coordinateur")
    assert certified_at_lyon(trainer) == before + 1

    # The learner's own page shows the module passed.
    page.goto(server.url + "balise/learner")
    card = page.locator(".module-row", has=page.locator("#open-postures"))
    expect(card.get_by_text("Réussi")).to_be_visible()
