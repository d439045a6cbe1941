"""Script in a module's YAML (title, instructions, prompts, options, practice): shown as text.

Authors are trusted, but a module file may come from anywhere (a copied
example, a pasted web page). Every text a module's YAML gives is escaped
wherever it is shown: the learner's page, the module's Voilà page and its
result, the trainer's tables. A copy of the courses with payloads planted in
`postures` is served, and opened in chromium.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from playwright.sync_api import expect
from shared import REPO, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARK = "balise-xss"       # visible in every payload, to find it shown as text
PAYLOADS = [f'<img src=x onerror="window.__pwned=1" alt="{MARK}">',
            f'<script>window.__pwned=2</script>{MARK}',
            f'"><svg onload="window.__pwned=3"><b>{MARK}</b>']
RENDER = 90_000


def plant(courses) -> None:
    """Payloads in every kind of text of postures' module.yaml (sources are checked by build)."""
    path = courses / "postures" / "module.yaml"
    module = yaml.safe_load(path.read_text())
    img, script, svg = PAYLOADS
    for lang in ("fr", "en"):
        module["title"][lang] += " " + img
    module["instructions"][0]["fr"] += " " + script
    module["instructions"][0]["alt"]["fr"] += " " + svg
    for scenario in module["scenarios"]:
        scenario["prompt"]["fr"] += " " + img
        scenario["practice"]["fr"] += " " + script
    for question in module["quiz"]:
        question["prompt"]["fr"] += " " + img
        question["practice"]["fr"] += " " + script
        question["practice"]["en"] += " " + svg
        for option in question["options"]:
            option["fr"] += " " + svg
    path.write_text(yaml.safe_dump(module, allow_unicode=True, sort_keys=False))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("authored-xss")
    courses = folder / "courses"
    shutil.copytree(REPO / "courses", courses)
    plant(courses)
    server = start_server(folder / "data", folder / "server.log", courses)
    yield server
    stop_server(server)


def sign_in(page, server, who: str) -> None:
    page.goto(server.url + "login")
    page.fill("#username", who)
    page.fill("#password", f"demo-{who}")
    page.click("#sign-in")
    page.wait_for_url(lambda url: "/login" not in url)


def no_script_ran(page, where: str) -> None:
    assert page.evaluate("window.__pwned") is None, where


def test_script_in_a_modules_yaml_never_runs(hostile, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, hostile, "lea")
    expect(page).to_have_url(re.compile(r"/balise/learner$"))
    expect(page.locator("body")).to_contain_text(MARK)         # the title, shown as text
    no_script_ran(page, "learner page")

    page.goto(hostile.url + "voila/render/postures/postures.ipynb")
    submit = page.locator("button.balise-submit")
    expect(submit).to_be_visible(timeout=RENDER)
    expect(page.locator(".balise-instruction").first).to_contain_text(MARK)
    expect(page.locator(".balise-scenario").first).to_contain_text(MARK)
    no_script_ran(page, "module page")
    # A scenario's feedback (its practice) and the quiz result (each question's practice).
    scenario = page.locator(".balise-scenario").first           # s1, a choice: checked on click
    scenario.get_by_role("button", name="A", exact=True).click()
    expect(scenario.locator(".balise-feedback")).to_contain_text(MARK)
    submit.click()
    # The rest is blank: the page lists it first, the authored prompts shown as text.
    warning = page.locator(".balise-blank-warning")
    expect(warning).to_contain_text(MARK, timeout=RENDER)
    no_script_ran(page, "blank-submit warning")
    page.locator("button.balise-send-anyway").click()
    result = page.locator(".balise-result")
    expect(result).to_contain_text(MARK, timeout=RENDER)
    no_script_ran(page, "module result")

    page.goto(hostile.url + "balise/learner")
    no_script_ran(page, "learner page after a result")
    context.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(desk, hostile, "formatrice")
    expect(desk.locator("#failure-rates")).to_contain_text("postures")
    no_script_ran(desk, "trainer page")
    for tool in ("quarter-hour", "warm-up", "validation"):
        desk.goto(hostile.url + f"balise/trainer/{tool}")
        no_script_ran(desk, f"trainer's {tool}")
    assert dialogs == []
