"""The administration pages, a person's page and the trail: each forbidden case refused
plainly, and nothing written (issue 19, item 8).

A learner on any of them; a trainer on another site's people, to read or to write; a
forged person id; a form posted without its XSRF token; script in names shown as text.
"""

import uuid
from datetime import date

import pytest

from balise.store import admin

from probe import api, bilingual, refused, submission, token, unchanged

pytestmark = pytest.mark.slow

ROLE = ("Cette page n'est pas pour votre rôle", "This page is not for your role")
NOT_FOUND = ("Page introuvable", "Page not found")
ROUTES = {"logistics": ["logistics"]}
PAGES = ["balise/admin/sites", "balise/admin/sites/new", "balise/admin/sites/lyon-logistique",
         "balise/admin/teams", "balise/admin/teams/new", "balise/admin/teams/lyon-quai",
         "balise/admin/people", "balise/admin/people?q=a", "balise/admin/people/new",
         "balise/admin/people/amina", "balise/person/amina", "balise/person/lea",
         "balise/trail", "balise/trail?person=amina"]
FORMS = ["balise/admin/sites/new", "balise/admin/sites/lyon-logistique",
         "balise/admin/teams/new", "balise/admin/teams/lyon-quai", "balise/admin/people/new",
         "balise/admin/people/amina", "balise/admin/people/amina/end",
         "balise/admin/people/amina/back"]
PAYLOADS = ['<script>alert("pwned")</script>', '<img src=x onerror=alert(1)>',
            '"><svg onload=alert(1)>']


@pytest.fixture(scope="module")
def elsewhere(store):
    """A site that is not the demo trainer's, with a team, a trainer and a learner."""
    uid = uuid.uuid4().hex[:6]
    site = admin.add_site(store, "test", {"name": f"Site loin {uid}",
                                          "activities": ["logistics"]})
    trainer = admin.add_person(store, "test", {"name": f"Formatrice loin {uid}",
                                               "role": "trainer", "site_id": site}, ROUTES)
    team = admin.add_team(store, "test", {"site_id": site, "name": "Quai loin",
                                          "activity": "logistics", "trainer_id": trainer})
    learner = admin.add_person(store, "test", {
        "name": f"Apprenante loin {uid}", "role": "learner", "site_id": site, "team_id": team,
        "route": "logistics", "placement_start": date.today().isoformat()}, ROUTES)
    return {"site": site, "team": team, "learner": learner, "trainer": trainer}


def form_data(elsewhere) -> dict:
    """A complete form for each kind, naming the other site: what a forged post would send."""
    return {"name": "Forgée", "address": "1 rue X", "activities": ["logistics"],
            "site_id": elsewhere["site"], "activity": "logistics", "role": "coordinator",
            "team_id": elsewhere["team"], "route": "logistics", "language": "fr",
            "placement_start": date.today().isoformat(), "ended_on": date.today().isoformat(),
            "trainer_id": elsewhere["trainer"]}


@pytest.mark.parametrize("path", PAGES)
def test_a_learner_is_refused_every_administration_page(server, path):
    lea = server.session("lea")
    with unchanged(server):
        r = lea.get(server.url + path)
    bilingual(refused(r, 403), *ROLE)


@pytest.mark.parametrize("path", FORMS)
def test_a_learner_posting_an_administration_form_is_refused_and_nothing_is_written(
        server, path, elsewhere):
    lea = server.session("lea")
    lea.get(server.url + "balise/learner")
    with unchanged(server):
        r = lea.post(server.url + path, allow_redirects=False,
                     data={**form_data(elsewhere), "_xsrf": lea.cookies.get("_xsrf")})
    bilingual(refused(r, 403), *ROLE)


@pytest.mark.parametrize("path", ["balise/admin/sites", "balise/admin/sites/new",
                                  "balise/trail"])
def test_a_trainer_is_refused_the_coordinators_pages(server, path):
    with unchanged(server):
        r = server.session("formatrice").get(server.url + path)
    bilingual(refused(r, 403), *ROLE)


def test_a_trainer_reads_nothing_of_another_sites_people(server, elsewhere):
    s = server.session("formatrice")
    far = elsewhere["learner"]
    with unchanged(server):
        pages = [s.get(server.url + f"balise/person/{far}"),
                 s.get(server.url + f"balise/admin/people/{far}"),
                 s.get(server.url + f"balise/admin/teams/{elsewhere['team']}"),
                 s.get(server.url + "balise/person/coordinateur"),
                 s.get(server.url + f"balise/admin/people/{elsewhere['trainer']}")]
        listed = [s.get(server.url + "balise/admin/people", params={"q": "loin"}),
                  s.get(server.url + "balise/admin/people", params={"site": elsewhere["site"]}),
                  s.get(server.url + "balise/admin/teams", params={"site": elsewhere["site"]}),
                  s.get(server.url + "balise/admin/people/new"),
                  s.get(server.url + "balise/admin/teams/new",
                        params={"site": elsewhere["site"]})]
    for page in pages:
        bilingual(refused(page, 404), *NOT_FOUND)
    for page in listed:
        # Nothing of that site's (its name, teams, people), whatever the request named.
        assert page.status_code == 200
        for secret in (far, elsewhere["trainer"], "Apprenante loin", "Site loin",
                       "Formatrice loin", "Quai loin"):
            assert secret not in page.text, secret


def test_a_trainer_changes_nothing_of_another_sites_people(server, elsewhere):
    s = server.session("formatrice")
    s.get(server.url + "balise/admin/people")
    far, data = elsewhere["learner"], {**form_data(elsewhere), "role": "learner"}
    with unchanged(server):
        for path in (f"balise/admin/people/{far}", f"balise/admin/people/{far}/end",
                     f"balise/admin/people/{far}/back",
                     f"balise/admin/teams/{elsewhere['team']}"):
            r = s.post(server.url + path, allow_redirects=False,
                       data={**data, "_xsrf": s.cookies.get("_xsrf")})
            bilingual(refused(r, 404), *NOT_FOUND)
        # Adding on the other site, or moving one of hers there, or making a coordinator.
        for path, changed in [("balise/admin/people/new", {}),
                              ("balise/admin/teams/new", {"name": "Équipe forgée"}),
                              ("balise/admin/people/amina", {"name": "Amina Diallo"}),
                              ("balise/admin/people/amina",
                               {"name": "Amina Diallo", "role": "coordinator",
                                "site_id": "lyon-logistique", "team_id": ""})]:
            r = s.post(server.url + path, allow_redirects=False,
                       data={**data, **changed, "_xsrf": s.cookies.get("_xsrf")})
            assert refused(r, 400)
            assert "Choisissez" in r.text and "Choose" in r.text


@pytest.mark.parametrize("forged", ["nobody-here", "..%2Famina", "amina%00", "%2e%2e",
                                    "amina'--", "a" * 64, "ｌｅａ", "amina%20"])
def test_a_forged_person_id_is_a_page_that_does_not_exist(server, forged):
    s = server.session("coordinateur")
    s.get(server.url + "balise/admin/people")
    with unchanged(server):
        page = s.get(server.url + f"balise/person/{forged}")
        form = s.get(server.url + f"balise/admin/people/{forged}")
        end = s.post(server.url + f"balise/admin/people/{forged}/end", allow_redirects=False,
                     data={"_xsrf": s.cookies.get("_xsrf")})
    for r in (page, form, end):
        refused(r, 404)


@pytest.mark.parametrize("path", FORMS)
def test_a_form_without_its_xsrf_token_is_refused(server, path, elsewhere):
    """CSRF: the coordinator's browser posts a form made on another site (no token)."""
    s = server.session("coordinateur")
    with unchanged(server):
        bare = s.post(server.url + path, allow_redirects=False, data=form_data(elsewhere))
        forged = s.post(server.url + path, allow_redirects=False, data=form_data(elsewhere),
                        headers={"Origin": "https://evil.example",
                                 "Referer": "https://evil.example/"})
    for r in (bare, forged):
        refused(r, 403, 404)


def test_script_in_names_is_shown_as_text_everywhere(server, store):
    """Names typed into the forms with payloads: every page shows them as text."""
    s = server.session("coordinateur")
    s.get(server.url + "balise/admin/sites")
    uid = uuid.uuid4().hex[:6]
    site = s.post(server.url + "balise/admin/sites/new", allow_redirects=False, data={
        "name": f"{PAYLOADS[0]} {uid}", "address": PAYLOADS[1], "activities": ["logistics"],
        "_xsrf": s.cookies.get("_xsrf")})
    assert site.status_code == 303
    site_id = site.headers["Location"].split("/")[-1].split("?")[0]
    team = s.post(server.url + "balise/admin/teams/new", allow_redirects=False, data={
        "site_id": site_id, "name": PAYLOADS[2], "activity": "logistics",
        "_xsrf": s.cookies.get("_xsrf")})
    assert team.status_code == 303
    team_id = team.headers["Location"].split("/")[-1].split("?")[0]
    person = s.post(server.url + "balise/admin/people/new", allow_redirects=False, data={
        "name": f"{PAYLOADS[1]} {uid}", "role": "learner", "site_id": site_id,
        "team_id": team_id, "route": "logistics", "language": "fr",
        "placement_start": date.today().isoformat(), "_xsrf": s.cookies.get("_xsrf")})
    assert person.status_code == 303
    pid = person.headers["Location"].split("/")[-1].split("?")[0]
    for path in ("balise/admin/sites", f"balise/admin/sites/{site_id}", "balise/admin/teams",
                 f"balise/admin/teams/{team_id}", "balise/admin/people",
                 f"balise/admin/people/{pid}", f"balise/person/{pid}", "balise/trail",
                 f"balise/trail?person={pid}"):
        r = s.get(server.url + path)
        assert r.status_code == 200, path
        for payload in PAYLOADS:
            assert payload not in r.text, (path, payload)
        assert "&lt;script&gt;" in r.text or "&lt;img" in r.text or "&#34;&gt;&lt;svg" \
            in r.text or "&#34;&gt;" in r.text, path


def test_an_archived_learner_hands_in_nothing_from_a_page_she_had_open(server, store):
    """Her placement ended while her module page was open: its token, still signed and in
    time, saves no answer and submits nothing."""
    pid = admin.add_person(store, "test", {
        "name": f"Partie {uuid.uuid4().hex[:6]}", "role": "learner",
        "site_id": "lyon-logistique", "route": "logistics",
        "placement_start": date.today().isoformat()}, ROUTES)
    held = token(server, pid, "postures")
    admin.end_placement(store, "test", pid)
    with unchanged(server):
        answer = api(server, "balise/api/answer", held, {"module": "postures", "item": "s1",
                                                         "answer": "b"})
        handed = api(server, "balise/api/submit", held, submission(learner=pid))
    for r in (answer, handed):
        refused(r, 403)
