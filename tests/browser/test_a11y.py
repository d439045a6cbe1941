"""Every page meets WCAG 2.1 A and AA (axe-core), on a phone, as most learners see it.

Issue #4: the sign-in page, each role's page and the `postures` module in
Voila, rendered and then showing a scenario's feedback.
"""

from __future__ import annotations

import re

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from test_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sign_in_page_is_accessible(server, phone):
    phone.goto(server.url + "login")
    assert_accessible(phone, "sign-in page")
    phone.fill("#username", "personne")
    phone.fill("#password", "not-the-password")
    phone.click("#sign-in")
    expect(phone.locator(".alert")).to_be_visible()
    assert_accessible(phone, "sign-in page, wrong password")


@pytest.mark.parametrize("who, role", [("amina", "learner"), ("formatrice", "trainer"),
                                       ("coordinateur", "coordinator")])
def test_role_home_page_is_accessible(server, phone, who, role):
    sign_in(phone, server, who)
    expect(phone).to_have_url(re.compile(rf"/balise/{role}$"))
    assert_accessible(phone, f"{role}'s page")


def test_postures_module_is_accessible_before_and_after_feedback(server, phone):
    sign_in(phone, server, "lea")
    phone.click("#open-postures")
    expect(phone.locator("button.balise-submit")).to_be_visible(timeout=60_000)
    assert_accessible(phone, "postures module")

    # A wrong answer, then the right one: each feedback has its own colours.
    first = phone.locator(".balise-scenario").nth(0)
    for option, verdict in [("A", "Pas tout à fait"), ("B", "Bonne réponse")]:
        first.get_by_role("button", name=option, exact=True).click()
        expect(first.locator(".balise-feedback")).to_contain_text(verdict)
        assert_accessible(phone, f"postures module, feedback on {option} shown")


SAME_ON_EVERY_GROUPING = ["#overdue-actions", *(
    f"section[aria-labelledby='{s}-title']"
    for s in ("quarter-hour", "warm-ups", "visits", "rates", "leading"))]


@pytest.mark.parametrize("who, path", [
    ("formatrice", "balise/trainer/quarter-hour"),
    ("formatrice", "balise/trainer/warm-up"),
    ("formatrice", "balise/trainer/validation"),
    ("coordinateur", "balise/dashboard?by=site"),
    ("coordinateur", "balise/dashboard?by=activity"),
    ("coordinateur", "balise/dashboard?by=cohort"),
    ("coordinateur", "balise/expiring"),
    ("coordinateur", "balise/expiring?site=lyon-logistique"),
    ("formatrice", "balise/expiring"),
    ("coordinateur", "balise/person/yusuf"),
    ("yusuf", "balise/feedback/culture"),
])
def test_programme_pages_are_accessible_on_a_phone(server, phone, who, path):
    """Issue #6's pages: the trainer's tools and the coordinator's dashboard."""
    sign_in(phone, server, who)
    expect(phone).to_have_url(re.compile(r"/balise/(trainer|coordinator|learner)$"))
    phone.goto(server.url + path)
    expect(phone.locator("h1")).to_be_visible()
    # By activity and by cohort, only the certification section differs from by site:
    # the others are the same markup, checked on by=site (each full check of the long
    # dashboard scrolls every table for contrast: about 30 s on 2 cores).
    same = [] if "by=" not in path or path.endswith("by=site") else SAME_ON_EVERY_GROUPING
    assert_accessible(phone, path, exclude=same)
    # Nothing wider than the phone but what scrolls inside its own region.
    overflow = phone.evaluate("""() => [...document.querySelectorAll(
        'button, input, select, label, h1, h2, p')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                && !e.closest('[role=region], .table-wrap, .scroll'))
        .map(e => e.outerHTML.slice(0, 80))""")
    assert not overflow, overflow


def test_certificate_verification_page_is_accessible(server, phone):
    """Public, signed out: the page a QR code opens."""
    phone.goto(server.url + "balise/verify/" + "A" * 22)
    expect(phone.locator("h1")).to_be_visible()
    assert_accessible(phone, "verification page (unknown code)")


RECORD_PAGES = {
    "amina": ["balise/hazards/new"],
    "formatrice": ["balise/accidents", "balise/accidents/new", "first:balise/accidents",
                   "balise/visits/new", "balise/visits", "balise/hazards",
                   "first:balise/hazards?state=all", "balise/actions", "balise/actions/new",
                   "balise/review"],
    "coordinateur": ["balise/hours", "balise/hours/import", "balise/erasure",
                     "balise/person/yusuf/erase", "balise/trail"],
}


def _first_record(page, server, listing: str) -> str:
    """The first record linked from a list (its id differs from run to run)."""
    page.goto(server.url + listing)
    base = listing.split("?")[0]
    href = page.locator(f"main a[href*='{base}/']").first.get_attribute("href")
    return href.lstrip("/")


@pytest.mark.parametrize("who", list(RECORD_PAGES))
def test_the_programme_records_pages_are_accessible_on_a_phone(server, small_phone, who):
    """Issue 20's pages (accidents, visits, hazard reports, actions, the monthly review,
    hours) and issue 21's erasure pages, each as the role that uses it, at 360 px."""
    from a11y import assert_phone_page

    page = small_phone
    sign_in(page, server, who)
    for path in RECORD_PAGES[who]:
        if path.startswith("first:"):
            path = _first_record(page, server, path.removeprefix("first:"))
        page.goto(server.url + path)
        assert_phone_page(page, f"{who}: {path}")
