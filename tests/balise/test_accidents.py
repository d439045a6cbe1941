"""Accidents and their cause trees (issue 20, item 1) on a running server: recorded and
listed, each refusal with nothing written, another site's accident out of reach, a
loop in the tree refused, the tree drawn with its text version, the follow-up in the
trail, and the 48 hours of the declaration (Code de la sécurité sociale, art. R441-3).

Each test records its own accident on the demo's Lyon site (the demo trainer's),
through the form or :mod:`balise.store.accidents`, so it depends on no other test.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from balise.passwords import hash_password
from balise.store import accidents, admin
from balise.store.models import TrailEntry
from balise.store.programme import Accident
from balise.store.records import Action, CauseFact, CauseLink

pytestmark = pytest.mark.slow
LYON, MARSEILLE = "lyon-logistique", "marseille-chantiers"


@pytest.fixture(scope="module")
def other_trainer(server, store):
    """A trainer of Marseille, who signs in: Lyon's accidents are not hers."""
    uid = uuid.uuid4().hex[:6]
    pid = admin.add_person(store, "test", {"name": f"Formatrice Marseille {uid}",
                                           "role": "trainer", "site_id": MARSEILLE}, {},
                           password_hash=hash_password(f"demo-m-{uid}"))
    return server.session(pid, f"demo-m-{uid}")


def count(store, model, *where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def form(what: str, **changes) -> dict:
    values = {"site_id": LYON, "on": (date.today() - timedelta(days=1)).isoformat(),
              "at": "14:05", "team_id": "lyon-quai", "activity": "logistics",
              "person_id": "amina", "what_happened": what,
              "first_aid": "Pansement, main lavée.", "lost_time": "yes", "days_lost": "2",
              "declared_on": "", "module_id": ""}
    return {**values, **changes}


def post(server, s, path, data):
    return s.post(server.url + path, data={**data, "_xsrf": s.cookies.get("_xsrf")},
                  allow_redirects=False)


def recorded(store, what: str, **changes) -> int:
    return accidents.record_accident(store, "formatrice", form(what, **changes),
                                     own_site=LYON)


def test_a_recorded_accident_appears_in_the_list_and_on_its_page(server, store):
    s, what = server.session("formatrice"), f"Coupure au cutter {uuid.uuid4().hex[:6]}"
    key = uuid.uuid4().hex
    first = post(server, s, "balise/accidents/new", {**form(what), "form_key": key})
    assert first.status_code == 303, text_of(first.text)[-800:]
    again = post(server, s, "balise/accidents/new", {**form(what), "form_key": key})
    assert again.headers["Location"] == first.headers["Location"]     # a double submit
    assert count(store, Accident, Accident.what_happened == what) == 1
    page = s.get(server.url + first.headers["Location"].lstrip("/"))
    shown = text_of(page.text)
    assert what in shown and "Amina Diallo" in shown and "Quai de chargement" in shown
    assert "Déclaration : à envoyer avant le" in shown and "art. R441-3" in shown
    assert "INRS ED 6163" in shown
    listed = text_of(s.get(server.url + "balise/accidents").text)
    assert what in listed and "À déclarer avant le" in listed
    month = (date.today() - timedelta(days=1)).strftime("%Y-%m")
    assert what in text_of(s.get(server.url + f"balise/accidents?month={month}").text)
    boss = server.session("coordinateur")
    assert what in text_of(boss.get(server.url + f"balise/accidents?site={LYON}").text)
    assert what not in text_of(boss.get(server.url + f"balise/accidents?site={MARSEILLE}").text)
    with store.session() as db:
        aid = db.scalar(select(Accident.id).where(Accident.what_happened == what))
        line = db.scalars(select(TrailEntry).where(TrailEntry.kind == "accident.add",
                                                   TrailEntry.site_id == LYON)
                          .order_by(TrailEntry.id.desc())).first()
    assert json.loads(line.changes)["id"] == [None, aid] and line.actor_id == "formatrice"


REFUSALS = [
    ({"on": (date.today() + timedelta(days=1)).isoformat()}, "on", "dans le futur"),
    ({"at": "25:00"}, "at", "heures:minutes"),
    ({"at": "2pm"}, "at", "heures:minutes"),
    ({"site_id": "no-such-site"}, "site_id", "Choisissez un site"),
    ({"team_id": "marseille-nord"}, "team_id", "équipe de ce site"),
    ({"person_id": "no-such-person"}, "person_id", "personne de ce site"),
    ({"what_happened": ""}, "what_happened", "Écrivez-le"),
    ({"lost_time": ""}, "lost_time", "arrêt de travail"),
    ({"days_lost": "400"}, "days_lost", "nombre entier"),
    ({"days_lost": "2.5"}, "days_lost", "nombre entier"),
    ({"lost_time": "no", "days_lost": "3"}, "days_lost", "seulement pour un accident avec arrêt"),
    ({"declared_on": (date.today() - timedelta(days=5)).isoformat()}, "declared_on",
     "avant l'accident"),
    ({"module_id": "no-such-module"}, "module_id", "module de la liste"),
]


def test_each_refusal_says_its_field_and_writes_nothing(server, store):
    s = server.session("formatrice")
    accidents_before, trail_before = count(store, Accident), count(store, TrailEntry)
    for changes, field, said in REFUSALS:
        r = post(server, s, "balise/accidents/new", form("Chute sur le quai", **changes))
        assert r.status_code == 400, (changes, r.status_code)
        assert f'id="{field}-error"' in r.text and said in text_of(r.text), (changes, field)
    assert count(store, Accident) == accidents_before
    assert count(store, TrailEntry) == trail_before


def test_another_sites_trainer_and_a_learner_reach_nothing(server, store, other_trainer):
    aid = recorded(store, "Entorse en descendant du quai")
    facts_before, trail_before = count(store, CauseFact), count(store, TrailEntry)
    page = f"balise/accidents/{aid}"
    assert other_trainer.get(server.url + page).status_code == 404
    assert "Entorse en descendant" not in other_trainer.get(server.url + "balise/accidents").text
    for data in ({"do": "follow-up", "lost_time": "yes", "days_lost": "9"},
                 {"do": "add-fact", "kind": "injury", "text": "Entorse de la cheville"}):
        assert post(server, other_trainer, page, data).status_code == 404
    assert post(server, other_trainer, "balise/accidents/new",
                form("Sur un autre site")).status_code == 403
    learner = server.session("amina")
    for path in ("balise/accidents", page, "balise/accidents/new"):
        assert learner.get(server.url + path).status_code == 403
    assert post(server, learner, page, {"do": "add-fact", "kind": "injury",
                                        "text": "Entorse"}).status_code == 403
    assert count(store, CauseFact) == facts_before
    assert count(store, TrailEntry) == trail_before
    with store.session() as db:
        assert db.get(Accident, aid).days_lost == 2
    # The store refuses the same, whoever calls it.
    with pytest.raises(admin.NotFound):
        accidents.add_fact(store, "x", aid, {"kind": "who", "text": "Seule"},
                           own_site=MARSEILLE)
    with pytest.raises(admin.Invalid) as refused:
        accidents.record_accident(store, "x", form("Ailleurs"), own_site=MARSEILLE)
    assert set(refused.value.errors) >= {"site_id"}


def test_a_link_that_would_loop_or_link_a_fact_to_itself_is_refused(server, store):
    aid = recorded(store, "Choc contre un chariot")
    injury = accidents.add_fact(store, "formatrice", aid, {"kind": "injury",
                                                           "text": "Bleu à la hanche"})
    task = accidents.add_fact(store, "formatrice", aid, {"kind": "task", "text": "Recule vite",
                                                         "effect_id": injury})
    who = accidents.add_fact(store, "formatrice", aid, {"kind": "who", "text": "Ne voit pas",
                                                        "effect_id": task})
    links_before, trail_before = count(store, CauseLink), count(store, TrailEntry)
    for effect, cause, said in ((who, injury, "boucle"), (task, task, "propre cause")):
        with pytest.raises(admin.Invalid) as refused:
            accidents.link(store, "formatrice", aid, effect, cause)
        assert said in refused.value.errors["cause_id"]["fr"]
    s = server.session("formatrice")
    r = post(server, s, f"balise/accidents/{aid}", {"do": "link", "effect_id": who,
                                                     "cause_id": injury})
    assert r.status_code == 400 and "boucle" in text_of(r.text)
    assert count(store, CauseLink) == links_before
    assert count(store, TrailEntry) == trail_before
    # A link across the tree that makes no loop is kept; posting it again adds nothing.
    assert accidents.link(store, "formatrice", aid, injury, who)
    assert not accidents.link(store, "formatrice", aid, injury, who)


def test_the_tree_is_drawn_with_a_title_and_its_text_version_lists_every_fact(server, store):
    aid = recorded(store, "Coupure en ouvrant un carton")
    texts = ["Coupure profonde à la main", "Ouvre les cartons au cutter",
             "Cutter sans lame rétractable", "Arrivée depuis trois jours",
             "Carton posé par terre"]
    ids: list[int] = []
    for text, kind, effect in zip(texts, ("injury", "task", "equipment", "who", "environment"),
                                  (None, 0, 1, 2, 0)):
        ids.append(accidents.add_fact(store, "formatrice", aid, {
            "kind": kind, "text": text, "effect_id": ids[effect] if effect is not None else ""}))
    with store.session() as db:                 # an action already started from one cause
        db.add(Action(site_id=LYON, source="cause", source_id=ids[2], owner_id="formatrice",
                      text="Cutters à lame rétractable au poste", due_on=date.today(),
                      created_by="formatrice"))
    page = server.session("formatrice").get(server.url + f"balise/accidents/{aid}").text
    card = re.search(rf'<li id="fact-{ids[2]}">.*?</li>', page, re.S).group(0)
    assert "Actions lancées" in card and "Cutters à lame rétractable au poste" in card
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="tree-title tree-desc"' in svg
    assert re.search(r'<title id="tree-title">Arbre des causes : 5 faits', svg)
    version = re.search(r'<ul class="because" id="tree-text">.*?</ul>\s*\n\s*<h3>', page,
                        re.S).group(0)
    assert all(html.escape(t, quote=False) in version for t in texts)
    assert "parce que" in version
    for fid in ids[1:]:                      # each cause can start an action
        assert f"source=cause&amp;source_id={fid}&amp;site={LYON}" in page
    assert f"source_id={ids[0]}&amp;" not in page           # the injury is not a cause


def test_removing_a_link_or_a_fact_keeps_the_rest_and_writes_the_trail(server, store):
    aid = recorded(store, "Doigt pincé dans une porte de quai")
    injury = accidents.add_fact(store, "formatrice", aid, {"kind": "injury",
                                                           "text": "Doigt pincé"})
    door = accidents.add_fact(store, "formatrice", aid, {"kind": "equipment",
                                                         "text": "Porte sans butée",
                                                         "effect_id": injury})
    hurry = accidents.add_fact(store, "formatrice", aid, {"kind": "task", "text": "Pressée",
                                                          "effect_id": injury})
    s, page = server.session("formatrice"), f"balise/accidents/{aid}"
    r = post(server, s, page, {"do": "unlink", "effect_id": injury, "cause_id": hurry})
    assert r.status_code == 303 and "said=unlinked" in r.headers["Location"]
    r = post(server, s, page, {"do": "remove-fact", "fact_id": door})
    assert r.status_code == 303 and "said=removed" in r.headers["Location"]
    assert count(store, CauseLink, CauseLink.effect_id == injury) == 0
    assert count(store, CauseFact, CauseFact.accident_id == aid) == 2
    with store.session() as db:
        kinds = list(db.scalars(select(TrailEntry.kind).where(
            TrailEntry.kind.like("cause.%")).order_by(TrailEntry.id.desc()).limit(2)))
    assert kinds == ["cause.remove", "cause.unlink"]
    # Again: already gone, nothing more written.
    trail_before = count(store, TrailEntry)
    r = post(server, s, page, {"do": "remove-fact", "fact_id": door})
    assert "said=gone" in r.headers["Location"] and count(store, TrailEntry) == trail_before


def test_a_script_written_in_a_fact_is_shown_as_text(server, store):
    aid = recorded(store, "<script>alert('quoi')</script> chute")
    accidents.add_fact(store, "formatrice", aid, {"kind": "injury",
                                                  "text": "<img src=x onerror=alert(1)> bras"})
    page = server.session("formatrice").get(server.url + f"balise/accidents/{aid}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt; bras" in page


def test_days_lost_as_they_come_and_the_declaration_write_a_trail_line(server, store):
    aid = recorded(store, "Lombalgie en portant un colis")
    s = server.session("formatrice")
    sent = date.today().isoformat()
    r = post(server, s, f"balise/accidents/{aid}", {"do": "follow-up", "lost_time": "yes",
                                                     "days_lost": "5", "declared_on": sent})
    assert r.status_code == 303
    with store.session() as db:
        line = db.scalars(select(TrailEntry).where(TrailEntry.kind == "accident.edit")
                          .order_by(TrailEntry.id.desc())).first()
        assert db.get(Accident, aid).days_lost == 5
    changes = json.loads(line.changes)
    assert changes["days_lost"] == [2, 5] and changes["declared_on"] == [None, sent]
    shown = text_of(s.get(server.url + f"balise/accidents/{aid}").text)
    assert "Déclaration envoyée le" in shown and "à envoyer avant" not in shown
    trail_before = count(store, TrailEntry)
    again = post(server, s, f"balise/accidents/{aid}", {"do": "follow-up", "lost_time": "yes",
                                                         "days_lost": "5", "declared_on": sent})
    assert again.status_code == 303 and "said=unchanged" in again.headers["Location"]
    assert count(store, TrailEntry) == trail_before


def test_the_48_hours_do_not_count_sundays_and_public_holidays():
    friday = date(2026, 12, 4)
    assert accidents.declaration_due(friday, "14:05") == datetime(2026, 12, 7, 14, 5)
    assert accidents.declaration_due(date(2026, 12, 2), "09:30") == datetime(2026, 12, 4, 9, 30)
    # Christmas Eve, a Thursday: Christmas and the Sunday are not counted.
    assert accidents.declaration_due(date(2026, 12, 24), "10:00") == datetime(2026, 12, 28, 10)
    # Easter Monday 2027 is 29 March; Ascension 6 May; Whit Monday 17 May.
    holidays = accidents.public_holidays(2027)
    assert {date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)} <= holidays


@pytest.mark.browser
def test_the_accident_page_with_a_five_fact_tree_on_a_360_px_phone(server, store, browser):
    from a11y import assert_phone_page

    aid = recorded(store, "Chute de plain-pied dans l'allée B, en portant un carton de 12 kg")
    ids: list[int] = []
    for text, kind, effect in (
            ("Poignet gauche tordu en tombant", "injury", None),
            ("Porte un carton qui cache ses pieds", "task", 0),
            ("Film plastique au sol dans l'allée B", "environment", 1),
            ("Pas de poubelle près du poste de filmage", "equipment", 2),
            ("Première semaine sur ce poste", "who", 1)):
        ids.append(accidents.add_fact(store, "formatrice", aid, {
            "kind": kind, "text": text, "effect_id": ids[effect] if effect is not None else ""}))
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(server.url + "login")
        page.fill("#username", "formatrice")
        page.fill("#password", "demo-formatrice")
        page.click("#sign-in")
        page.wait_for_url(re.compile(r"/balise/"))
        page.goto(server.url + f"balise/accidents/{aid}")
        assert_phone_page(page, "accident page with its cause tree")
        assert page.locator("#tree-text li").count() == 5
        box = page.locator("#tree-drawing svg").bounding_box()
        assert box["width"] <= 344
    finally:
        context.close()
