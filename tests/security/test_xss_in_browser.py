"""Script in names, free text and notebook outputs, opened by trainers in chromium: none runs."""

import uuid
from datetime import date

import pytest

from balise.store.models import Person, Store
from balise.store.programme import Team

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAYLOADS = ['<script>window.__pwned="script"</script>',
            '<img src=x onerror="window.__pwned=\'img\'">',
            '"><svg onload="window.__pwned=\'svg\'">',
            "javascript:window.__pwned='href'"]


@pytest.fixture(scope="module")
def planted(server):
    """People named with payloads, on the demo trainer's site, in a team of their own."""
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    uid = uuid.uuid4().hex[:6]
    with store.session() as s:
        site = s.get(Person, "formatrice").site_id
        s.add(Team(id=f"xss-{uid}", site_id=site, name=PAYLOADS[2], activity="logistics"))
        s.flush()
        ids = [f"xss-{uid}-{n}" for n in range(len(PAYLOADS))]
        for pid, payload in zip(ids, PAYLOADS):
            s.add(Person(id=pid, name=payload, role="learner", site_id=site,
                         team_id=f"xss-{uid}", activity="logistics", password_hash="!"))
    store.dispose()
    feedback = server.data / "course" / "feedback" / ids[0] / "postures"
    feedback.mkdir(parents=True, exist_ok=True)
    (feedback / "postures.html").write_text(
        "<html><body><h1>Feedback</h1>" + "".join(PAYLOADS) + "</body></html>")
    return f"xss-{uid}", ids


def sign_in(page, server, who):
    page.goto(server.url + "login")
    page.fill("#username", who)
    page.fill("#password", f"demo-{who}")
    page.click("#sign-in")
    page.wait_for_url(lambda url: "/login" not in url)


def no_script_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None


def test_payloads_in_names_free_text_and_outputs_never_run(server, browser, planted):
    team, ids = planted
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, server, "formatrice")
    # Free text typed by the trainer through the forms, shown back on the same pages.
    page.goto(server.url + f"balise/trainer/quarter-hour?team={team}")
    page.fill("input[name=topic]", PAYLOADS[1])
    page.click("form button[type=submit]")
    page.goto(server.url + f"balise/trainer/validation?learner={ids[0]}")
    if page.locator("textarea[name=note], input[name=note]").count():
        page.fill("textarea[name=note], input[name=note]", PAYLOADS[0])
        page.locator("input[name=skill]").first.check()
        page.click("form button[type=submit]")
    for path in ["balise/trainer", f"balise/trainer/quarter-hour?team={team}",
                 f"balise/trainer/validation?learner={ids[0]}", "balise/trainer/warm-up",
                 f"balise/feedback/postures?learner={ids[0]}"]:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        no_script_ran(page)
        assert PAYLOADS[0] not in page.content()
    context.close()
    coordinator = browser.new_context().new_page()
    coordinator.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(coordinator, server, "coordinateur")
    for path in ["balise/coordinator", "balise/dashboard?by=site"]:
        coordinator.goto(server.url + path)
        no_script_ran(coordinator)
    coordinator.context.close()
    assert dialogs == []
    assert date.today()                                   # the day the free text was posted
