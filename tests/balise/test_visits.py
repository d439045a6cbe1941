"""Behavioural safety visits from a phone: the grid, what follows (a module for the team,
an action, nothing), and the refusals, each with nothing written.

Each test makes its own team of learners on the trainer's site (ids unique to the test)
in the running server's store, so it depends neither on the demo data nor on another test.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from balise.progress import refreshers as rules
from balise.progress.indicators import safety_visits
from balise.store.models import Person, TrailEntry
from balise.store.programme import SafetyVisit, Team
from balise.store.records import VisitMark

TODAY = date.today()


def make_team(store, members=3) -> tuple[str, list[str]]:
    """A team of learners on the trainer's site: (team id, learner ids)."""
    uid = uuid.uuid4().hex[:8]
    with store.session() as s:
        s.add(Team(id=f"team-{uid}", site_id="lyon-logistique", name=f"Équipe {uid}",
                   activity="logistics"))
        s.flush()
        ids = [f"v-{uid}-{n}" for n in range(members)]
        for n, pid in enumerate(ids):
            s.add(Person(id=pid, name=f"Personne {uid} {n}", role="learner",
                         site_id="lyon-logistique", team_id=f"team-{uid}",
                         activity="logistics", password_hash="!",
                         placement_start=TODAY - timedelta(days=30)))
    return f"team-{uid}", ids


def form_of(s, server) -> dict:
    page = s.get(server.url + "balise/visits/new")
    assert page.status_code == 200, page.text[:300]
    key = re.search(r'name="form_key" value="([^"]+)"', page.text).group(1)
    return {"_xsrf": s.cookies.get("_xsrf"), "form_key": key}


def visit(team, **fields) -> dict:
    """A visit as a trainer fills it in: two themes at risk, two safe, two not seen."""
    return {"team": team, "on": TODAY.isoformat(), "visitor": "formatrice", "talked": "yes",
            "mark-ppe": "safe", "mark-traffic": "risk",
            "note-traffic": "Palette dans l'allée", "mark-postures": "risk",
            "note-postures": "Carton soulevé dos rond", "mark-tools": "safe",
            "follow_up": "none", **fields}


def post(s, server, data, form=None):
    return s.post(server.url + "balise/visits/new", allow_redirects=False,
                  data={**(form or form_of(s, server)), **data})


def written(store, team) -> tuple[int, int, int]:
    """(visits of the team, their marks, trail lines of visits)."""
    with store.session() as s:
        ids = list(s.scalars(select(SafetyVisit.id).where(SafetyVisit.team_id == team)))
        return (len(ids), s.scalar(select(func.count()).select_from(VisitMark).where(
                    VisitMark.visit_id.in_(ids))),
                s.scalar(select(func.count()).select_from(TrailEntry).where(
                    TrailEntry.kind == "visit.add")))


def test_a_visit_with_a_module_sends_the_refresher_to_the_team(server, store, trainer):
    team, learners = make_team(store)
    r = post(trainer, server, visit(team, follow_up="module", module="postures"))
    assert r.status_code == 303 and "/balise/visits?" in r.headers["Location"]
    with store.session() as s:
        row = s.scalars(select(SafetyVisit).where(SafetyVisit.team_id == team)).one()
        marks = {m.theme: (m.safe, m.note) for m in s.scalars(
            select(VisitMark).where(VisitMark.visit_id == row.id))}
    assert (row.site_id, row.visitor_id, row.talked, row.follow_up, row.module_id) == (
        "lyon-logistique", "formatrice", True, "module", "postures")
    assert marks == {"ppe": (True, ""), "traffic": (False, "Palette dans l'allée"),
                     "postures": (False, "Carton soulevé dos rond"), "tools": (True, "")}
    # The finding sums up what was at risk, as the dashboard and the monthly review read it.
    assert row.finding == ("Gestes et postures : Carton soulevé dos rond ; "
                           "Circulation : Palette dans l'allée")
    # The existing rule sends the module to every learner of the team, as for any visit.
    sent = rules.from_events(store.frame(Person), store.frame(SafetyVisit), "visit")
    sent = sent[sent.learner.isin(learners)]
    assert sorted(sent.learner) == sorted(learners) and set(sent.module) == {"postures"}
    # And the dashboard counts it, with a module.
    month = TODAY.strftime("%Y-%m")
    counted = safety_visits(store.frame(SafetyVisit, SafetyVisit.team_id == team), [month])
    assert (int(counted.visits.sum()), int(counted.with_module.sum())) == (1, 1)


def test_the_visits_list_shows_the_grid_of_her_site(server, store, trainer):
    team, _ = make_team(store, members=1)
    note = f"Cutter sans protection {uuid.uuid4().hex[:6]}"
    post(trainer, server, visit(team, **{"mark-tools": "risk", "note-tools": note}))
    page = html.unescape(trainer.get(server.url + "balise/visits").text)
    assert note in page and "Circulation" in page and "À risque" in page
    other = server.session("coordinateur").get(
        server.url + "balise/visits?site=marseille-chantiers").text
    assert note not in html.unescape(other)


def test_a_visit_with_an_action_goes_on_to_the_action_form(server, store, trainer):
    team, _ = make_team(store, members=1)
    r = post(trainer, server, visit(team, follow_up="action"))
    assert r.status_code == 303
    where = urlparse(r.headers["Location"])
    asked = {k: v[0] for k, v in parse_qs(where.query).items()}
    with store.session() as s:
        row = s.scalars(select(SafetyVisit).where(SafetyVisit.team_id == team)).one()
    assert where.path.endswith("/balise/actions/new")
    assert asked["source"] == "visit" and asked["source_id"] == str(row.id)
    assert asked["site"] == "lyon-logistique" and asked["text"] == row.finding
    assert asked["next"].startswith("/balise/visits")
    assert row.module_id is None and row.follow_up == "action"


def test_a_double_post_records_one_visit(server, store, trainer):
    team, _ = make_team(store, members=1)
    form = form_of(trainer, server)
    for _ in range(2):
        assert post(trainer, server, visit(team), form).status_code == 303
    assert written(store, team)[:2] == (1, 4)


@pytest.mark.parametrize("change, field", [
    ({"note-traffic": ""}, "note-traffic"),                 # at risk, nothing said
    ({"mark-ppe": "", "mark-traffic": "", "mark-postures": "", "mark-tools": ""}, "marks"),
    ({"follow_up": "module", "module": "no-such-module"}, "module"),
    ({"follow_up": "later"}, "follow_up"),
    ({"on": (TODAY + timedelta(days=1)).isoformat()}, "on"),
    ({"visitor": "amina"}, "visitor"),                      # a learner is not a visitor
    ({"team": "no-such-team"}, "team"),
], ids=["risk-without-note", "no-mark", "unknown-module", "bad-follow-up", "tomorrow",
        "learner-visitor", "unknown-team"])
def test_a_refused_visit_writes_nothing(server, store, trainer, change, field):
    team, _ = make_team(store, members=1)
    before = written(store, team)
    r = post(trainer, server, {**visit(team), **change})
    assert r.status_code == 400
    assert f'id="error-{field}"' in r.text
    assert "Carton soulevé" in html.unescape(r.text)      # the form as posted
    assert written(store, team) == before


def test_another_sites_team_is_refused_and_learners_cannot_record(server, store, trainer):
    with store.session() as s:
        other = s.scalars(select(Team).where(Team.site_id != "lyon-logistique")).first()
    before = written(store, other.id)
    r = post(trainer, server, visit(other.id))
    assert r.status_code == 400 and 'id="error-team"' in r.text
    assert written(store, other.id) == before
    amina = server.session("amina")
    assert amina.get(server.url + "balise/visits/new").status_code == 403
    assert amina.get(server.url + "balise/visits").status_code == 403
    r = amina.post(server.url + "balise/visits/new", allow_redirects=False,
                   data={"_xsrf": amina.cookies.get("_xsrf"), **visit(other.id)})
    assert r.status_code == 403 and written(store, other.id) == before
    r = trainer.post(server.url + "balise/visits/new", allow_redirects=False,
                     data=visit(other.id))                               # no XSRF
    assert r.status_code == 403 and written(store, other.id) == before
