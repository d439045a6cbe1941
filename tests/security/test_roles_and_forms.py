"""Roles on every page and API, another site's people, and forged cross-site forms."""

import uuid
from datetime import date

import pytest

from balise.store.models import Person, Site
from balise.store.programme import Refresher, Team

from probe import bilingual, refused, unchanged

pytestmark = pytest.mark.slow

ROLE = ("Cette page n'est pas pour votre rôle", "This page is not for your role")
TRAINER_PAGES = ["balise/trainer", "balise/trainer/quarter-hour", "balise/trainer/warm-up",
                 "balise/trainer/validation", "balise/coordinator", "balise/dashboard",
                 "balise/dashboard?by=cohort"]
FORMS = ["balise/trainer/quarter-hour", "balise/trainer/warm-up", "balise/trainer/validation"]


def refresher_for(store, learner: str) -> int:
    """A postures refresher due today for ``learner``: its id."""
    with store.session() as s:
        row = Refresher(learner_id=learner, module_id="postures", reason="spaced",
                        due_on=date.today(), questions='["q1"]')
        s.add(row)
        s.flush()
        return row.id


@pytest.fixture(scope="module")
def elsewhere(store):
    """A team and a learner on a site that is not the demo trainer's."""
    uid = uuid.uuid4().hex[:6]
    with store.session() as s:
        s.add(Site(id=f"sec-{uid}", name=f"Site {uid}"))
        s.flush()
        s.add(Team(id=f"sec-team-{uid}", site_id=f"sec-{uid}", name=f"Équipe {uid}",
                   activity="logistics"))
        s.flush()
        s.add(Person(id=f"sec-far-{uid}", name="Loin", role="learner", site_id=f"sec-{uid}",
                     team_id=f"sec-team-{uid}", activity="logistics", password_hash="!"))
    return f"sec-team-{uid}", f"sec-far-{uid}"


@pytest.mark.parametrize("path", TRAINER_PAGES)
def test_a_learner_is_refused_every_trainer_and_coordinator_page(server, path):
    lea = server.session("lea")
    with unchanged(server):
        r = lea.get(server.url + path)
    bilingual(refused(r, 403), *ROLE)


@pytest.mark.parametrize("path", ["balise/coordinator", "balise/dashboard"])
def test_a_trainer_is_refused_the_coordinator_pages(server, path):
    bilingual(refused(server.session("formatrice").get(server.url + path), 403), *ROLE)


@pytest.mark.parametrize("path", FORMS)
def test_a_learner_posting_a_trainer_form_is_refused_and_nothing_is_written(server, path,
                                                                            elsewhere):
    team, learner = elsewhere
    s = server.session("lea")
    s.get(server.url + "balise/learner")
    with unchanged(server):
        r = s.post(server.url + path, allow_redirects=False, data={
            "team": team, "on": date.today().isoformat(), "topic": "Gants",
            "attendee": [learner], "learner": learner, "skill": "lift-observed",
            "_xsrf": s.cookies.get("_xsrf")})
    bilingual(refused(r, 403), *ROLE)


def test_a_trainer_sees_no_learner_of_another_site(server, elsewhere):
    team, learner = elsewhere
    s = server.session("formatrice")
    with unchanged(server):
        feedback = s.get(server.url + "balise/feedback/postures", params={"learner": learner})
        form = s.get(server.url + "balise/trainer/validation", params={"learner": learner})
        quarter = s.get(server.url + "balise/trainer/quarter-hour",
                        params={"team": team, "site": team})
    bilingual(refused(feedback, 404), "Page introuvable", "Page not found")
    for page in (form, quarter):
        assert page.status_code == 200 and learner not in page.text and team not in page.text


@pytest.mark.parametrize("path", FORMS)
def test_a_forged_cross_site_form_is_refused(server, path, elsewhere):
    """CSRF: the trainer's browser posts a form from another site (no XSRF token)."""
    team, learner = elsewhere
    s = server.session("coordinateur")
    with unchanged(server):
        r = s.post(server.url + path, allow_redirects=False,
                   headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"},
                   data={"team": team, "on": date.today().isoformat(), "topic": "Gants",
                         "attendee": [learner], "learner": learner, "skill": "lift-observed"})
    bilingual(refused(r, 403, 404), "Accès refusé", "Access refused") if r.status_code == 403 \
        else bilingual(r.text, "Page introuvable", "Page not found")


def test_a_forged_cross_site_refresher_answer_is_refused(server, store):
    rid = refresher_for(store, "lea")
    s = server.session("lea")
    with unchanged(server):
        r = s.post(server.url + f"balise/refresher/{rid}", data={"q1": "b"},
                   headers={"Origin": "https://evil.example"})
    refused(r, 403, 404)


def test_a_forged_cross_site_sign_in_is_refused(server):
    """Login CSRF: signing a victim's browser in as the attacker needs the form's token."""
    import requests

    for headers in ({"Origin": "https://evil.example"}, {}):
        s = requests.Session()
        r = s.post(server.url + "login", data={"username": "lea", "password": "demo-lea"},
                   headers=headers, allow_redirects=False)
        refused(r, 403, 404)
        assert "balise-session" not in s.cookies


def test_anothers_refresher_is_not_found(server, store):
    rid = refresher_for(store, "amina")
    yusuf = server.session("yusuf")
    with unchanged(server):
        page = yusuf.get(server.url + f"balise/refresher/{rid}")
        post = yusuf.post(server.url + f"balise/refresher/{rid}",
                          data={"q1": "b", "_xsrf": yusuf.cookies.get("_xsrf")})
    refused(page, 404)
    refused(post, 404)
