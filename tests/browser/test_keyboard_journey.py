"""A new learner's first day, on a 360 px phone, with the keyboard only, in French
(issue 17, item 12).

She signs in, finds her route and her next step on her landing page, presses
"Continuer", answers every situation of `culture` first wrong, then right, meets
the blank-submit warning and goes back, answers the last question, submits,
reads her score (each line names its question), opens her feedback page and goes
on to the next module of her route. Every move is a key press: Tab (or Shift+Tab)
until the element has the focus, then Enter, Space or an arrow key; no click, no
programmatic focus. Screenshots of the landing page, a situation, the score and the
feedback page go to "keyboard-journey-screens" beside the server's data folder.
axe-core (WCAG 2.1 and 2.2, A and AA) checks the landing, module and feedback pages.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from shared import add_learner

from balise.catalogue.draw import drawn
from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CATALOGUE = load_catalogue(Path(__file__).resolve().parents[2] / "courses")
MODULE, NEXT = CATALOGUE["culture"], CATALOGUE["postures"]
LEARNER, PASSWORD = "clavier", "clavier-test"       # her own: no other test answers for her
PHONE = {"width": 360, "height": 740}
RENDER = 90_000
RIGHT, WRONG = "Bonne réponse", "Pas tout à fait"
QUIZ = drawn(MODULE, LEARNER, 1)
BLANK = QUIZ[-1]            # left blank at first, to meet the warning

IS_FOCUSED = "el => el === document.activeElement"
# -1 when the element comes before the focused one in the page, 1 after (or no focus yet).
WHERE = """el => { const f = document.activeElement;
  if (!f || f === document.body) return 1;
  return (f.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) ? -1 : 1; }"""


def tab_to(page, locator, limit: int = 600) -> None:
    """Press Tab (or Shift+Tab, when it lies behind) until ``locator`` has the focus."""
    locator.wait_for(state="visible", timeout=RENDER)
    element = locator.element_handle()
    key = "Tab" if element.evaluate(WHERE) > 0 else "Shift+Tab"
    for _ in range(limit):
        if element.evaluate(IS_FOCUSED):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} never took the focus by {key}")


def press(page, locator, key: str = "Enter") -> None:
    tab_to(page, locator)
    page.keyboard.press(key)


def scenario(page, sid: str):
    return page.locator(".widget-vbox", has=page.locator(f"#balise-item-{sid}")).locator(
        ".balise-scenario")


def attempts(server) -> int:
    with sqlite3.connect(f"file:{server.data / 'balise.db'}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM attempts WHERE learner_id = ?",
                          (LEARNER,)).fetchone()[0]


def story_wrong_then_right(page, sid: str) -> None:
    """A wrong first choice ends the story with its consequence; "Recommencer", then the
    right way to its end."""
    story = MODULE.scenario(sid)
    widget = scenario(page, sid)
    first = story.public_data["nodes"][0]["choices"]
    wrong = next(c for c in first if c["id"] not in story.right_answer)
    press(page, widget.locator(f"button.balise-choice-{wrong['id']}"))
    expect(widget.locator(".balise-feedback").last).to_contain_text(WRONG)
    expect(widget).to_contain_text(story.private["consequences"][wrong["id"]]["fr"])
    press(page, widget.locator("button.balise-again-story"))
    for choice in story.right_answer:
        press(page, widget.locator(f"button.balise-choice-{choice}"))
    expect(widget.locator(".balise-feedback").last).to_contain_text(RIGHT)


def choice_wrong_then_right(page, sid: str, screens: Path) -> None:
    """The A/B/C choice: the group takes the focus, arrows move the pick (each checked)."""
    choice = MODULE.scenario(sid)
    widget = scenario(page, sid)
    ids = [o["id"] for o in choice.public_data["options"]]
    right = ids.index(choice.right_answer)
    wrong = 0 if right else 1
    press(page, widget.get_by_role("button", name=ids[wrong].upper(), exact=True))
    expect(widget.locator(".balise-feedback")).to_contain_text(WRONG)
    widget.screenshot(path=str(screens / "situation-wrong.png"))
    press(page, widget.get_by_role("button", name=ids[right].upper(), exact=True))
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    widget.screenshot(path=str(screens / "situation-right.png"))


def ordering_wrong_then_right(page, sid: str) -> None:
    """Check the first order (wrong), then move each step up into place with its buttons."""
    ordering = MODULE.scenario(sid)
    widget = scenario(page, sid)
    shown = [s["id"] for s in ordering.public_data["steps"]]
    assert shown != ordering.right_answer
    press(page, widget.locator("button.balise-check"))
    expect(widget.locator(".balise-feedback")).to_contain_text(WRONG)
    steps = {s["id"]: s for s in ordering.public_data["steps"]}
    for target, step in enumerate(ordering.right_answer):
        at = shown.index(step)
        while at > target:
            press(page, widget.locator(f"button.balise-up-{at + 1}"))
            shown[at - 1], shown[at] = shown[at], shown[at - 1]
            at -= 1
            expect(widget.locator(f".balise-step-{at + 1}")).to_contain_text(
                steps[step]["fr"])
    press(page, widget.locator("button.balise-check"))
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)


def answer_question(page, qid: str) -> None:
    """Tab into the radio group (its first option), then Space or arrows to the right one."""
    question = MODULE.question(qid)
    ids = [o["id"] for o in question.options]
    radios = page.locator(f".balise-question-{qid} input[type=radio]")
    tab_to(page, radios.first)
    pick = ids.index(question.answer)
    if pick == 0:
        page.keyboard.press("Space")
    for _ in range(pick):
        page.keyboard.press("ArrowDown")
    expect(radios.nth(pick)).to_be_checked()


@pytest.fixture(scope="module")
def learner(server):
    return add_learner(server, LEARNER, "Inès Clavier", PASSWORD)


@pytest.fixture(scope="module")
def screens(server):
    folder = server.data.parent / "keyboard-journey-screens"
    folder.mkdir(exist_ok=True)
    print(f"keyboard journey screenshots: {folder}")
    return folder


def test_first_day_with_the_keyboard_only(browser, server, learner, screens):
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    try:
        # Sign in: type, Tab, type, Enter.
        page.goto(server.url + "login")
        tab_to(page, page.locator("#username"))
        page.keyboard.type(LEARNER)
        tab_to(page, page.locator("#password"))
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/balise/learner$"))

        # Her route and her one next step, without scrolling.
        expect(page.locator("h1")).to_contain_text("Mon parcours : Logistique")
        expect(page.locator("#progress-line")).to_contain_text("0 modules sur 6")
        go = page.locator("#continue")
        expect(go).to_contain_text(f"Continuer : {MODULE.title['fr']}")
        assert go.bounding_box()["y"] + go.bounding_box()["height"] <= PHONE["height"]
        page.screenshot(path=str(screens / "landing.png"), full_page=True)
        assert_accessible(page, "landing, keyboard journey")
        press(page, go)
        submit = page.locator("button.balise-submit")
        expect(submit).to_be_visible(timeout=RENDER)
        expect(page).to_have_title(re.compile(re.escape(MODULE.title["fr"])))

        # Every situation, first wrong, then right.
        for s in MODULE.scenarios:
            if s.kind == "story":
                story_wrong_then_right(page, s.id)
            elif s.kind == "choice":
                choice_wrong_then_right(page, s.id, screens)
            elif s.kind == "ordering":
                ordering_wrong_then_right(page, s.id)
            else:
                raise AssertionError(f"no keyboard walk written for a {s.kind}")

        # The quiz, all but one; Submit asks about the blank one; going back uses nothing.
        for qid in QUIZ:
            if qid != BLANK:
                answer_question(page, qid)
        before = attempts(server)
        press(page, submit)
        warning = page.locator(".balise-blank-warning")
        expect(warning).to_be_visible(timeout=30_000)
        expect(warning).to_contain_text("Il reste 1 question sans réponse")
        expect(warning.locator(f"a[href='#balise-item-{BLANK}']")).to_have_count(1)
        press(page, page.locator("button.balise-go-back"))
        expect(warning).to_be_hidden()
        assert attempts(server) == before
        answer_question(page, BLANK)
        press(page, submit)

        # Her score says what it counts and names each question.
        result = page.locator(".balise-result")
        expect(result).to_contain_text("Votre note", timeout=RENDER)
        total = len(MODULE.grade_names)
        expect(result).to_contain_text(f"{total} / {total}")
        expect(result).to_contain_text(f"{len(QUIZ)} questions + {len(MODULE.scenarios)} "
                                       "situations")
        for qid in QUIZ:
            expect(result).to_contain_text(MODULE.question(qid).prompt["fr"])
        assert attempts(server) == before + 1
        result.screenshot(path=str(screens / "score.png"))
        expect(page.locator("a.balise-next")).to_contain_text(
            f"Module suivant : {NEXT.title['fr']}")
        assert_accessible(page, "module page after submitting, keyboard journey")

        # Back to her modules, then her feedback page.
        press(page, page.get_by_role("link", name=re.compile("Mes modules")))
        expect(page).to_have_url(re.compile(r"/balise/learner$"))
        expect(page.locator("#progress-line")).to_contain_text("1 modules sur 6")
        press(page, page.locator(f"#feedback-{MODULE.id}"))
        expect(page.locator("h1")).to_contain_text(MODULE.title["fr"])
        for qid in QUIZ:
            expect(page.locator("main")).to_contain_text(MODULE.question(qid).prompt["fr"])
        page.screenshot(path=str(screens / "feedback.png"), full_page=True)
        for trace in ("BEGIN HIDDEN TESTS", "assert", "Traceback", "AssertionError"):
            assert trace not in page.content(), trace       # before axe-core is injected
        assert_accessible(page, "feedback page, keyboard journey")

        # And on to the next module of her route.
        page.go_back()
        expect(page.locator("#continue")).to_contain_text(f"Continuer : {NEXT.title['fr']}")
        press(page, page.locator("#continue"))
        expect(page.locator("button.balise-submit")).to_be_visible(timeout=RENDER)
        expect(page).to_have_title(re.compile(re.escape(NEXT.title["fr"])))
    finally:
        context.close()
