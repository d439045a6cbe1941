"""Nothing is fetched from another host: no page of any role tells a CDN who opens what.

Every request chromium makes (``page.on("request")``) on the sign-in page, each
role's page and every module page must go to the server itself; blob: and data:
URLs are the page's own memory (anywidget imports its widgets' code from blob:
URLs), never a request on the network. Voila's lab template linked Font Awesome
from cdn.jsdelivr.net and its page loaded MathJax from cdnjs.cloudflare.com: three
requests and three console errors a module page offline. The Content-Security-
Policy (``default-src 'self'``, jupyter_config.py) refuses any other host besides,
and refuses nothing a page needs: no console message reports a violation, and the
widgets are drawn.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from balise.catalogue.modules import load_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSES = Path(__file__).resolve().parents[2] / "courses"
MODULES = [*sorted(load_catalogue(COURSES)), "gallery"]
ROLE_PAGES = [(None, "login"), ("lea", "balise/learner"), ("lea", "voila/tree"),
              ("formatrice", "balise/trainer"),
              ("coordinateur", "balise/coordinator"), ("coordinateur", "balise/dashboard")]
RENDER = 90_000


class Recorder:
    """A signed-in chromium page that notes every request and console message."""

    def __init__(self, browser, server, who: str | None):
        self.context = browser.new_context(viewport={"width": 390, "height": 844})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.console: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.origin = urlsplit(server.url).netloc
        if who:
            self.page.goto(server.url + "login")
            self.page.fill("#username", who)
            self.page.fill("#password", f"demo-{who}")
            self.page.click("#sign-in")
            self.page.wait_for_url(lambda url: "/login" not in url)

    def elsewhere(self) -> list[str]:
        """Requests to any host but the server's (blob: and data: URLs are the page's own)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue
            if parts.scheme == "blob":
                parts = urlsplit(url[len("blob:"):])
            if parts.netloc != self.origin:
                out.append(url)
        return out

    def violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@pytest.fixture(scope="module")
def learner_page(browser, server):
    recorder = Recorder(browser, server, "lea")
    yield recorder
    recorder.context.close()


@pytest.mark.parametrize("who,path", ROLE_PAGES)
def test_each_roles_page_fetches_from_the_server_only(browser, server, who, path):
    recorder = Recorder(browser, server, who)
    try:
        recorder.requests.clear()
        recorder.page.goto(server.url + path)
        recorder.page.wait_for_load_state("networkidle")
        assert recorder.requests, path
        assert recorder.elsewhere() == [], path
        assert recorder.violations() == [], path
    finally:
        recorder.context.close()


@pytest.mark.parametrize("module", MODULES)
def test_a_module_page_fetches_from_the_server_only(server, learner_page, module):
    page = learner_page.page
    learner_page.requests.clear()
    learner_page.console.clear()
    page.goto(server.url + f"voila/render/{module}/{module}.ipynb")
    expect(page.locator(".jupyter-widgets").first).to_be_visible(timeout=RENDER)
    page.wait_for_load_state("networkidle")
    # The page and its script and styles were fetched (the check below is not vacuous).
    for name in ("/page.js", "/page.css", "/kernel-gone.js"):
        assert any(u.split("?")[0].endswith(name) for u in learner_page.requests), (
            name, learner_page.requests)
    assert learner_page.elsewhere() == []
    assert learner_page.violations() == []
    # The widgets' icons are still drawn: SVG masks from Balise's template (the icon
    # font, 77 KB, is not downloaded: issue 18, tests/browser/test_page_weight.py).
    icons = page.locator(".jupyter-widgets .fa")
    if icons.count():
        mask, width = icons.first.evaluate(
            "e => { const s = getComputedStyle(e, '::before');"
            " return [s.maskImage || s.webkitMaskImage, parseFloat(s.width)]; }")
        assert mask.startswith('url("data:image/svg+xml') and width > 0


@pytest.mark.parametrize("who,path", [*ROLE_PAGES, ("lea", "voila/render/postures/postures.ipynb")])
def test_pages_forbid_every_other_host(server, who, path):
    s = server.session(who) if who else requests.Session()
    csp = s.get(server.url + path).headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives.get("default-src") == "'self'", csp
    for name, sources in directives.items():
        hosts = [src for src in sources.split() if "." in src or src in ("*", "https:", "http:")]
        assert hosts == [], (name, sources)
