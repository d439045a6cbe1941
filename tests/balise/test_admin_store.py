"""The store functions the administration pages call: checks per field, nothing written on a
refusal, one line of the trail per change, the same form posted twice adds once, and the
migration that carries existing sites, teams and people over."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from shared import store_at
from sqlalchemy import func, select

from balise.progress import current, site_certification
from balise.progress.indicators import certification_shares
from balise.store import admin
from balise.store.models import Person, Site, Store, TrailEntry
from balise.store.programme import Team

ROUTES = {"logistics": ["logistics"], "construction": ["construction"]}
START = date(2026, 9, 1)


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    yield store
    store.dispose()


def lyon(store) -> str:
    return admin.add_site(store, "coord", {"name": "Lyon — entrepôt", "address": "1 rue A",
                                           "activities": ["logistics", "transport"]})


def learner(store, site, **more) -> str:
    return admin.add_person(store, "coord", {
        "name": "Aïcha Diallo", "role": "learner", "site_id": site, "route": "logistics",
        "placement_start": START.isoformat(), **more}, ROUTES)


def rows(store, model=TrailEntry) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_site_is_added_with_its_activities_and_the_trail_says_so(store):
    sid = lyon(store)
    assert sid == "lyon-entrepot"
    with store.session() as s:
        site = s.get(Site, sid)
        assert site.activity_list == ["logistics", "transport"] and site.address == "1 rue A"
    (entry,) = admin.trail(store)
    assert (entry.actor_id, entry.kind, entry.site_id) == ("coord", "site.add", sid)
    assert json.loads(entry.changes)["name"] == [None, "Lyon — entrepôt"]


def test_each_bad_field_says_what_to_fix_and_nothing_is_written(store):
    with pytest.raises(admin.Invalid) as refused:
        admin.add_site(store, "coord", {"name": " x ", "activities": ["cooking"],
                                        "address": "a" * 400})
    assert set(refused.value.errors) == {"name", "activities", "address"}
    assert refused.value.errors["name"]["fr"].startswith("Écrivez le nom")
    assert refused.value.errors["name"]["en"].startswith("Write the name")
    assert rows(store, Site) == 0 and rows(store) == 0


def test_a_person_is_checked_field_by_field(store):
    site = lyon(store)
    other = admin.add_site(store, "coord", {"name": "Lille", "activities": ["construction"]})
    team = admin.add_team(store, "coord", {"site_id": other, "name": "Nord",
                                           "activity": "construction"})
    before = rows(store)
    with pytest.raises(admin.Invalid) as refused:
        admin.add_person(store, "coord", {
            "name": "A", "role": "boss", "site_id": site, "team_id": team, "route": "cooking",
            "language": "xx", "placement_start": "31/02/2026", "placement_end": "2026-01-01",
            "trainer_id": "nobody"}, ROUTES)
    assert set(refused.value.errors) == {"name", "role", "team_id", "route", "language",
                                         "placement_start", "trainer_id"}
    with pytest.raises(admin.Invalid) as refused:
        admin.add_person(store, "coord", {"name": "Awa Sow", "role": "learner",
                                          "site_id": site, "route": "logistics",
                                          "placement_start": "2026-09-01",
                                          "placement_end": "2026-08-01"}, ROUTES)
    assert set(refused.value.errors) == {"placement_end"}
    with pytest.raises(admin.Invalid) as refused:
        admin.add_person(store, "coord", {"name": "Awa Sow", "role": "learner"}, ROUTES)
    assert set(refused.value.errors) == {"site_id", "route", "placement_start"}
    assert rows(store) == before and rows(store, Person) == 0


def test_a_person_added_gets_a_unique_id_no_password_and_a_trail_line(store):
    site = lyon(store)
    first, second = learner(store, site), learner(store, site)
    assert (first, second) == ("aicha-diallo", "aicha-diallo-2")
    person = store.person(first)
    assert person.activity == "logistics" and person.password_hash == admin.NO_PASSWORD
    assert person.placement_start == START and not person.archived
    kinds = [e.kind for e in admin.trail(store, person_id=first)]
    assert kinds == ["person.add"]


def test_the_same_form_posted_twice_adds_once(store):
    site = lyon(store)
    key = "k" * 32
    values = {"name": "Omar Kaya", "role": "learner", "site_id": site, "route": "logistics",
              "placement_start": "2026-09-01"}
    first = admin.add_person(store, "coord", values, ROUTES, form_key=key)
    again = admin.add_person(store, "coord", values, ROUTES, form_key=key)
    assert first == again == "omar-kaya" and rows(store, Person) == 1
    team_key = "t" * 32
    assert admin.add_team(store, "coord", {"site_id": site, "name": "Quai",
                                           "activity": "logistics"}, form_key=team_key) == \
        admin.add_team(store, "coord", {"site_id": site, "name": "Quai",
                                        "activity": "logistics"}, form_key=team_key)
    assert rows(store, Team) == 1


def test_an_edit_writes_what_changed_and_nothing_when_nothing_did(store):
    site = lyon(store)
    pid = learner(store, site)
    trainer = admin.add_person(store, "coord", {"name": "Nadia Benali", "role": "trainer",
                                                "site_id": site}, ROUTES)
    values = {**admin.person_row(store.person(pid), ROUTES), "trainer_id": trainer,
              "language": "en"}
    changed = admin.edit_person(store, "coord", pid, values, ROUTES)
    assert changed == {"trainer_id": [None, trainer], "language": ["fr", "en"]}
    assert admin.edit_person(store, "coord", pid, values, ROUTES) == {}
    assert [e.kind for e in admin.trail(store, person_id=pid)] == ["person.edit", "person.add"]


def test_a_trainer_of_another_site_or_a_learner_is_no_trainer(store):
    site = lyon(store)
    other = admin.add_site(store, "coord", {"name": "Lille", "activities": ["logistics"]})
    far = admin.add_person(store, "coord", {"name": "Julie Lambert", "role": "trainer",
                                            "site_id": other}, ROUTES)
    pupil = learner(store, site)
    for trainer in (far, pupil):
        with pytest.raises(admin.Invalid) as refused:
            admin.add_team(store, "coord", {"site_id": site, "name": "Quai",
                                            "activity": "logistics", "trainer_id": trainer})
        assert set(refused.value.errors) == {"trainer_id"}


def test_a_team_works_in_an_activity_of_its_site_and_a_site_keeps_its_teams_activities(store):
    site = lyon(store)
    with pytest.raises(admin.Invalid) as refused:
        admin.add_team(store, "coord", {"site_id": site, "name": "Chantier",
                                        "activity": "construction"})
    assert set(refused.value.errors) == {"activity"}
    admin.add_team(store, "coord", {"site_id": site, "name": "Vélos", "activity": "transport"})
    with pytest.raises(admin.Invalid) as refused:
        admin.edit_site(store, "coord", site, {"name": "Lyon — entrepôt",
                                               "activities": ["logistics"]})
    assert set(refused.value.errors) == {"activities"}


def test_ending_a_placement_archives_her_and_bringing_her_back_undoes_it(store):
    site = lyon(store)
    pid = learner(store, site)
    assert admin.end_placement(store, "coord", pid, date(2026, 12, 1)) is True
    assert admin.end_placement(store, "coord", pid) is False       # twice: the same result
    assert store.person(pid).archived and store.person(pid).ended_on == date(2026, 12, 1)
    assert admin.bring_back(store, "coord", pid) is True
    assert admin.bring_back(store, "coord", pid) is False
    assert not store.person(pid).archived
    kinds = [e.kind for e in admin.trail(store, person_id=pid)]
    assert kinds == ["person.back", "person.end", "person.add"]
    with pytest.raises(admin.Invalid):
        admin.end_placement(store, pid, pid)
    with pytest.raises(admin.NotFound):
        admin.end_placement(store, "coord", "nobody")


def test_nobody_changes_her_own_role(store):
    site = lyon(store)
    me = admin.add_person(store, "demo", {"name": "Marc Dubois", "role": "coordinator",
                                          "site_id": site}, ROUTES)
    with pytest.raises(admin.Invalid) as refused:
        admin.edit_person(store, me, me, {"name": "Marc Dubois", "role": "learner",
                                          "site_id": site, "route": "logistics",
                                          "placement_start": "2026-01-01"}, ROUTES)
    assert set(refused.value.errors) == {"role"}


def test_a_look_at_her_page_is_kept(store):
    site = lyon(store)
    pid = learner(store, site)
    admin.record_view(store, "formatrice", pid)
    entry = admin.trail(store, person_id=pid)[0]
    assert (entry.kind, entry.actor_id, entry.site_id) == ("person.view", "formatrice", site)


def test_archived_people_are_out_of_the_current_figures():
    today = date(2026, 12, 10)
    people = pd.DataFrame({
        "id": ["a", "b"], "role": ["learner", "learner"], "site_id": ["s", "s"],
        "activity": ["logistics", "logistics"], "placement_start": [START, START],
        "placement_end": [None, None], "ended_on": [None, today - timedelta(days=1)]})
    assert list(current(people).id) == ["a"]
    cert = pd.DataFrame({"learner": ["a", "b"], "route": ["logistics"] * 2,
                         "certified": [True, True], "valid_until": [date(2027, 6, 1)] * 2})
    shares = certification_shares(people, cert, "site", today)
    assert shares.learners.tolist() == [1] and shares.certified.tolist() == [1]
    status = pd.DataFrame({"learner": ["a", "b"], "module": ["culture"] * 2,
                           "status": ["passed"] * 2})
    summary = site_certification(people, pd.DataFrame({"id": ["s"], "name": ["S"]}), status,
                                 cert, today)
    assert summary.learners.tolist() == [1] and summary.certified.tolist() == [1]
    assert summary.modules_passed.tolist() == [1]


def test_the_migration_carries_sites_teams_and_trainers_over(tmp_path):
    """A store at revision 0003 with the demo's shape: after 0004, each site has its teams'
    activities, each team its site's trainer, each learner her team's trainer."""
    url = store_at(
        tmp_path / "old.db", "0003",
        "INSERT INTO sites (id, name) VALUES ('s1', 'Lyon'), ('s2', 'Lille')",
        "INSERT INTO teams (id, site_id, name, activity) VALUES "
        "('t1', 's1', 'Quai', 'logistics'), ('t2', 's1', 'Vélo', 'transport')",
        "INSERT INTO people (id, name, role, site_id, language, password_hash, team_id) "
        "VALUES ('z-trainer', 'Z', 'trainer', 's1', 'fr', '!', NULL), "
        "('a-trainer', 'A', 'trainer', 's1', 'fr', '!', NULL), "
        "('amina', 'Amina', 'learner', 's1', 'fr', '!', 't2'), "
        "('loin', 'Loin', 'learner', 's2', 'fr', '!', NULL)")
    store = Store(url)
    with store.session() as s:
        assert s.get(Site, "s1").activity_list == ["logistics", "transport"]
        assert s.get(Site, "s2").activity_list == [] and s.get(Site, "s2").address == ""
        assert s.get(Team, "t2").trainer_id == "a-trainer"
        assert s.get(Person, "amina").trainer_id == "a-trainer"
        assert s.get(Person, "loin").trainer_id is None
        assert s.get(Person, "amina").ended_on is None
    store.dispose()


@pytest.mark.slow
def test_the_administration_works_the_same_on_postgresql(postgres):
    """Migration 0004 and the store functions on PostgreSQL: a site, a team, a person, an end,
    and a form posted twice adding once."""
    store = Store(postgres.create_db("admin_store"))
    try:
        site = lyon(store)
        team = admin.add_team(store, "coord", {"site_id": site, "name": "Quai",
                                               "activity": "logistics"})
        key = "p" * 32
        pid = learner(store, site, team_id=team)
        again = admin.add_person(store, "coord", {
            "name": "Omar Kaya", "role": "learner", "site_id": site, "route": "logistics",
            "placement_start": "2026-09-01"}, ROUTES, form_key=key)
        assert admin.add_person(store, "coord", {"name": "Omar Kaya", "role": "learner",
                                                 "site_id": site, "route": "logistics",
                                                 "placement_start": "2026-09-01"},
                                ROUTES, form_key=key) == again
        assert admin.end_placement(store, "coord", pid) and store.person(pid).archived
        assert [e.kind for e in admin.trail(store)] == [
            "person.end", "person.add", "person.add", "team.add", "site.add"]
    finally:
        store.dispose()
