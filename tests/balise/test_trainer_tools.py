"""Trainer tools: a quarter-hour, a warm-up and a field validation, recorded from a phone.

Each test makes its own team and people on the trainer's site (ids unique to
the test) in the running server's store, so it depends neither on the demo
data nor on another test.
"""

import html
import json
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, update

from balise.catalogue.modules import load_catalogue
from balise.config import Balise
from balise.context import BaliseContext
from balise.formats import date_words, percent
from balise.store.models import Attempt, Person, Site, TrailEntry, utcnow
from balise.store.programme import Attendance, FieldValidation, QuarterHour, Team, WarmUp
from balise.web.trainer_tools import failed_questions, topic_suggestions

REPO = Path(__file__).resolve().parents[2]
TOOLS = ["quarter-hour", "warm-up", "validation"]
TODAY = date.today().isoformat()
CATALOGUE = load_catalogue(REPO / "courses")


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
    data = {"team": team, "shown": team, "on": TODAY, "topic": "  Lever  une charge ",
            "attendee": people[:2]}
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
    data = {"team": team, "shown": team, "on": TODAY, "topic": "Transpalette"}
    post(server, s, "quarter-hour", {**data, "attendee": people[:1]})
    r = post(server, s, "quarter-hour", {**data, "attendee": people[1:]})
    assert "said=updated" in r.headers["Location"]
    assert count(store, QuarterHour, team_id=team) == 1 and attendance(store, team) == 2


def bad_quarter_hours(team, people, stranger):
    old = (date.today() - timedelta(days=40)).isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    good = {"team": team, "shown": team, "on": TODAY, "topic": "Gants", "attendee": people}
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
        r = post(server, s, tool, {"team": team, "shown": team, "on": TODAY, **data})
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
    r = post(server, s, "quarter-hour", {"team": team, "shown": team, "on": TODAY,
                                         "topic": "Gants", "attendee": people})
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
    data = {"learner": learner, "shown": learner, "skill": "lift-observed", "on": TODAY,
            "note": "Dos droit"}
    r = post(server, s, "validation", data)
    assert r.status_code == 303 and "said=saved" in r.headers["Location"]
    assert (learner, "lift-observed") in set(zip(validations(server).learner,
                                                 validations(server).skill))
    again = post(server, s, "validation", {**data, "note": "Revu"})
    assert "said=again" in again.headers["Location"]
    with store.session() as db:
        signed = db.scalars(select(FieldValidation).where(
            FieldValidation.learner_id == learner)).all()
    assert [(v.skill, v.note, v.trainer_id) for v in signed] == [
        ("lift-observed", "Revu", "formatrice")]


@pytest.mark.slow
def test_bad_field_validations_are_refused(server, store):
    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    good = {"learner": learner, "shown": learner, "skill": "lift-observed", "on": TODAY}
    for data in [{**good, "skill": "site-ppe"}, {**good, "learner": "nobody", "shown": "nobody"},
                 {**good, "learner": "formatrice", "shown": "formatrice"},
                 {**good, "note": "x" * 501},
                 {**good, "on": (date.today() + timedelta(days=1)).isoformat()}]:
        assert post(server, s, "validation", data).status_code == 400, data
    assert count(store, FieldValidation, learner_id=learner) == 0


@pytest.mark.slow
def test_a_trainer_cannot_sign_off_a_learner_of_another_site(server, store):
    _, (learner, *_) = make_team(store, site=f"autre-{uuid.uuid4().hex[:6]}")
    data = {"learner": learner, "shown": learner, "skill": "lift-observed", "on": TODAY}
    r = post(server, server.session("formatrice"), "validation", data)
    assert r.status_code == 403
    assert "Cette personne n'est pas de votre site" in html.unescape(r.text)
    assert count(store, FieldValidation, learner_id=learner) == 0
    assert post(server, server.session("coordinateur"), "validation", data).status_code == 303
    assert count(store, FieldValidation, learner_id=learner) == 1


# -- The group page (issue 19, item 5) -------------------------------------------------

def text_of(r) -> str:
    """A page's text as read: tags out, entities read, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", r.text)).split())


def card(page: str, learner: str) -> str:
    """Her card's text on the group page ("" when she has none)."""
    found = re.search(rf'<li class="person" id="person-{re.escape(learner)}">(.*?)</li>',
                      page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split()) \
        if found else ""


def test_failed_questions_are_said_in_words_most_people_wrong_first():
    module = CATALOGUE["postures"]
    first, second = module.graded_items[0], module.graded_items[1]
    rates = pd.DataFrame([("postures", first.id, 2, 0.5), ("postures", second.id, 10, 0.4),
                          ("postures", "gone", 9, 1.0)],
                         columns=["module", "question", "answered", "failure_rate"])
    named = failed_questions(rates, CATALOGUE)
    assert [q["prompt"] for q in named] == [second.prompt, first.prompt]   # 4 people, then 1
    assert named[0] == {"prompt": second.prompt, "module": module.title, "rate": 40,
                        "percent": percent(0.4), "answered": 10, "wrong": 4}


@pytest.mark.slow
def test_the_group_page_has_a_card_for_each_learner_those_not_started_first(server, store):
    team, people = make_team(store)
    with store.session() as s:                 # the third has begun culture, not passed it
        s.add(Attempt(id=f"try-{people[2]}", learner_id=people[2], module_id="culture",
                      number=1, status="failed"))
    culture = CATALOGUE["culture"].title["fr"]
    page = server.session("formatrice").get(server.url + "balise/trainer",
                                            params={"team": team})
    assert page.status_code == 200 and "<table" not in page.text
    first, second = (page.text.index(f'id="person-{p}"') for p in (people[0], people[2]))
    assert page.text.index('id="title-not_started"') < first \
        < page.text.index('id="title-in_progress"') < second
    assert f"0/6 modules · 0/2 validations → À faire : {culture}" in card(page.text, people[0])
    assert f"À terminer : {culture}" in card(page.text, people[2])
    assert "person-amina" not in page.text                 # another team: filtered out
    everyone = server.session("formatrice").get(server.url + "balise/trainer").text
    assert all(f'id="person-{p}"' in everyone for p in [*people, "amina"])


@pytest.mark.slow
def test_the_group_page_shows_her_own_site_and_the_coordinator_any(server, store):
    site = f"autre-{uuid.uuid4().hex[:6]}"
    _, (stranger, *_) = make_team(store, site=site)
    assert f"person-{stranger}" not in server.session("formatrice").get(
        server.url + "balise/trainer", params={"site": site}).text
    assert f"person-{stranger}" in server.session("coordinateur").get(
        server.url + "balise/trainer", params={"site": site}).text


@pytest.mark.slow
def test_failed_questions_on_the_group_page_are_text_module_and_percent_never_an_id(server):
    page = server.session("formatrice").get(server.url + "balise/trainer").text
    section = re.search(r'<section id="failure-rates".*?</section>', page, re.S).group(0)
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())
    assert re.search(r"\d+\s% · \d+ personnes sur \d+ se trompent", said)
    prompts = [item.prompt["fr"] for m in CATALOGUE.values() for item in m.graded_items]
    assert any(p in said for p in prompts)
    assert any(m.title["fr"] in said for m in CATALOGUE.values())
    assert not re.search(r"\b[qs]\d{1,2}\b|0\.\d\d", said), said[:300]


# -- The quarter-hour form without traps (issue 19, item 6) ----------------------------

@pytest.mark.slow
def test_a_save_after_a_team_change_records_the_team_shown_and_its_attendance(server, store):
    (first, ones), (second, others) = make_team(store), make_team(store, members=2)
    s = server.session("formatrice")
    assert f'name="shown" value="{first}"' in s.get(
        server.url + "balise/trainer/quarter-hour", params={"team": first}).text
    shown = s.get(server.url + "balise/trainer/quarter-hour",
                  params={"team": second, "topic": "Gants"}).text    # the team changed
    assert f'name="shown" value="{second}"' in shown and 'value="Gants"' in shown
    assert all(f'value="{p}" checked' in shown for p in others)
    assert not any(p in shown for p in ones)
    r = post(server, s, "quarter-hour", {"team": second, "shown": second, "on": TODAY,
                                         "topic": "Gants", "attendee": others[:1]})
    assert r.status_code == 303 and f"team={second}" in r.headers["Location"]
    assert count(store, QuarterHour, team_id=second) == 1 and attendance(store, second) == 1
    assert count(store, QuarterHour, team_id=first) == 0


@pytest.mark.slow
def test_a_save_for_a_team_whose_list_was_not_shown_writes_nothing_and_shows_it(server, store):
    """Without JavaScript: the team picked, then Save, with the other team's list ticked."""
    (first, ones), (second, others) = make_team(store), make_team(store)
    s = server.session("formatrice")
    r = post(server, s, "quarter-hour", {"team": second, "shown": first, "on": TODAY,
                                         "topic": "Gants", "attendee": ones})
    assert r.status_code == 409
    said = text_of(r)
    with store.session() as db:
        name = db.get(Team, second).name
    assert f"Voici la liste de {name} : vérifiez qui est présent, puis enregistrez." in said
    assert f'name="shown" value="{second}"' in r.text and 'value="Gants"' in r.text
    assert all(f'value="{p}" checked' in r.text for p in others)      # her list, as at first
    shown = post(server, s, "quarter-hour", {"team": first, "shown": second, "action": "show",
                                             "topic": "Gants"})
    assert shown.status_code == 200 and f'name="shown" value="{first}"' in shown.text
    assert count(store, QuarterHour, team_id=first) == count(store, QuarterHour,
                                                              team_id=second) == 0


@pytest.mark.slow
def test_a_second_quarter_hour_the_same_day_is_asked_first(server, store):
    team, people = make_team(store)
    s = server.session("formatrice")
    data = {"team": team, "shown": team, "on": TODAY, "attendee": people}
    assert "said=saved" in post(server, s, "quarter-hour",
                                {**data, "topic": "Gants"}).headers["Location"]
    asked = post(server, s, "quarter-hour", {**data, "topic": "Bruit"})
    assert asked.status_code == 200 and 'id="confirm-second"' in asked.text
    assert f"a déjà un quart d'heure le {date_words(date.today())['fr']}. En noter un " \
        "deuxième ?" in text_of(asked) and "« Gants »" in text_of(asked)
    assert count(store, QuarterHour, team_id=team) == 1
    again = post(server, s, "quarter-hour", {**data, "topic": "Gants"})   # the same: no question
    assert "said=already" in again.headers["Location"]
    confirmed = post(server, s, "quarter-hour", {**data, "topic": "Bruit", "confirm": "yes"})
    assert confirmed.status_code == 303 and "said=saved" in confirmed.headers["Location"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    other_day = post(server, s, "quarter-hour", {**data, "on": yesterday, "topic": "Bruit"})
    assert "said=saved" in other_day.headers["Location"]
    assert count(store, QuarterHour, team_id=team) == 3


# -- Undo the same day, and re-validation (issue 19, item 6) ---------------------------

def trail_of(store, **where) -> list[tuple[str, dict]]:
    with store.session() as s:
        query = select(TrailEntry).order_by(TrailEntry.id)
        for column, value in where.items():
            query = query.where(getattr(TrailEntry, column) == value)
        return [(t.kind, json.loads(t.changes)) for t in s.scalars(query)]


def recorded_yesterday(store, **where) -> None:
    """As if the trail's lines about it had been written the day before."""
    with store.session() as s:
        s.execute(update(TrailEntry).filter_by(**where).values(
            at=utcnow() - timedelta(days=1, hours=1)))


@pytest.mark.slow
def test_a_warm_up_recorded_by_mistake_is_undone_the_same_day(server, store):
    team, _ = make_team(store)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    s = server.session("formatrice")
    for day in (TODAY, yesterday):                          # today's, and one entered late
        post(server, s, "warm-up", {"team": team, "on": day})
    page = s.get(server.url + "balise/trainer/warm-up").text
    assert "Noté aujourd'hui" in html.unescape(page)
    assert f'id="recorded-{team}-{TODAY}"' in page and f'id="recorded-{team}-{yesterday}"' in page
    for day in (TODAY, yesterday):
        r = post(server, s, "warm-up", {"team": team, "undo": day})
        assert r.status_code == 303 and "said=undone" in r.headers["Location"]
    assert count(store, WarmUp, team_id=team) == 0
    twice = post(server, s, "warm-up", {"team": team, "undo": TODAY})
    assert "said=already-undone" in twice.headers["Location"]
    assert "Déjà annulé" in text_of(s.get(server.url.rstrip("/") + twice.headers["Location"]))
    assert [kind for kind, _ in trail_of(store, team_id=team)] == [
        "warm-up.add", "warm-up.add", "warm-up.undo", "warm-up.undo"]


@pytest.mark.slow
def test_a_warm_up_recorded_another_day_is_not_undone(server, store):
    team, _ = make_team(store)
    s = server.session("formatrice")
    post(server, s, "warm-up", {"team": team, "on": TODAY})
    recorded_yesterday(store, team_id=team)
    assert f'id="recorded-{team}-' not in s.get(server.url + "balise/trainer/warm-up").text
    r = post(server, s, "warm-up", {"team": team, "undo": TODAY})
    assert r.status_code == 400 and "Trop tard pour annuler" in text_of(r)
    assert count(store, WarmUp, team_id=team) == 1


def signed(store, learner):
    with store.session() as s:
        return [(v.skill, v.on, v.note) for v in s.scalars(select(FieldValidation).where(
            FieldValidation.learner_id == learner))]


@pytest.mark.slow
def test_revalidating_says_when_it_was_first_validated_and_keeps_both_dates(server, store):
    _, (learner, *_) = make_team(store)
    first = date.today() - timedelta(days=10)
    s = server.session("formatrice")
    data = {"learner": learner, "shown": learner, "skill": "lift-observed"}
    post(server, s, "validation", {**data, "on": first.isoformat(), "note": "Dos droit"})
    before = text_of(s.get(server.url + "balise/trainer/validation", params={"learner": learner}))
    assert f"déjà validé le {date_words(first)['fr']}" in before
    again = post(server, s, "validation", {**data, "on": TODAY, "note": "Revu"})
    assert "said=again" in again.headers["Location"]
    said = text_of(s.get(server.url.rstrip("/") + again.headers["Location"]))
    assert f"Validé à nouveau. Première validation le {date_words(first)['fr']}." in said
    assert f"Signed off again. First signed off on {date_words(first)['en']}." in said
    assert f"première validation le {date_words(first)['fr']}" in said
    assert signed(store, learner) == [("lift-observed", date.today(), "Revu")]
    days = [changes["on"] for kind, changes in trail_of(store, person_id=learner)]
    assert days == [[None, first.isoformat()], [first.isoformat(), TODAY]]


@pytest.mark.slow
def test_a_validation_recorded_by_mistake_is_undone_the_same_day(server, store):
    _, (learner, other, *_) = make_team(store)
    first = date.today() - timedelta(days=5)
    s = server.session("formatrice")
    data = {"learner": learner, "shown": learner, "skill": "lift-observed"}
    post(server, s, "validation", {**data, "on": first.isoformat(), "note": "Dos droit"})
    post(server, s, "validation", {**data, "on": TODAY, "note": "Par erreur"})
    page = s.get(server.url + "balise/trainer/validation", params={"learner": learner}).text
    assert 'name="undo" value="lift-observed"' in page
    # The undo button is the person shown's, even with another picked in the list.
    r = post(server, s, "validation", {"learner": other, "shown": learner,
                                       "undo": "lift-observed"})
    assert r.status_code == 303 and "said=undone" in r.headers["Location"]
    assert signed(store, learner) == [("lift-observed", first, "Dos droit")]   # as it was
    twice = post(server, s, "validation", {**data, "undo": "lift-observed"})
    assert "said=already-undone" in twice.headers["Location"]
    assert signed(store, learner) == [("lift-observed", first, "Dos droit")]
    post(server, s, "validation", {"learner": other, "shown": other, "skill": "lift-observed",
                                   "on": TODAY})
    post(server, s, "validation", {"learner": other, "shown": other, "undo": "lift-observed"})
    assert signed(store, other) == []                                     # the first: gone


@pytest.mark.slow
def test_a_validation_recorded_another_day_is_not_undone(server, store):
    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    data = {"learner": learner, "shown": learner, "skill": "lift-observed"}
    post(server, s, "validation", {**data, "on": TODAY})
    recorded_yesterday(store, person_id=learner)
    page = s.get(server.url + "balise/trainer/validation", params={"learner": learner}).text
    assert 'name="undo"' not in page
    r = post(server, s, "validation", {**data, "undo": "lift-observed"})
    assert r.status_code == 400 and "Trop tard pour annuler" in text_of(r)
    assert signed(store, learner) == [("lift-observed", date.today(), "")]


@pytest.mark.slow
def test_a_sign_off_for_a_person_whose_route_was_not_shown_writes_nothing(server, store):
    _, (one, other, *_) = make_team(store)
    s = server.session("formatrice")
    r = post(server, s, "validation", {"learner": other, "shown": one, "skill": "lift-observed",
                                       "on": TODAY})
    assert r.status_code == 409 and f'name="shown" value="{other}"' in r.text
    assert "choisissez la validation, puis validez" in text_of(r)
    assert 'value="lift-observed" checked' not in r.text            # not ticked for her
    assert signed(store, one) == signed(store, other) == []


def test_a_validation_and_its_undo_read_in_words_on_the_trail(server, store):
    """The coordinator's trail says what a trainer's tool did, in words, not its kind or ISO."""
    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    data = {"learner": learner, "shown": learner, "skill": "lift-observed", "on": TODAY}
    post(server, s, "validation", data)
    post(server, s, "validation", {"learner": learner, "shown": learner,
                                   "undo": "lift-observed"})
    page = server.session("coordinateur").get(server.url + "balise/trail",
                                              params={"person": learner})
    shown = text_of(page)
    assert "Validation sur le terrain notée" in shown
    assert "Validation sur le terrain annulée" in shown
    assert "Geste de levage correct observé" in shown and "lift-observed" not in shown
    assert "validation.add" not in shown and TODAY not in shown
    assert date_words(date.today())["fr"] in shown or date.today().strftime("%d/%m/%Y") in shown


def test_the_trainer_reaches_her_people_teams_and_who_expires_from_her_pages(server):
    s = server.session("formatrice")
    for page in ("balise/trainer", "balise/trainer/quarter-hour", "balise/trainer/warm-up",
                 "balise/trainer/validation"):
        text = s.get(server.url + page).text
        for path in ("balise/admin/people", "balise/admin/teams", "balise/expiring"):
            assert f'{path}"' in text, (page, path)
    for path in ("balise/admin/people", "balise/admin/teams", "balise/expiring"):
        assert s.get(server.url + path).status_code == 200, path


def test_her_group_and_its_failed_questions_download_with_her_team_filter(server, store):
    import io

    import openpyxl

    team, members = make_team(store)
    s = server.session("formatrice")
    with store.session() as db:
        names = set(db.scalars(select(Person.name).where(Person.id.in_(members))))
    page = s.get(server.url + "balise/trainer", params={"team": team}).text
    link = re.search(r'id="download-group-xlsx" href="([^"]+)"', page).group(1)
    assert f"team={team}" in html.unescape(link)
    r = s.get(server.url + html.unescape(link).lstrip("/"))
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]][:3] == ["Nom", "Équipe", "Où elle en est"]
    assert {row[0].value for row in ws.iter_rows(min_row=2)} == names
    q = s.get(server.url + "balise/trainer", params={"download": "questions", "format": "csv"})
    text = q.content.decode("utf-8")
    assert q.status_code == 200 and text.startswith("\ufeffPart qui se trompe;")
    assert not re.search(r"\bq\d+\b", text)                       # words, never an id
    bad = s.get(server.url + "balise/trainer", params={"download": "all", "format": "csv"})
    assert bad.status_code == 400


def test_her_trail_downloads_in_words(server, store):
    """The coordinator takes a person's trail away: every line, in words, as on the page."""
    import io

    import openpyxl

    _, (learner, *_) = make_team(store)
    s = server.session("formatrice")
    post(server, s, "validation", {"learner": learner, "shown": learner,
                                   "skill": "lift-observed", "on": TODAY})
    c = server.session("coordinateur")
    page = c.get(server.url + "balise/trail", params={"person": learner}).text
    link = re.search(r'id="trail-xlsx" href="([^"]+)"', page).group(1)
    ws = openpyxl.load_workbook(io.BytesIO(c.get(
        server.url + html.unescape(link).lstrip("/")).content)).active
    assert [cell.value for cell in ws[1]] == ["Quand", "Qui", "Quoi", "Personne", "Site",
                                              "Équipe", "Changements"]
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
    assert any(r[2] == "Validation sur le terrain notée" and r[1] == "Nadia Benali"
               and "Geste de levage correct observé" in r[6] for r in rows), rows
    assert not any("validation.add" in str(r) or "lift-observed" in str(r) for r in rows)
    assert s.get(server.url + "balise/trail", params={"format": "csv"}).status_code == 403
