"""The administration pages on a running server: forms that add, refuse plainly field by
field and write nothing, add once when posted twice, end and resume a placement (and with
it, sign-in), a page per person whose every opening is in the trail, the trail by person.

Each test adds its own site, team and people (ids unique to the test) through the forms
or :mod:`balise.store.admin`, so it depends neither on the demo data nor on another test.
"""

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from balise.passwords import hash_password
from balise.store import admin
from balise.store.models import Person, Site, TrailEntry
from balise.store.programme import Team

pytestmark = pytest.mark.slow
ROUTES = {"logistics": ["logistics"]}


def post(server, s, path, data, xsrf=True):
    body = {**data, "_xsrf": s.cookies.get("_xsrf")} if xsrf else data
    return s.post(server.url + path, data=body, allow_redirects=False)


def count(store, model, *where):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def learner_of(store, site="lyon-logistique", password=None, name=None) -> str:
    """A learner of ``site`` (the demo trainer's unless given), with a password if given."""
    uid = uuid.uuid4().hex[:6]
    return admin.add_person(store, "test", {
        "name": name or f"Test Apprenante {uid}", "role": "learner", "site_id": site,
        "route": "logistics", "placement_start": date.today() - timedelta(days=20)},
        ROUTES, password_hash=hash_password(password) if password else admin.NO_PASSWORD)


def test_a_coordinator_adds_a_site_and_posting_the_form_twice_adds_it_once(server, store):
    s = server.session("coordinateur")
    form = s.get(server.url + "balise/admin/sites/new")
    assert form.status_code == 200
    key = re.search(r'name="form_key" value="([^"]+)"', form.text).group(1)
    name = f"Nantes {uuid.uuid4().hex[:6]}"
    data = {"name": name, "address": "2 quai de la Fosse, 44000 Nantes",
            "activities": ["logistics", "digital"], "form_key": key}
    first, again = (post(server, s, "balise/admin/sites/new", data) for _ in range(2))
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(store, Site, Site.name == name) == 1
    page = s.get(server.url + first.headers["Location"].lstrip("/"))
    assert "Enregistré" in page.text and name in html.unescape(page.text)
    with store.session() as db:
        site = db.scalars(select(Site).where(Site.name == name)).one()
        assert site.activity_list == ["logistics", "digital"]
        kinds = db.scalars(select(TrailEntry.kind).where(TrailEntry.site_id == site.id)).all()
    assert kinds == ["site.add"]


def test_a_refused_form_says_what_to_fix_per_field_and_writes_nothing(server, store):
    s = server.session("coordinateur")
    before = (count(store, Person), count(store, TrailEntry))
    r = post(server, s, "balise/admin/people/new", {
        "name": "", "role": "learner", "site_id": "lyon-logistique", "route": "",
        "language": "fr", "placement_start": "31/02/2026", "placement_end": "",
        "trainer_id": "yusuf"})
    assert r.status_code == 400
    shown = text_of(r.text)
    for fr, en in [("Écrivez le nom", "Write the name"),
                   ("Choisissez un parcours métier", "Choose a job route"),
                   ("Écrivez une date", "Write a date"),
                   ("Choisissez un formateur ou une formatrice de ce site",
                    "Choose a trainer of this site")]:
        assert fr in shown and en in shown, fr
        assert shown.index(fr) < shown.index(en)               # French first
    assert 'aria-invalid="true"' in r.text and 'aria-describedby="name-hint name-error"' in r.text
    assert "Rien n'est enregistré" in shown
    assert (count(store, Person), count(store, TrailEntry)) == before


def test_a_trainer_adds_a_learner_to_her_site_and_only_a_learner(server, store):
    s = server.session("formatrice")
    name = f"Awa Sow {uuid.uuid4().hex[:6]}"
    data = {"name": name, "role": "learner", "site_id": "lyon-logistique",
            "team_id": "lyon-quai", "route": "logistics", "language": "fr",
            "placement_start": date.today().isoformat(), "trainer_id": "formatrice"}
    r = post(server, s, "balise/admin/people/new", data)
    assert r.status_code == 303
    with store.session() as db:
        added = db.scalars(select(Person).where(Person.name == name)).one()
        assert (added.site_id, added.team_id, added.activity, added.trainer_id) == (
            "lyon-logistique", "lyon-quai", "logistics", "formatrice")
    before = count(store, Person)
    for changed in ({"role": "coordinator"}, {"role": "trainer"},
                    {"site_id": "marseille-chantiers"}):
        refused = post(server, s, "balise/admin/people/new",
                       {**data, "name": f"{name} bis", **changed})
        assert refused.status_code == 400
    assert count(store, Person) == before


def test_an_edit_saves_what_changed_and_a_second_post_changes_nothing(server, store):
    pid = learner_of(store)
    s = server.session("formatrice")
    values = {k: (v.isoformat() if isinstance(v, date) else v or "")
              for k, v in admin.person_row(store.person(pid), ROUTES).items()}
    values["language"] = "en"
    first = post(server, s, f"balise/admin/people/{pid}", values)
    again = post(server, s, f"balise/admin/people/{pid}", values)
    assert "said=saved" in first.headers["Location"]
    assert "said=unchanged" in again.headers["Location"]
    assert store.person(pid).language == "en"
    assert [e.kind for e in admin.trail(store, person_id=pid)] == ["person.edit", "person.add"]


def test_ending_a_placement_stops_her_sign_in_and_bringing_her_back_restores_it(server,
                                                                                 store):
    password = "pw-ended-placement"
    pid = learner_of(store, password=password)
    her = server.session(pid, password)
    assert her.get(server.url + "balise/learner").status_code == 200
    s = server.session("coordinateur")
    ended = [post(server, s, f"balise/admin/people/{pid}/end",
                  {"ended_on": date.today().isoformat()}) for _ in range(2)]
    assert [r.status_code for r in ended] == [303, 303]
    assert store.person(pid).ended_on == date.today()
    # Her open session ends, and she cannot sign in again.
    assert her.get(server.url + "balise/learner", allow_redirects=False).status_code == 302
    import requests
    refused = server.sign_in(requests.Session(), pid, password)
    assert refused.status_code == 401
    page = s.get(server.url + f"balise/admin/people/{pid}")
    assert "Contrat terminé le" in text_of(page.text) and 'id="bring-back"' in page.text
    listed = s.get(server.url + "balise/admin/people", params={"q": pid[-6:], "ended": "1"})
    assert store.person(pid).name in html.unescape(listed.text)
    current = s.get(server.url + "balise/admin/people", params={"q": store.person(pid).name})
    assert f"balise/person/{pid}" not in current.text
    assert post(server, s, f"balise/admin/people/{pid}/back", {}).status_code == 303
    assert store.person(pid).ended_on is None
    assert server.session(pid, password).get(server.url + "balise/learner").status_code == 200
    kinds = [e.kind for e in admin.trail(store, person_id=pid)]
    assert kinds[:2] == ["person.back", "person.end"] and kinds.count("person.end") == 1


def test_the_people_list_finds_a_person_by_name_without_accents(server, store):
    uid = uuid.uuid4().hex[:6]
    pid = learner_of(store, name=f"Aïcha Zéphyrin {uid}")
    page = server.session("formatrice").get(server.url + "balise/admin/people",
                                            params={"q": f"aicha zephyrin {uid}"})
    assert page.status_code == 200
    assert f"balise/person/{pid}" in page.text and "Personnes trouvées : 1" in text_of(page.text)


def test_her_page_shows_her_route_and_each_opening_is_in_the_trail(server, store):
    s = server.session("formatrice")
    before = count(store, TrailEntry, TrailEntry.person_id == "yusuf",
                   TrailEntry.kind == "person.view")
    page = s.get(server.url + "balise/person/yusuf")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Yusuf Haidari" in shown and "Parcours : Logistique" in shown
    assert re.search(r"\d of 6 modules", shown) and "Geste de levage correct observé" in shown
    assert re.search(r"par Nadia Benali, le \d{1,2}(er)? \w+ 20\d\d", shown)
    assert "Essais : 1" in shown and "Note" in shown
    assert count(store, TrailEntry, TrailEntry.person_id == "yusuf",
                 TrailEntry.kind == "person.view") == before + 1
    entry = admin.trail(store, person_id="yusuf")[0]
    assert (entry.kind, entry.actor_id) == ("person.view", "formatrice")
    trail = server.session("coordinateur").get(server.url + "balise/trail",
                                               params={"person": "yusuf"})
    assert "Page lue" in text_of(trail.text) and "par Nadia Benali" in text_of(trail.text)


def test_the_trail_finds_a_person_by_name_and_says_what_changed_in_words(server, store):
    pid = learner_of(store)
    admin.edit_person(store, "coordinateur", pid, {
        **admin.person_row(store.person(pid), ROUTES), "team_id": "lyon-quai",
        "placement_end": date(2027, 6, 30)}, ROUTES)
    name = store.person(pid).name
    page = server.session("coordinateur").get(server.url + "balise/trail", params={"q": name})
    shown = text_of(page.text)
    assert page.status_code == 200 and f"Journal : {name}" in shown
    assert "Équipe / Team : — → Quai de chargement" in shown
    assert "Fin prévue / Planned end : — → 30/06/2027" in shown
    assert "Personne modifiée" in shown and "par Marc Dubois" in shown


def test_a_coordinator_adds_a_team_with_a_trainer_of_its_site(server, store):
    s = server.session("coordinateur")
    name = f"Quai B {uuid.uuid4().hex[:6]}"
    r = post(server, s, "balise/admin/teams/new", {"site_id": "lyon-logistique", "name": name,
                                                   "activity": "logistics",
                                                   "trainer_id": "formatrice"})
    assert r.status_code == 303
    with store.session() as db:
        team = db.scalars(select(Team).where(Team.name == name)).one()
    assert (team.site_id, team.trainer_id) == ("lyon-logistique", "formatrice")
    refused = post(server, s, "balise/admin/teams/new", {
        "site_id": "lyon-logistique", "name": f"{name} 2", "activity": "construction",
        "trainer_id": "formateur-marseille"})
    assert refused.status_code == 400
    shown = text_of(refused.text)
    assert "Choisissez une activité de ce site" in shown
    assert "Choisissez un formateur ou une formatrice de ce site" in shown


def test_the_coordinators_detail_by_person_leads_to_the_people_and_each_to_her_page(server):
    s = server.session("coordinateur")
    home = s.get(server.url + "balise/coordinator")
    link = re.search(r'id="detail-by-person" href="([^"]+)"', home.text).group(1)
    assert link.endswith("balise/admin/people")
    people = s.get(server.url + link.lstrip("/"))
    # Every site's people, each name a link to her page: Lyon's, Marseille's and Lille's.
    for pid in ("yusuf", "p002", "p003", "p005"):
        assert f'href="/balise/person/{pid}"' in people.text, pid


def test_an_archived_learner_leaves_the_coordinators_figures(server, store):
    """The coordinator's table of routes by site counts the learners whose placement goes on."""
    uid = uuid.uuid4().hex[:6]
    site = admin.add_site(store, "test", {"name": f"Site des chiffres {uid}",
                                          "activities": ["logistics"]})
    first, second = (learner_of(store, site=site) for _ in range(2))
    s = server.session("coordinateur")

    def learners() -> int:
        page = text_of(s.get(server.url + "balise/coordinator").text)
        return int(re.search(rf"Site des chiffres {uid} (\d+)", page).group(1))

    assert learners() == 2
    admin.end_placement(store, "test", first)
    assert learners() == 1
    admin.bring_back(store, "test", first)
    assert learners() == 2 and second


def test_the_people_list_downloads_as_filtered(server, store):
    """The list a trainer sees (her site, the search typed) is the file she takes away,
    headed as an import reads it back."""
    import io

    import openpyxl

    s = server.session("formatrice")
    page = s.get(server.url + "balise/admin/people", params={"q": "diallo"}).text
    link = re.search(r'id="people-xlsx" href="([^"]+)"', page).group(1)
    assert "q=diallo" in html.unescape(link)
    r = s.get(server.url + html.unescape(link).lstrip("/"))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    names = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert names and all("diallo" in n.lower() for n in names)
    whole = s.get(server.url + "balise/admin/people", params={"format": "csv"}).content
    assert "Marseille".encode() not in whole                    # her site only
    assert s.get(server.url + "balise/admin/people",
                 params={"format": "pdf"}).status_code == 400
