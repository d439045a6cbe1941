"""The action plan: an action started from a record's prefilled link, refused, overdue, done.

Each test makes its own rows (ids unique to the test) in the running server's store,
so it depends neither on the demo data nor on another test.
"""

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from balise.store import actions as plan
from balise.store.models import Site, TrailEntry
from balise.store.records import Action, HazardReport

TODAY = date.today()
LYON, LILLE = "lyon-logistique", "lille-recyclage"


def actions_count(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Action))


def new_action(store, site=LYON, owner="formatrice", due=None, text=None) -> tuple[int, str]:
    """An action recorded through the store, then given ``due`` (a past day is allowed)."""
    text = text or f"Action {uuid.uuid4().hex[:8]}"
    action_id = plan.record_action(store, "coordinateur", {
        "site_id": site, "text": text, "owner_id": owner, "due_on": TODAY.isoformat()},
        today=TODAY)
    if due is not None:
        with store.session() as s:
            s.get(Action, action_id).due_on = due
    return action_id, text


def post(server, s, path, data):
    return s.post(server.url + path, data={**data, "_xsrf": s.cookies.get("_xsrf")},
                  allow_redirects=False)


def test_an_action_started_from_a_hazard_report_is_prefilled_saved_once_and_listed(
        server, store, trainer):
    with store.session() as s:
        report = HazardReport(site_id=LYON, kind="load", place="Quai 3", text="Palette cassée")
        s.add(report)
        s.flush()
        report_id = report.id
    s = trainer
    text = f"Changer la palette du quai 3 {uuid.uuid4().hex[:6]}"
    query = {"source": "hazard", "source_id": report_id, "site": LYON, "text": text,
             "next": "/balise/trainer"}
    form = s.get(server.url + "balise/actions/new", params=query)
    assert form.status_code == 200
    assert html.escape(text, quote=False) in form.text         # the text, prefilled
    assert 'name="source" value="hazard"' in form.text
    assert f'name="source_id" value="{report_id}"' in form.text
    assert '<option value="formatrice" selected>' in form.text   # she does it, unless she says
    key = re.search(r'name="form_key" value="([^"]+)"', form.text).group(1)
    data = {**query, "owner_id": "formatrice", "form_key": key,
            "due_on": (TODAY + timedelta(days=7)).isoformat()}
    before = actions_count(store)
    r = post(server, s, "balise/actions/new", data)
    assert r.status_code == 303 and r.headers["Location"] == "/balise/trainer"
    again = post(server, s, "balise/actions/new", data)          # a double click
    assert again.status_code == 303
    assert actions_count(store) == before + 1
    with store.session() as db:
        saved = db.scalars(select(Action).where(Action.text == text)).one()
        assert (saved.source, saved.source_id, saved.site_id, saved.state, saved.created_by) \
            == ("hazard", report_id, LYON, "open", "formatrice")
        assert db.scalar(select(func.count()).select_from(TrailEntry).where(
            TrailEntry.kind == "action.add", TrailEntry.form_key == key)) == 1
    listed = s.get(server.url + "balise/actions").text
    assert f'id="action-{saved.id}"' in listed and html.escape(text, quote=False) in listed


def test_a_next_address_of_another_host_is_not_followed(server, coordinator):
    s = coordinator
    r = post(server, s, "balise/actions/new", {
        "site_id": LYON, "text": "Réunion : revoir le plan de circulation",
        "owner_id": "formatrice", "due_on": TODAY.isoformat(), "next": "//evil.example/"})
    assert r.status_code == 303
    assert re.fullmatch(r"/balise/actions/\d+\?said=saved", r.headers["Location"])


@pytest.mark.parametrize("change,field", [
    ({"text": ""}, "text"),
    ({"text": "x" * 501}, "text"),
    ({"owner_id": "formatrice-lille"}, "owner_id"),           # a trainer of another site
    ({"owner_id": "amina"}, "owner_id"),                      # a learner
    ({"due_on": (TODAY - timedelta(days=1)).isoformat()}, "due_on"),
    ({"due_on": "demain"}, "due_on"),
    ({"source": "hazard", "source_id": "999999"}, "source"),   # a forged id
], ids=["no-text", "text-too-long", "owner-of-another-site", "owner-a-learner", "past-day",
        "not-a-day", "forged-source"])
def test_each_refusal_says_what_to_fix_and_writes_nothing(server, store, coordinator, change,
                                                          field):
    s = coordinator
    data = {"site_id": LYON, "text": "Ranger l'allée B", "owner_id": "formatrice",
            "due_on": TODAY.isoformat(), **change}
    before = actions_count(store)
    r = post(server, s, "balise/actions/new", data)
    assert r.status_code == 400
    assert f'id="{field}-error"' in r.text
    assert field == "source" or re.search(rf'id="{field}"[^>]*aria-invalid="true"', r.text)
    assert actions_count(store) == before


def test_a_form_without_xsrf_writes_nothing(server, store, trainer):
    s = trainer
    before = actions_count(store)
    r = s.post(server.url + "balise/actions/new", data={
        "text": "Sans jeton", "owner_id": "formatrice", "due_on": TODAY.isoformat()},
        allow_redirects=False)
    assert r.status_code == 403
    assert actions_count(store) == before


def test_an_overdue_action_shows_on_the_coordinator_and_owner_pages_until_done(
        server, store, coordinator, trainer):
    action_id, text = new_action(store, due=TODAY - timedelta(days=3))
    shown = html.escape(text, quote=False)
    front = coordinator.get(server.url + "balise/coordinator").text
    assert f'id="overdue-{action_id}"' in front
    board = coordinator.get(server.url + "balise/dashboard").text
    assert f'id="overdue-{action_id}"' in board                 # the dashboard says it too
    page = trainer.get(server.url + "balise/trainer").text
    assert f'id="overdue-{action_id}"' in page and shown in page
    late = trainer.get(server.url + "balise/actions", params={"overdue": "1"}).text
    assert f'id="action-{action_id}"' in late
    r = post(server, trainer, f"balise/actions/{action_id}", {"what": "done"})
    assert r.status_code == 303
    assert f'id="overdue-{action_id}"' not in \
        coordinator.get(server.url + "balise/coordinator").text
    assert f'id="overdue-{action_id}"' not in trainer.get(server.url + "balise/trainer").text
    assert f'id="overdue-{action_id}"' not in \
        coordinator.get(server.url + "balise/dashboard").text
    with store.session() as s:
        done = s.get(Action, action_id)
        assert (done.state, done.done_on) == ("done", TODAY)
    assert post(server, trainer, f"balise/actions/{action_id}", {"what": "done"}) \
        .headers["Location"].endswith("said=unchanged")              # a double click


def test_an_action_owned_by_another_trainer_is_not_on_her_page(server, store, trainer):
    action_id, _ = new_action(store, owner="coordinateur", due=TODAY - timedelta(days=3))
    page = trainer.get(server.url + "balise/trainer").text
    assert f'id="overdue-{action_id}"' not in page


def test_a_trainer_can_neither_see_nor_change_another_sites_actions(server, store, trainer):
    action_id, text = new_action(store, site=LILLE, owner="formatrice-lille",
                                 due=TODAY - timedelta(days=1))
    s = trainer
    assert s.get(server.url + f"balise/actions/{action_id}").status_code == 404
    for what in ("done", "edit"):
        r = post(server, s, f"balise/actions/{action_id}",
                 {"what": what, "text": "Piraté", "owner_id": "formatrice",
                  "due_on": TODAY.isoformat()})
        assert r.status_code == 404
    assert s.get(server.url + "balise/actions/new", params={"site": LILLE}).status_code == 404
    r = post(server, s, "balise/actions/new", {"site": LILLE, "text": "Autre site",
                                               "owner_id": "formatrice-lille",
                                               "due_on": TODAY.isoformat()})
    assert r.status_code == 404
    assert html.escape(text, quote=False) not in s.get(server.url + "balise/actions",
                                                       params={"site": LILLE}).text
    with store.session() as db:
        kept = db.get(Action, action_id)
        assert (kept.state, kept.text) == ("open", text)
        assert db.scalar(select(func.count()).select_from(Action).where(
            Action.text == "Autre site")) == 0
        assert db.get(Site, LILLE) is not None


def test_the_owner_changes_the_text_and_the_day_and_the_trail_says_so(server, store, trainer):
    action_id, _ = new_action(store)
    s = trainer
    day = (TODAY + timedelta(days=20)).isoformat()
    r = post(server, s, f"balise/actions/{action_id}",
             {"what": "edit", "text": "Former l'équipe au gerbeur", "owner_id": "formatrice",
              "due_on": day})
    assert r.status_code == 303 and r.headers["Location"].endswith("said=saved")
    with store.session() as db:
        changed = db.get(Action, action_id)
        assert (changed.text, changed.due_on.isoformat()) == ("Former l'équipe au gerbeur", day)
        assert db.scalar(select(func.count()).select_from(TrailEntry).where(
            TrailEntry.kind == "action.edit", TrailEntry.actor_id == "formatrice",
            TrailEntry.changes.contains(f'"id": [{action_id}, {action_id}]'))) == 1


@pytest.mark.browser
def test_the_plan_the_review_and_the_hours_on_a_360_px_phone(server, store, browser):
    """A trainer starts an action from a prefilled link, marks it done, reads her review;
    the coordinator's hours page: axe-core (WCAG 2.1, 2.2 A/AA), nothing scrolls sideways."""
    from a11y import assert_phone_page
    from playwright.sync_api import expect

    new_action(store, due=TODAY - timedelta(days=2))           # one overdue on her page
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.url + "login")
    page.fill("#username", "formatrice")
    page.fill("#password", "demo-formatrice")
    page.click("#sign-in")
    expect(page.locator("#overdue-actions")).to_be_visible()
    assert_phone_page(page, "trainer page with overdue actions")
    text = f"Dégager l'allée B {uuid.uuid4().hex[:6]}"
    page.goto(server.url + "balise/actions/new?" + f"source=committee&site={LYON}&text={text}"
              "&next=/balise/actions")
    expect(page.locator("#text")).to_have_value(text)
    page.click("#save")                                         # no day chosen: refused
    expect(page.locator("#due_on-error")).to_be_visible()
    assert_phone_page(page, "action form refused")
    page.fill("#due_on", (TODAY + timedelta(days=3)).isoformat())
    page.click("#save")
    expect(page).to_have_url(re.compile(r"/balise/actions$"))
    assert_phone_page(page, "action plan")
    page.get_by_role("link", name=text).click()
    assert_phone_page(page, "one action")
    page.click("#mark-done")
    expect(page.locator("#action-state")).to_contain_text("Fait le")
    month = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.goto(server.url + f"balise/review/{LYON}/{month}")
    assert_phone_page(page, "monthly review")
    context.close()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(server.url + "login")
    page.fill("#username", "coordinateur")
    page.fill("#password", "demo-coordinateur")
    page.click("#sign-in")
    page.goto(server.url + "balise/hours")
    assert_phone_page(page, "hours worked")
    context.close()
