"""Scenarios that read right on a 360 px phone (issue 17, item 6), in Debian's chromium.

The `culture` module, as a learner of her own: its first story (whose option
"J'explique tout : le rack, le carton, l'endroit." was seen cut at 360 px)
and its A/B/C choice (whose wrong pick was seen ticked "✔ A" beside "✘ Pas
tout à fait", its letter glued to its words: "AJe travaille..."). The story
keeps its path on the page, each feedback right under the choice it is about,
and comes back as it was after a reload; no option's words are cut.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from shared import add_learner

from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODULE = load_catalogue(Path(__file__).resolve().parents[2] / "courses")["culture"]
STORY, CHOICE = MODULE.scenario("s1"), MODULE.scenario("s3")
LEARNER, PASSWORD = "histoire", "histoire-test"     # her own: no other test answers for her
PHONE = {"width": 360, "height": 740}
RENDER = 90_000
RIGHT, WRONG = "Bonne réponse", "Pas tout à fait"

CUT = """widget => [...widget.querySelectorAll('button.balise-story-option, .balise-caption')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth)
  .map(e => `${e.innerText} (${e.scrollWidth} > ${e.clientWidth} px)`)"""
BEFORE = "e => getComputedStyle(e, '::before').content"
LAST_ON_SCREEN = "e => e.scrollIntoView({block: 'end'})"


def both(entry: dict) -> str:
    """An entry's words as a button says them in FR + EN."""
    return f"{entry['fr']} / {entry['en']}"


def choice_of(node: int, choice: int) -> dict:
    return STORY.public_data["nodes"][node]["choices"][choice]


@pytest.fixture(scope="module")
def learner(server):
    return add_learner(server, LEARNER, "Awa Histoire", PASSWORD)


@pytest.fixture(scope="module")
def screens(server):
    folder = server.data.parent / "scenarios-phone-screens"
    folder.mkdir(exist_ok=True)
    print(f"scenario screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def page(browser, server, learner):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server.url + "login")
    page.fill("#username", learner)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    expect(page).to_have_url(re.compile(r"/balise/learner$"))
    open_module(page, server)
    yield page
    context.close()


def open_module(page, server) -> None:
    page.goto(server.url + "voila/render/culture/culture.ipynb")
    expect(page.locator("button.balise-submit")).to_be_visible(timeout=RENDER)


def scenario(page, sid: str):
    """The widget placed after the scenario's anchor (its prompt may hold words to tap)."""
    return page.locator(".widget-vbox", has=page.locator(f"#balise-item-{sid}")).locator(
        ".balise-scenario")


def story(page):
    return scenario(page, STORY.id)


def says(locator, text: str) -> None:
    """``text`` is on the screen: a word to tap counts once, its hidden note not at all."""
    expect(locator).to_contain_text(text, use_inner_text=True)


def assert_nothing_cut(widget) -> None:
    cut = widget.evaluate(CUT)
    assert not cut, "\n".join(cut)


def test_story_options_wrap_full_width_and_keep_all_their_words(page, screens):
    widget = story(page)
    widget.scroll_into_view_if_needed()
    first = widget.locator(f"button.balise-choice-{STORY.right_answer[0]}")
    first.click()
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    # The second step: "J'explique tout : le rack, le carton, l'endroit." in full.
    for n in range(2):
        option = choice_of(1, n)
        button = widget.locator(f"button.balise-choice-{option['id']}")
        expect(button).to_have_text(both(option))
        box, whole = button.bounding_box(), widget.bounding_box()
        assert box["height"] >= 44 and box["width"] >= whole["width"] - 2, (box, whole)
    assert_nothing_cut(widget)
    # What she sees once she has chosen: her choice, what it led to, the next step's options.
    widget.locator(f"button.balise-choice-{choice_of(1, 1)['id']}").evaluate(LAST_ON_SCREEN)
    page.screenshot(path=str(screens / "story-midway.png"))


def test_the_feedback_sits_under_the_choice_made_above_the_next_step(page):
    widget = story(page)
    chosen = widget.locator(".balise-story-past").last
    says(chosen, choice_of(0, 1)["fr"])
    feedback = widget.locator(".balise-feedback [role=status]")
    says(feedback, STORY.private["consequences"]["c2"]["fr"])
    scene = widget.locator(".balise-story-scene")
    says(scene, STORY.public_data["nodes"][1]["fr"])
    # In the page's order and on the screen: the choice, its feedback, then the next step.
    follows = widget.evaluate("""w => {
      const [way, said, next] = ['.balise-story-way', '.balise-feedback', '.balise-story-scene']
        .map(s => w.querySelector(s));
      return way.nextElementSibling === said
        && !!(said.compareDocumentPosition(next) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert follows
    top = chosen.bounding_box()
    said = feedback.bounding_box()
    below = scene.bounding_box()
    assert top["y"] + top["height"] <= said["y"] + 1, (top, said)
    assert said["y"] + said["height"] <= below["y"] + 1, (said, below)


def test_the_path_so_far_stays_visible_after_two_choices(page):
    widget = story(page)
    widget.locator(f"button.balise-choice-{STORY.right_answer[1]}").click()
    says(widget.locator(".balise-feedback"), STORY.private["consequences"]["c3"]["fr"])
    path = widget.locator(".balise-story-path")
    expect(path).to_be_visible()
    expect(widget.locator(".balise-story-past")).to_have_count(2)
    for node, choice in ((0, 1), (1, 0)):
        says(path, STORY.public_data["nodes"][node]["fr"])
        says(path, choice_of(node, choice)["fr"])
    says(path, STORY.private["consequences"]["c2"]["fr"])
    expect(widget.locator("button.balise-again-story")).to_be_visible()
    assert_accessible(page, "culture module, a story's path after two choices")


def test_a_reload_brings_the_path_back(page, server, screens):
    page.wait_for_timeout(500)                  # the background save of the path, too
    page.reload()
    expect(page.locator("button.balise-submit")).to_be_visible(timeout=RENDER)
    widget = story(page)
    widget.scroll_into_view_if_needed()
    expect(widget.locator(".balise-story-past")).to_have_count(2)
    path = widget.locator(".balise-story-path")
    for node, choice in ((0, 1), (1, 0)):
        says(path, STORY.public_data["nodes"][node]["fr"])
        says(path, choice_of(node, choice)["fr"])
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    says(widget.locator(".balise-feedback"), STORY.private["consequences"]["c3"]["fr"])
    expect(widget.locator("button.balise-again-story")).to_be_visible()
    widget.locator("button.balise-again-story").evaluate(LAST_ON_SCREEN)
    page.screenshot(path=str(screens / "story-reloaded.png"))


def test_a_wrong_pick_shows_a_cross_and_letters_stand_apart_from_words(page, screens):
    widget = scenario(page, CHOICE.id)
    widget.scroll_into_view_if_needed()
    for option, caption in zip(CHOICE.public_data["options"],
                               widget.locator(".balise-caption").all()):
        assert caption.inner_text().startswith(f"{option['id'].upper()} {option['fr']}"), \
            caption.inner_text()
    assert_nothing_cut(widget)
    wrong = next(o["id"] for o in CHOICE.public_data["options"] if o["id"] != CHOICE.answer)
    picked = widget.get_by_role("button", name=wrong.upper(), exact=True)
    picked.click()
    expect(widget.locator(".balise-feedback")).to_contain_text(WRONG)
    says(widget.locator(".balise-feedback"), CHOICE.practice["fr"])
    expect(picked).to_have_class(re.compile("mod-active"))
    expect(widget).to_have_class(re.compile(r"balise-picked-\d-wrong"))
    mark = picked.evaluate(BEFORE)
    assert "✘" in mark and "✔" not in mark, mark
    widget.locator(".balise-feedback").evaluate(LAST_ON_SCREEN)
    page.screenshot(path=str(screens / "choice-wrong.png"))
    assert_accessible(page, "culture module, a wrong A/B/C pick")

    right = widget.get_by_role("button", name=CHOICE.answer.upper(), exact=True)
    right.click()
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    expect(widget).to_have_class(re.compile(r"balise-picked-\d-right"))
    mark = right.evaluate(BEFORE)
    assert "✔" in mark and "✘" not in mark, mark
    assert picked.evaluate(BEFORE) == "none"                  # no longer chosen: no mark
