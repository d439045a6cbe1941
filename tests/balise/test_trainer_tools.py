"""Trainer tools: a quarter-hour, a warm-up and a field validation, recorded from a phone.

Each test makes its own team and people on the trainer's site (ids unique to
the test) in the running server's store, so it depends neither on the demo
data nor on another test.
"""

import html
import uuid
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from balise.catalogue.modules import load_catalogue
from balise.config import Balise
from balise.context import BaliseContext
from balise.formats import percent
from balise.store.models import Person, Site, Store
from balise.store.programme import Attendance, FieldValidation, QuarterHour, Team, WarmUp
from balise.web.trainer_tools import topic_suggestions

REPO = Path(__file__).resolve().parents[2]
TOOLS = ["quarter-hour", "warm-up", "validation"]
TODAY = date.today().isoformat()


@pytest.fixture(scope="module")
def store(server):
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    yield store
    store.dispose()


def make_team(store, site=None, members=3, activity="logistics"):
    """A team of ``members`` learners on ``site`` (the trainer's unless given): (team, ids)."""
    uid = uuid.uuid4().hex[:8]
    with store.session() as s:
        if site is None:
            site = s.get(Person, "formatrice").site_id
        elif s.get(Site, site) is None:
            s.add(Site(id=site, name=f"Autre site {site}"))
            s.flush()
        s.add(Team(id=f"team-{uid}", site_id=site, name=f"Équipe {uid}", activity=activity))
        s.flush()
        ids = [f"p-{uid}-{n}" for n in range(members)]
        for n, pid in enumerate(ids):
            s.add(Person(id=pid, name=f"Personne {uid} {n}", role="learner", site_id=site,
                         team_id=f"team-{uid}", activity=activity, password_hash="!"))
    return f"team-{uid}", ids


def count(store, model, **where):
    with store.session() as s:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return s.scalar(query)


def attendance(store, team):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Attendance).join(
            QuarterHour, QuarterHour.id == Attendance.quarter_hour_id)
            .where(QuarterHour.team_id == team))


def post(server, s, tool, data, xsrf=True):
    body = {**data, "_xsrf": s.cookies.get("_xsrf")} if xsrf else data
    return s.post(server.url + f"balise/trainer/{tool}", data=body, allow_redirects=False)


def test_topic_ideas_are_the_most_failed_questions_in_french_worst_first():
    catalogue = load_catalogue(REPO / "courses")
    module = catalogue["postures"]
    first, second = module.graded_items[0], module.graded_items[1]
    rates = pd.DataFrame([("postures", first.id, 4, 0.25), ("postures", second.id, 4, 0.75),
                          ("postures", "gone", 4, 1.0), ("postures", "q-none", 4, 0.0)],
                         columns=["module", "question", "answered", "failure_rate"])
    ideas = topic_suggestions(rates, catalogue)
    assert [i["fr"] for i in ideas] == [second.prompt["fr"][:200], first.prompt["fr"][:200]]
    assert ideas[0]["rate"] == 75 and ideas[0]["percent"] == percent(0.75)     # "75 %"
    assert topic_suggestions(rates, catalogue, limit=1) == ideas[:1]


@pytest.mark.slow
def test_a_quarter_hour_keeps_the_ticked_people_and_a_double_post_adds_nothing(server, store):
    team, people = make_team(store)
    s = server.session("formatrice")
    form = s.get(server.url + "balise/trainer/quarter-hour", params={"team": team})
    assert form.status_code == 200
    assert all(f'value="{p}" checked' in form.text for p in people)      # all ticked at first
    data = {"team": team, "on": TODAY, "topic": "  Lever  une charge ", "attendee": people[:2]}
    first = post(server, s, "quarter-hour", data)
    assert first.status_code == 303 and "said=saved" in first.headers["Location"]
    again = post(server, s, "quarter-hour", {**data, "topic": "Lever une charge"})
    assert again.status_code == 303 and "said=already" in again.headers["Location"]
    assert count(store, QuarterHour, team_id=team) == 1
    assert attendance(store, team) == 2
    shown = s.get(server.url.rstrip("/") + again.headers["Location"])
    assert "Déjà noté" in html.unescape(shown.text) and "Already recorded" in shown.text
    assert "Lever une charge" in shown.text                      # in the last quarter-hours


@pytest.mark.slow
def test_a_corrected_quarter_hour_updates_its_attendance(server, store):
    team, people = make_team(store)
    s = server.session("formatrice")
    data = {"team": team, "on": TODAY, "topic": "Transpalette"}
    post(server, s, "quarter-hour", {**data, "attendee": people[:1]})
    r = post(server, s, "quarter-hour", {**data, "attendee": people[1:]})
    assert "said=updated" in r.headers["Location"]
    assert count(store, QuarterHour, team_id=team) == 1 and attendance(store, team) == 2


def bad_quarter_hours(team, people, stranger):
    old = (date.today() - timedelta(days=40)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    good = {"team": team, "on": TODAY, "topic": "Gants", "attendee": people}
    return [{**good, "on": tomorrow}, {**good, "on": old}, {**good, "on": "hier"},
            {**good, "topic": "ab"}, {**good, "topic": "x" * 201},
            {**good, "attendee": []}, {**good, "attendee": [*people, stranger]},
            {**good, "team": "no-such-team"}]


@pytest.mark.slow
def test_bad_quarter_hours_get_a_plain_message_and_nothing_is_written(server, store):
    team, people = make_team(store)
    _, strangers = make_team(store, members=1)
    s = server.session("formatrice")
    for data in bad_quarter_hours(team, people, strangers[0]):
        r = post(server, s, "quarter-hour", data)
        assert r.status_code == 400, data
        assert 'class="alert" role="alert"' in r.text and 'lang="en"' in r.text, data
        assert "Traceback" not in r.text
    assert count(store, QuarterHour, team_id=team) == 0


@pytest.mark.slow
def test_a_team_of_another_site_is_refused_to_a_trainer(server, store):
    team, people = make_team(store, site=f"autre-{uuid.uuid4().hex[:6]}")
    s = server.session("formatrice")
    for tool, data in [("quarter-hour", {"topic": "Gants", "attendee": people}),
                       ("warm-up", {})]:
        r = post(server, s, tool, {"team": team, "on": TODAY, **data})
        assert r.status_code == 403, tool
        assert "Cette équipe n'est pas de votre site" in html.unescape(r.text)
    assert count(store, QuarterHour, team_id=team) == 0
    assert count(store, WarmUp, team_id=team) == 0


@pytest.mark.slow
def test_a_coordinator_records_for_any_site(server, store):
    site = f"autre-{uuid.uuid4().hex[:6]}"
    team, people = make_team(store, site=site)
    s = server.session("coordinateur")
    form = s.get(server.url + "balise/trainer/quarter-hour", params={"site": site})
    assert form.status_code == 200 and team in form.text
    r = post(server, s, "quarter-hour", {"team": team, "on": TODAY, "topic": "Gants",
                                         "attendee": people})
    assert r.status_code == 303 and f"site={site}" in r.headers["Location"]
    assert attendance(store, team) == len(people)


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_a_post_without_the_xsrf_token_is_refused(server, store, tool):
    team, people = make_team(store)
    s = server.session("formatrice")
    r = post(server, s, tool, {"team": team, "on": TODAY, "topic": "Gants", "attendee": people,
                               "learner": people[0], "skill": "lift-observed"}, xsrf=False)
    assert r.status_code == 403
    assert count(store, QuarterHour, team_id=team) == count(store, WarmUp, team_id=team) == 0
    assert count(store, FieldValidation, learner_id=people[0]) == 0


@pytest.mark.slow
@pytest.mark.parametrize("tool", TOOLS)
def test_learners_may_not_use_the_trainer_tools(server, store, tool):
    team, people = make_team(store)
    s = server.session("amina")
    page = s.get(server.url + f"balise/trainer/{tool}")
    assert page.status_code == 403
    assert "Cette page n'est pas pour votre rôle" in html.unescape(page.text)
    r = post(server, s, tool, {"team": team, "on": TODAY, "topic": "Gants", "attendee": people,
                               "learner": people[0], "skill": "lift-observed"})
    assert r.status_code == 403
    assert count(store, QuarterHour, team_id=team) == count(store, WarmUp, team_id=team) == 0
    assert count(store, FieldValidation, learner_id=people[0]) == 0


@pytest.mark.slow
def test_a_warm_up_recorded_twice_is_kept_once(server, store):
    team, _ = make_team(store)
    s = server.session("formatrice")
    assert team in s.get(server.url + "balise/trainer/warm-up").text
    first = post(server, s, "warm-up", {"team": team, "on": TODAY})
    second = post(server, s, "warm-up", {"team": team, "on": TODAY})
    assert first.status_code == second.status_code == 303
    assert "said=saved" in first.headers["Location"]
    assert "said=already" in second.headers["Location"]
    assert count(store, WarmUp, team_id=team) == 1
    page = html.unescape(s.get(server.url.rstrip("/") + second.headers["Location"]).text)
    assert "Déjà noté" in page and "fait aujourd'hui" in page


def validations(server):
    config = Balise(data_dir=str(server.data), courses_dir=str(REPO / "courses"))
    ctx = BaliseContext.open(config)
    try:
        return ctx.validations()
    finally:
        ctx.store.dispose()


@pytest.mark.slow
def test_a_field_validation_is_signed_off_for_a_learner_of_the_site(server, store):
    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    form = s.get(server.url + "balise/trainer/validation", params={"learner": learner})
    assert form.status_code == 200 and 'value="lift-observed"' in form.text
    assert 'value="site-ppe"' not in form.text                     # not on her route
    data = {"learner": learner, "skill": "lift-observed", "on": TODAY, "note": "Dos droit"}
    r = post(server, s, "validation", data)
    assert r.status_code == 303 and "said=saved" in r.headers["Location"]
    assert (learner, "lift-observed") in set(zip(validations(server).learner,
                                                 validations(server).skill))
    again = post(server, s, "validation", {**data, "note": "Revu"})
    assert "said=updated" in again.headers["Location"]
    with store.session() as db:
        signed = db.scalars(select(FieldValidation).where(
            FieldValidation.learner_id == learner)).all()
    assert [(v.skill, v.note, v.trainer_id) for v in signed] == [
        ("lift-observed", "Revu", "formatrice")]


@pytest.mark.slow
def test_bad_field_validations_are_refused(server, store):
    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    good = {"learner": learner, "skill": "lift-observed", "on": TODAY}
    for data in [{**good, "skill": "site-ppe"}, {**good, "learner": "nobody"},
                 {**good, "learner": "formatrice"}, {**good, "note": "x" * 501},
                 {**good, "on": (date.today() + timedelta(days=1)).isoformat()}]:
        assert post(server, s, "validation", data).status_code == 400, data
    assert count(store, FieldValidation, learner_id=learner) == 0


@pytest.mark.slow
def test_a_trainer_cannot_sign_off_a_learner_of_another_site(server, store):
    _, (learner, *_) = make_team(store, site=f"autre-{uuid.uuid4().hex[:6]}")
    data = {"learner": learner, "skill": "lift-observed", "on": TODAY}
    r = post(server, server.session("formatrice"), "validation", data)
    assert r.status_code == 403
    assert "Cette personne n'est pas de votre site" in html.unescape(r.text)
    assert count(store, FieldValidation, learner_id=learner) == 0
    assert post(server, server.session("coordinateur"), "validation", data).status_code == 303
    assert count(store, FieldValidation, learner_id=learner) == 1
