"""Her landing page's "À faire maintenant" names an expired module of her route, and one
about to expire, even when no refresher was recorded for it (issue 17, item 2)."""

from datetime import date
from types import SimpleNamespace

from balise.progress.journey import RouteProgress
from balise.progress.routes import Route
from balise.web.pages import lapsing


def module(mid):
    return SimpleNamespace(id=mid, title={"fr": mid, "en": mid})


CATALOGUE = {m: module(m) for m in ("culture", "postures", "ppe", "fire")}
ROUTE = Route("logistics", {"fr": "Logistique", "en": "Logistics"}, [], list(CATALOGUE))


def journey(*states):
    rows = [{"module": m, "status": s, "percent": None, "passed_on": None,
             "expires_on": date(2026, 12, 3)} for m, s in zip(CATALOGUE, states)]
    return RouteProgress(ROUTE, rows, [], None)


def test_expired_first_then_expiring_the_others_not_said():
    due = lapsing(journey("passed", "expiring", "expired", "not_started"), [], CATALOGUE)
    assert [(d["module"].id, d["status"]) for d in due] == [("ppe", "expired"),
                                                            ("postures", "expiring")]
    assert due[0]["until"]["fr"] == "3 décembre 2026"


def test_a_module_a_refresher_already_names_is_said_once():
    refreshers = [{"id": 1, "reason": "expired", "module": CATALOGUE["ppe"]}]
    due = lapsing(journey("passed", "passed", "expired", "in_progress"), refreshers, CATALOGUE)
    assert due == []


def test_no_route_nothing_due():
    assert lapsing(None, [], CATALOGUE) == []


def test_the_landing_page_says_it_first_in_words():
    from pathlib import Path

    from jinja2 import Environment, FileSystemLoader

    import balise.web as web
    from balise.web.page_words import GLOBALS

    env = Environment(loader=FileSystemLoader(Path(web.__file__).parent / "templates"),
                      autoescape=True)
    env.globals.update(GLOBALS)
    for m in CATALOGUE.values():
        m.duration_minutes = 15
    state = {"status": "expired", "sign": "✘", "words": {"fr": "Expiré", "en": "Expired"},
             "when": None}
    journey_ = journey("expired", "passed", "passed", "passed")
    page = env.get_template("learner.html").render(
        user=None, base_url="/", reading="fr", refreshers=[], journey=journey_,
        lapsing=lapsing(journey_, [], CATALOGUE), certificates=[], others=[],
        next_module=CATALOGUE["culture"],
        route_cards=[{"module": m, "picture": None, "state": state, "feedback": False}
                     for m in CATALOGUE.values()])
    due = page.split('id="to-review"')[1].split("</section>")[0]
    assert 'id="lapsing-culture"' in due and "Refaire le module" in due
    assert "expiré le 3 décembre 2026" in due and "expired on" not in due
    assert page.index('id="to-review"') < page.index('id="continue"')
