"""The widget gallery in Debian's chromium on a 360 px phone: every kind, by mouse and by keyboard.

Issue #4's proof. The gallery (``widgets/gallery/``) shows one scenario of
every kind, checked in the page by its module's rules. Playwright operates
each kind twice, reaching the right answer from the module's key: with the
mouse (clicks, the ordering's rows dragged, the hazard picture's zones
clicked, the lift's sliders dragged), and with the keyboard alone (focus is
put on the scenario's first control, its Listen button, then only Tab,
Shift+Tab, Enter, Space, arrows and typing). One page serves every mouse
run and one every keyboard run: a kernel starts per page, and the kinds do
not touch each other's widgets. A third page switches the language, plays a
recording and runs axe-core.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from shared import ARGS, CHROMIUM
from test_journey import sign_in

from balise.catalogue.kinds import KINDS
from balise.catalogue.modules import load_module

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GALLERY = Path(__file__).resolve().parents[2] / "widgets" / "gallery"
MODULE = load_module(GALLERY)
PAGE = "voila/render/gallery/gallery.ipynb"
PHONE = {"width": 360, "height": 740}
RENDER = 90_000     # ms: the page starts a kernel and loads the widgets' scripts
TABS = 12           # presses of Tab to reach the next control; more means focus was lost
RIGHT, WRONG = "Bonne réponse", "Pas tout à fait"
MODES = {"both": "FR + EN", "fr": "FR", "en": "EN"}


def scenario_of(kind: str):
    found = [s for s in MODULE.scenarios if s.kind == kind]
    assert found, f"widgets/gallery/module.yaml has no {kind!r} scenario"
    return found[0]


def in_order(ids: list[str], entries: list[dict]) -> list[str]:
    """``ids`` in the order their entries appear on the page."""
    order = [e["id"] for e in entries]
    return sorted(ids, key=order.index)


def label(entry: dict) -> str:
    """An option's words as a native list shows them in FR + EN mode."""
    return f"{entry['fr']} / {entry['en']}"


@pytest.fixture(scope="module")
def browser():
    """Chromium that plays sound without a click of its own on the <audio> element."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=[*ARGS, "--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()


def open_gallery(browser, server):
    """A phone-sized page, signed in as the trainer, showing the rendered gallery."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, server, "formatrice")
    expect(page).to_have_url(re.compile(r"/balise/trainer$"))
    page.goto(server.url + PAGE)
    expect(page.locator(".balise-gallery-ppe .balise-check")).to_be_visible(timeout=RENDER)
    return page


@pytest.fixture(scope="module")
def mouse_page(browser, server):
    page = open_gallery(browser, server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def keyboard_page(browser, server):
    page = open_gallery(browser, server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def gallery(browser, server):
    page = open_gallery(browser, server)
    yield page
    page.context.close()


# --- by mouse --------------------------------------------------------------------------

def choice_by_mouse(page, widget, scenario):
    wrong = next(o["id"] for o in scenario.public_data["options"]
                 if o["id"] != scenario.right_answer)
    widget.get_by_role("button", name=wrong.upper(), exact=True).click()
    expect(widget.locator(".balise-feedback")).to_contain_text(WRONG)
    widget.get_by_role("button", name=scenario.right_answer.upper(), exact=True).click()


def toggles_by_mouse(page, widget, scenario):
    for option in scenario.right_answer:
        widget.locator(f".balise-option-{option}").click()
        expect(widget.locator(f".balise-option-{option}")).to_have_class(re.compile("mod-active"))
    widget.locator("button.balise-check").click()


def ordering_by_mouse(page, widget, scenario):
    """Each step in turn dragged by its row onto the row where it belongs."""
    steps = {s["id"]: s for s in scenario.public_data["steps"]}
    order = list(steps)
    for target, step in enumerate(scenario.right_answer):
        start = order.index(step)
        if start != target:
            widget.locator(f".balise-step-{start + 1}").drag_to(
                widget.locator(f".balise-step-{target + 1}"))
            order.insert(target, order.pop(start))
        expect(widget.locator(f".balise-step-{target + 1}")).to_contain_text(steps[step]["fr"])
    widget.locator("button.balise-check").click()


def hazard_by_mouse(page, widget, scenario):
    for zone in scenario.right_answer:
        spot = widget.locator(f'.balise-scene [data-zone="{zone}"]')
        spot.click()
        expect(spot).to_have_attribute("aria-pressed", "true")
        expect(widget.locator(f".balise-zone-{zone}")).to_have_class(re.compile("mod-active"))
    widget.locator("button.balise-check").click()


def matching_by_mouse(page, widget, scenario):
    """A native list's pop-up is the browser's own: Playwright picks in it as a click would."""
    meanings = {m["id"]: m for m in scenario.public_data["meanings"]}
    for item, meaning in scenario.right_answer.items():
        widget.locator(f".balise-pair-{item} select").select_option(label=label(meanings[meaning]))
    page.wait_for_timeout(500)          # the last selection reaches the kernel first: see below
    widget.locator("button.balise-check").click()


def story_by_mouse(page, widget, scenario):
    for choice in scenario.right_answer:
        widget.locator(f"button.balise-choice-{choice}").click()
        expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)


def slide(page, slider, fraction: float) -> None:
    """Drag the slider's thumb to ``fraction`` of its track (0 the left end, 1 the right)."""
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    low, high = (float(slider.get_attribute(a)) for a in ("min", "max"))
    value = float(slider.input_value())
    thumb = 16           # chromium's thumb, px: the drag starts on it, else on the track
    start = box["x"] + thumb / 2 + (value - low) / (high - low) * (box["width"] - thumb)
    page.mouse.move(start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + thumb / 2 + fraction * (box["width"] - thumb), y, steps=8)
    page.mouse.up()


def lift_by_mouse(page, widget, scenario):
    """The safe setting: H, D and A dragged to their left ends, V to the middle of its track."""
    safe = scenario.right_answer
    for name, spec in scenario.public_data["measures"].items():
        slider = widget.locator(f".balise-measure-{name} input[type=range]")
        slider.scroll_into_view_if_needed()
        fraction = (safe[name] - spec["min"]) / (spec["max"] - spec["min"])
        slide(page, slider, fraction)
        expect(slider).to_have_value(str(safe[name]))
        expect(widget.locator(f".balise-measure-{name} input[type=number]")).to_have_value(
            str(safe[name]))
    expect(widget.locator(".balise-lift-readout")).to_contain_text("Indice de levage")
    widget.locator("button.balise-check").click()


MOUSE = {"choice": choice_by_mouse, "multi": toggles_by_mouse, "ordering": ordering_by_mouse,
         "hazard": hazard_by_mouse, "matching": matching_by_mouse, "story": story_by_mouse,
         "lift": lift_by_mouse, "ppe": toggles_by_mouse}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_reaches_the_right_answer_with_the_mouse(mouse_page, kind):
    scenario = scenario_of(kind)
    widget = mouse_page.locator(f".balise-gallery-{kind}")
    widget.scroll_into_view_if_needed()
    MOUSE[kind](mouse_page, widget, scenario)
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    expect(widget.locator(".balise-feedback")).not_to_contain_text(WRONG)


# --- by keyboard -----------------------------------------------------------------------

FOCUS_SIDE = """target => {
  const here = document.activeElement;
  if (here === target) return 0;
  return here.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


def tab_to(page, target) -> None:
    """Tab (or Shift+Tab, if ``target`` comes before the focus) until ``target`` has focus."""
    for _ in range(TABS):
        side = target.evaluate(FOCUS_SIDE)
        if side == 0:
            return
        page.keyboard.press("Tab" if side > 0 else "Shift+Tab")
    where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{TABS} presses of Tab did not reach {target}; the focus is on {where}")


def press(page, target, key: str) -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def choice_by_keyboard(page, widget, scenario):
    press(page, widget.get_by_role("button", name=scenario.right_answer.upper(), exact=True),
          "Enter")


def toggles_by_keyboard(page, widget, scenario):
    for option in in_order(scenario.right_answer, scenario.public_data["options"]):
        toggle = widget.locator(f".balise-option-{option}")
        press(page, toggle, "Space")
        expect(toggle).to_have_class(re.compile("mod-active"))
    press(page, widget.locator("button.balise-check"), "Enter")


def ordering_by_keyboard(page, widget, scenario):
    """Each step in turn moved up with its Move up button, pressed by Enter."""
    steps = {s["id"]: s for s in scenario.public_data["steps"]}
    order = list(steps)
    for target, step in enumerate(scenario.right_answer):
        while (at := order.index(step)) > target:
            press(page, widget.locator(f"button.balise-up-{at + 1}"), "Enter")
            order.insert(at - 1, order.pop(at))
            expect(widget.locator(f".balise-step-{at}")).to_contain_text(steps[step]["fr"])
    press(page, widget.locator("button.balise-check"), "Enter")


def hazard_by_keyboard(page, widget, scenario):
    """The zones on the picture by Space; the list beside it follows."""
    for zone in in_order(scenario.right_answer, scenario.public_data["zones"]):
        spot = widget.locator(f'.balise-scene [data-zone="{zone}"]')
        press(page, spot, "Space")
        expect(spot).to_have_attribute("aria-pressed", "true")
        expect(widget.locator(f".balise-zone-{zone}")).to_have_class(re.compile("mod-active"))
    press(page, widget.locator("button.balise-check"), "Enter")


def matching_by_keyboard(page, widget, scenario):
    """Each list from its first entry ("—") down by arrow keys to the meaning."""
    meanings = scenario.public_data["meanings"]
    for item in in_order(list(scenario.right_answer), scenario.public_data["items"]):
        chooser = widget.locator(f".balise-pair-{item} select")
        expect(chooser).to_have_value("—")
        tab_to(page, chooser)
        wanted = next(m for m in meanings if m["id"] == scenario.right_answer[item])
        for _ in range(meanings.index(wanted) + 1):
            page.keyboard.press("ArrowDown")
        expect(chooser).to_have_value(label(wanted))
    # ipywidgets holds back state updates while earlier ones await the kernel's reply
    # (msg_throttle), but sends a button's click at once: a click typed faster than the
    # kernel answers can overtake the last selection. A person pauses; so does the test.
    page.wait_for_timeout(500)
    press(page, widget.locator("button.balise-check"), "Enter")


def story_by_keyboard(page, widget, scenario):
    """A wrong turn first, Start again, then the safe path: each step's buttons are new."""
    first = next(c["id"] for c in scenario.public_data["nodes"][0]["choices"]
                 if c["id"] != scenario.right_answer[0])
    press(page, widget.locator(f"button.balise-choice-{first}"), "Enter")
    expect(widget.locator(".balise-feedback")).to_contain_text(WRONG)
    press(page, widget.locator("button.balise-again-story"), "Enter")
    expect(widget.locator(".balise-feedback")).to_have_text("")
    for choice in scenario.right_answer:
        press(page, widget.locator(f"button.balise-choice-{choice}"), "Enter")
        expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)


def lift_by_keyboard(page, widget, scenario):
    """Home brings a slider to its lowest; a figure is typed in the number box otherwise."""
    safe = scenario.right_answer
    for name, spec in scenario.public_data["measures"].items():
        if safe[name] == spec["min"]:
            press(page, widget.locator(f".balise-measure-{name} input[type=range]"), "Home")
        else:
            press(page, widget.locator(f".balise-measure-{name} input[type=number]"),
                  "Control+A")
            page.keyboard.type(str(safe[name]))
            page.keyboard.press("Enter")
        expect(widget.locator(f".balise-measure-{name} input[type=range]")).to_have_value(
            str(safe[name]))
    press(page, widget.locator("button.balise-check"), "Enter")


KEYBOARD = {"choice": choice_by_keyboard, "multi": toggles_by_keyboard,
            "ordering": ordering_by_keyboard, "hazard": hazard_by_keyboard,
            "matching": matching_by_keyboard, "story": story_by_keyboard,
            "lift": lift_by_keyboard, "ppe": toggles_by_keyboard}


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_reaches_the_right_answer_with_the_keyboard_only(keyboard_page, kind):
    scenario = scenario_of(kind)
    widget = keyboard_page.locator(f".balise-gallery-{kind}")
    widget.locator("button.balise-listen").focus()
    KEYBOARD[kind](keyboard_page, widget, scenario)
    expect(widget.locator(".balise-feedback")).to_contain_text(RIGHT)
    expect(widget.locator(".balise-feedback")).not_to_contain_text(WRONG)


# --- language, read aloud, accessibility ------------------------------------------------

def switch(page, mode: str) -> None:
    """Press the language switch's button for ``mode`` and wait for the words to follow."""
    page.locator(".balise-language").get_by_role("button", name=MODES[mode], exact=True).click()
    prompt = page.locator(".balise-gallery-choice .balise-prompt")
    for lang, text in scenario_of("choice").prompt.items():
        if mode in ("both", lang):
            expect(prompt).to_contain_text(text)
        else:
            expect(prompt).not_to_contain_text(text)


def test_switching_language_rewrites_the_words_and_keeps_the_answers(gallery):
    page = gallery
    switch(page, "both")
    choice = page.locator(".balise-gallery-choice")
    right = scenario_of("choice").right_answer.upper()
    choice.get_by_role("button", name=right, exact=True).click()
    expect(choice.locator(".balise-feedback")).to_contain_text("Bonne réponse / Right answer")
    multi = page.locator(".balise-gallery-multi")
    option = scenario_of("multi").public_data["options"][0]
    toggle = multi.locator(f".balise-option-{option['id']}")
    toggle.click()
    expect(toggle).to_have_text(f"✔ {option['id'].upper()}. {label(option)}")

    switch(page, "en")
    expect(choice.locator(".balise-listen")).to_have_text("Listen")
    expect(choice.locator(".widget-toggle-buttons label")).to_have_text("Your choice")
    expect(choice.locator(".balise-feedback")).to_contain_text("Right answer")
    expect(choice.locator(".balise-feedback")).not_to_contain_text("Bonne réponse")
    expect(choice.get_by_role("button", name=right, exact=True)).to_have_class(
        re.compile("mod-active"))
    expect(toggle).to_have_text(f"✔ {option['id'].upper()}. {option['en']}")
    expect(toggle).to_have_class(re.compile("mod-active"))
    expect(multi.locator("button.balise-check")).to_have_text("Check")

    switch(page, "fr")
    expect(choice.locator(".balise-listen")).to_have_text("Écouter")
    expect(choice.locator(".balise-feedback")).to_contain_text("Bonne réponse")
    expect(choice.locator(".balise-feedback")).not_to_contain_text("Right answer")
    expect(choice.get_by_role("button", name=right, exact=True)).to_have_class(
        re.compile("mod-active"))
    expect(toggle).to_have_text(f"✔ {option['id'].upper()}. {option['fr']}")
    switch(page, "both")


LOADED = """([slot, before]) => {
  const audio = slot.querySelector('audio');
  return audio && audio.src !== before && audio.duration > 0;
}"""


def test_listen_plays_the_recording_in_both_languages(gallery):
    page = gallery
    switch(page, "both")
    widget = page.locator(".balise-gallery-choice")
    slot = widget.locator(".balise-read-aloud").element_handle()
    widget.locator("button.balise-listen").click()
    page.wait_for_function(LOADED, arg=[slot, ""], timeout=15_000)
    audio = widget.locator(".balise-read-aloud audio")
    expect(audio).to_have_count(1)
    src, both = audio.evaluate("a => [a.src, a.duration]")
    assert src, "the <audio> element has no src"
    page.wait_for_function("a => a.currentTime > 0", arg=audio.element_handle(),
                           timeout=10_000)

    # French then English: longer than French alone.
    switch(page, "fr")
    widget.locator("button.balise-listen").click()
    page.wait_for_function(LOADED, arg=[slot, src], timeout=15_000)
    french = audio.evaluate("a => a.duration")
    assert 0 < french < both, (french, both)
    switch(page, "both")


OUTSIDE = """width => [...document.querySelectorAll(
    '.balise-language button, .balise-scenario :is(button, select, input, [role=img])')]
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, box]) => box.width > 0 && (box.left < 0 || box.right > width))
  .map(([e, box]) => `${e.outerHTML.slice(0, 120)} (${Math.round(box.left)} to ${
    Math.round(box.right)} px)`)"""


def test_every_control_fits_the_phone_screen(gallery):
    """Nothing to scroll sideways for: every control lies within the 360 px screen."""
    switch(gallery, "both")             # both languages: the longest words
    expect(gallery.locator(".balise-gallery-lift input[type=range]")).to_have_count(4)
    outside = gallery.evaluate(OUTSIDE, PHONE["width"])
    assert not outside, "\n".join(outside)


def test_each_lift_measure_is_named_by_its_own_label(gallery):
    """A screen reader names each slider and number box by its own measure, never another's."""
    switch(gallery, "both")
    for name in scenario_of("lift").public_data["measures"]:
        measure = gallery.locator(f".balise-gallery-lift .balise-measure-{name}")
        words = measure.locator("label").inner_text()
        assert f"({name}," in words, words
        for kind in ("range", "number"):
            expect(measure.locator(f"input[type={kind}]")).to_have_accessible_name(words)


@pytest.mark.parametrize("mode", list(MODES))
def test_gallery_is_accessible_in_each_language_mode(gallery, mode):
    switch(gallery, mode)
    assert_accessible(gallery, f"widget gallery, {MODES[mode]}")
