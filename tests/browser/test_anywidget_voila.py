"""The anywidget front-ends (hazard scene, drag to reorder) render and work in Voila, on a phone.

A small notebook shows a :class:`HazardHunt` on the postures dock scene and an
:class:`Ordering`, each with a local check; standalone ``voila`` serves it and
Debian's chromium, 360 px wide, uses both by mouse, by keyboard and by finger.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from a11y import assert_accessible
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BIN = Path(sys.executable).parent
SCENE = Path(__file__).resolve().parents[2] / "courses" / "postures" / "assets" / "dock-scene.svg"
ZONES = [("far-lift", 56, 188, 140, 108), ("pallet", 200, 284, 122, 104),
         ("heavy-alone", 322, 168, 126, 128), ("trolley", 466, 172, 160, 124),
         ("rack", 198, 42, 118, 190)]
HAZARDS = ["far-lift", "heavy-alone", "pallet"]
STEPS = ["avoid", "evaluate", "collective", "ppe"]
RENDER = 90_000  # ms: the first page starts a kernel and loads the widgets' scripts


def notebook(folder: Path) -> Path:
    """A notebook showing the two scenarios, checked by rules of its own."""
    zones = [{"id": z, "fr": f"Zone {z}", "en": f"Zone {z} (en)", "x": x, "y": y, "width": w,
              "height": h} for z, x, y, w, h in ZONES]
    steps = [{"id": s, "fr": f"Étape {s}", "en": f"Step {s}"} for s in STEPS]
    source = f"""
from pathlib import Path
from IPython.display import display
from balise.widgets import HazardHunt, Ordering

def rule(key):
    return lambda answer: {{"right": answer == key, "source": "test",
                            "practice": {{"fr": "Pratique.", "en": "Practice."}}}}

display(HazardHunt({{"fr": "Trouvez les dangers.", "en": "Find the hazards."}},
                   Path({str(SCENE)!r}).read_text(encoding="utf-8"), {zones!r},
                   check=rule({HAZARDS!r}),
                   scene_alt={{"fr": "Un quai de chargement", "en": "A loading dock"}}))
display(Ordering({{"fr": "Dans l'ordre.", "en": "In order."}}, {steps!r},
                 check=rule({[STEPS[1], STEPS[2], STEPS[0], STEPS[3]]!r})))
"""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "scenarios",
                     "metadata": {}, "outputs": [], "source": source}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    path = folder / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def free_port() -> int:
    # tests/conftest.py has the same, but `conftest` here names tests/browser's.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Standalone voila serving the notebook on a free loopback port."""
    folder = tmp_path_factory.mktemp("voila")
    nb = notebook(folder)
    port = free_port()
    log = folder / "voila.log"
    proc = subprocess.Popen(
        [str(BIN / "voila"), nb.name, "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1"],
        cwd=folder, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited: {log.read_text()[-3000:]}")
            try:
                requests.get(url + "api/status", timeout=2)
                break
            except requests.ConnectionError:
                if time.time() > deadline:
                    pytest.fail(f"voila did not start: {log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def small_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def test_hazard_scene_and_drag_to_reorder_work_in_voila_on_a_phone(voila, small_phone, tmp_path):
    page = small_phone
    page.goto(voila)
    hunt = page.locator(".balise-kind-hazardhunt")
    scene = hunt.locator(".balise-scene")
    expect(scene.locator("svg")).to_be_visible(timeout=RENDER)
    zones = scene.locator("button.balise-map-zone")
    expect(zones).to_have_count(len(ZONES))
    assert scene.bounding_box()["width"] <= 360
    expect(scene.locator("[role=img]")).to_have_attribute("aria-label", re.compile("quai"))
    for n in range(len(ZONES)):
        size = zones.nth(n).bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44, (ZONES[n][0], size)

    # A tap on the picture marks the zone there and presses its toggle in the list.
    pallet = scene.locator('[data-zone="pallet"]')
    pallet.click()
    expect(pallet).to_have_attribute("aria-pressed", "true")
    expect(pallet).to_contain_text("✔ 2")
    expect(hunt.locator(".balise-zone-pallet")).to_have_class(re.compile("mod-active"))

    # Tab to the next zone and press Space: marked, with a visible focus.
    page.keyboard.press("Tab")
    heavy = scene.locator('[data-zone="heavy-alone"]')
    expect(heavy).to_be_focused()
    outline = heavy.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + "
                             "getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Space")
    expect(heavy).to_have_attribute("aria-pressed", "true")
    expect(hunt.locator(".balise-zone-heavy-alone")).to_have_class(re.compile("mod-active"))

    # The list leads too: its toggle marks the zone on the picture.
    hunt.locator(".balise-zone-far-lift").click()
    expect(scene.locator('[data-zone="far-lift"]')).to_have_attribute("aria-pressed", "true")
    hunt.locator("button.balise-check").click()
    expect(hunt.locator(".balise-feedback")).to_contain_text("✔")

    # Drag the first step onto the third: it lands third, the others move up.
    order = page.locator(".balise-kind-ordering")
    first = order.locator(".balise-step-1")
    expect(first).to_contain_text(f"Étape {STEPS[0]}")
    first.drag_to(order.locator(".balise-step-3"))
    expect(order.locator(".balise-step-3")).to_contain_text(f"Étape {STEPS[0]}")
    expect(order.locator(".balise-step-1")).to_contain_text(f"Étape {STEPS[1]}")
    expect(order.locator(".balise-step-2")).to_contain_text(f"Étape {STEPS[2]}")
    order.locator("button.balise-check").click()
    expect(order.locator(".balise-feedback")).to_contain_text("✔")
    page.screenshot(path=str(tmp_path / "anywidget-voila.png"), full_page=True)
    assert_accessible(page, "hazard hunt and ordering in Voila")


@pytest.fixture
def touch_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    yield page, context.new_cdp_session(page)
    context.close()


def finger_drag(cdp, start: dict, end: dict, steps: int = 8) -> None:
    """A finger pressed at ``start`` (a box), slid to ``end`` and lifted, as chromium gets it."""
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_y = end["y"] + end["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for n in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x, "y": y + (to_y - y) * n / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_a_finger_taps_zones_and_drags_steps_by_their_grip(voila, touch_phone):
    page, cdp = touch_phone
    page.goto(voila)
    scene = page.locator(".balise-kind-hazardhunt .balise-scene")
    expect(scene.locator("svg")).to_be_visible(timeout=RENDER)
    trolley = scene.locator('[data-zone="trolley"]')
    trolley.tap()
    expect(trolley).to_have_attribute("aria-pressed", "true")

    order = page.locator(".balise-kind-ordering")
    order.locator(".balise-step-4").scroll_into_view_if_needed()
    first = order.locator(".balise-step-1").bounding_box()
    finger_drag(cdp, order.locator(".balise-step-4 .balise-grip").bounding_box(), first)
    expect(order.locator(".balise-step-1")).to_contain_text(f"Étape {STEPS[3]}")
    expect(order.locator(".balise-step-2")).to_contain_text(f"Étape {STEPS[0]}")
