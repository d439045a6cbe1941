"""The trainer's pages on a 360 px phone (issue 19, items 5 and 6), in Debian's chromium.

Each trainer page, in each state a trainer meets (her group, filtered by team;
the quarter-hour form, and its question before a second one the same day; a
warm-up and a validation that can still be undone), passes axe-core (WCAG 2.1
and 2.2 A and AA) and scrolls only up and down. Changing the team changes the
attendance list at once, keeping what was typed, and Save records that team.
Screenshots go to "trainer-screens" beside the server's data folder.
"""

from __future__ import annotations

import re
import uuid

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from sqlalchemy import func, select
from test_journey import sign_in

from balise.store.models import Person
from balise.store.programme import Attendance, QuarterHour, Team

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def screens(server):
    folder = server.data.parent / "trainer-screens"
    folder.mkdir(exist_ok=True)
    print(f"trainer screenshots: {folder}")
    return folder


def make_team(store, members: int) -> tuple[str, str, list[str]]:
    """A team of the trainer's site with learners of its own: (id, name, learner ids)."""
    uid = uuid.uuid4().hex[:6]
    team, name = f"phone-{uid}", f"Équipe {uid}"
    with store.session() as s:
        site = s.get(Person, "formatrice").site_id
        s.add(Team(id=team, site_id=site, name=name, activity="logistics"))
        s.flush()
        ids = [f"phone-{uid}-{n}" for n in range(members)]
        for n, pid in enumerate(ids):
            s.add(Person(id=pid, name=f"Personne {uid} {n}", role="learner", site_id=site,
                         team_id=team, activity="logistics", password_hash="!"))
    return team, name, ids


def attendance(store, team: str) -> list[int]:
    """Present at each of the team's quarter-hours, oldest first."""
    with store.session() as s:
        return list(s.scalars(select(func.count(Attendance.person_id))
                              .join(QuarterHour, QuarterHour.id == Attendance.quarter_hour_id)
                              .where(QuarterHour.team_id == team)
                              .group_by(QuarterHour.id).order_by(QuarterHour.id)))


def choose(page, select: str, value: str) -> None:
    """Pick ``value`` as a person does: the select has focus; the page is marked, so that
    :func:`stayed` can tell a part swapped in from a page loaded again."""
    page.evaluate("window.__same_page = true")
    page.focus(select)
    page.select_option(select, value)


def stayed(page) -> None:
    """The same page, the focus still on the select: the list was swapped in place."""
    assert page.evaluate("window.__same_page === true"), "the page was loaded again"
    assert page.evaluate("document.activeElement.id") == "team-choice"


def looks_right(page, name: str, screens) -> None:
    """axe-core passes, nothing scrolls sideways, and a full-page picture to look at."""
    assert_accessible(page, name)
    assert page.evaluate(SIDEWAYS) <= 0, f"{name} scrolls sideways at 360 px"
    page.screenshot(path=str(screens / f"{name}.png"), full_page=True)


def test_the_group_page_fits_a_phone_and_its_team_filter_shows_at_once(server, store,
                                                                       small_phone, screens):
    team, name, people = make_team(store, 2)
    page = small_phone
    sign_in(page, server, "formatrice")
    expect(page).to_have_url(re.compile(r"/balise/trainer$"))
    expect(page.locator("#title-not_started")).to_be_visible()
    looks_right(page, "group", screens)
    if page.locator("#stage-complete").count():          # the certified, folded, opened
        page.locator("#stage-complete summary").click()
        looks_right(page, "group-certified-open", screens)
    choose(page, "#team-choice", team)
    expect(page.locator("li.person")).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"team={team}"))
    stayed(page)
    expect(page.locator(f"#person-{people[0]}")).to_contain_text("À faire :")
    looks_right(page, "group-one-team", screens)


def test_the_quarter_hour_follows_the_team_chosen_and_asks_before_a_second(server, store,
                                                                          small_phone, screens):
    (first, _, ones), (second, second_name, others) = make_team(store, 2), make_team(store, 3)
    page = small_phone
    sign_in(page, server, "formatrice")
    page.goto(server.url + f"balise/trainer/quarter-hour?team={first}")
    expect(page.locator("#team-name")).to_be_visible()
    expect(page.locator("button[name=action][value=show]")).to_have_count(0)   # no Show step
    looks_right(page, "quarter-hour", screens)
    page.fill("#topic", "Gants de manutention")
    choose(page, "#team-choice", second)
    expect(page.locator("#team-name")).to_have_text(second_name)     # the list, at once
    expect(page.locator("input[name=attendee]")).to_have_count(3)
    expect(page.locator(f"input[value='{ones[0]}']")).to_have_count(0)
    expect(page.locator("#topic")).to_have_value("Gants de manutention")     # kept
    stayed(page)
    page.locator(f"input[value='{others[2]}']").uncheck()
    expect(page.locator("#save")).to_contain_text(second_name)
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    assert attendance(store, second) == [2] and attendance(store, first) == []

    page.fill("#topic", "Bruit et protections")
    page.click("#save")
    expect(page.locator("#confirm-second")).to_be_visible()
    assert attendance(store, second) == [2]                      # asked, nothing written
    looks_right(page, "quarter-hour-asks-first", screens)
    page.click("#confirm-second")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    assert attendance(store, second) == [2, 3]       # the form came back all ticked


def test_a_warm_up_and_a_validation_can_be_undone_on_the_phone(server, store, small_phone,
                                                               screens):
    team, name, (learner, *_) = make_team(store, 1)
    page = small_phone
    sign_in(page, server, "formatrice")
    page.goto(server.url + "balise/trainer/warm-up")
    page.get_by_role("button", name=name).click()
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    looks_right(page, "warm-up-recorded", screens)
    page.locator(f"li[id^='recorded-{team}-'] button").click()
    expect(page.locator(".notice")).to_contain_text("Annulé")

    page.goto(server.url + f"balise/trainer/validation?learner={learner}")
    page.locator("input[name=skill]").first.check()
    page.click("#save")
    expect(page.locator(".notice")).to_contain_text("Enregistré")
    expect(page.locator("#undo-lift-observed")).to_be_visible()
    looks_right(page, "validation-recorded", screens)
    page.click("#undo-lift-observed")
    expect(page.locator(".notice")).to_contain_text("Annulé")
    expect(page.locator("#undo-lift-observed")).to_have_count(0)
    page.goto(server.url + "balise/trainer/validation")
    looks_right(page, "validation", screens)
