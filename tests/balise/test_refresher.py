"""The short refresher page: wrong questions asked again, checked, marked done when right."""

from datetime import date

import pytest
from markupsafe import escape

from balise.catalogue.modules import load_catalogue
from balise.store.models import Store
from balise.store.programme import Refresher

pytestmark = pytest.mark.slow
POSTURES = load_catalogue(__import__("pathlib").Path(__file__).resolve().parents[2]
                          / "courses")["postures"]


@pytest.fixture
def refresher(server):
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    with store.session() as s:
        row = Refresher(learner_id="amina", module_id="postures", reason="spaced",
                        due_on=date.today(), questions='["q1", "q2"]')
        s.add(row)
        s.flush()
        rid = row.id
    yield store, rid
    with store.session() as s:
        s.delete(s.get(Refresher, rid))
    store.dispose()


def done_on(store, rid):
    with store.session() as s:
        return s.get(Refresher, rid).done_on


def post(session, url, data):
    return session.post(url, data={**data, "_xsrf": session.cookies.get("_xsrf")})


def test_the_learner_answers_again_and_it_is_done_only_when_all_are_right(server, refresher):
    store, rid = refresher
    url = f"{server.url}balise/refresher/{rid}"
    amina = server.session("amina")
    home = amina.get(f"{server.url}balise/learner")
    assert f'id="refresher-{rid}"' in home.text and "À faire maintenant" in home.text
    page = amina.get(url)
    assert page.status_code == 200
    assert str(escape(POSTURES.question("q1").prompt["fr"])) in page.text
    assert str(escape(POSTURES.question("q2").prompt["fr"])) in page.text
    wrong = next(o["id"] for o in POSTURES.question("q2").options
                 if o["id"] != POSTURES.question("q2").answer)
    reply = post(amina, url, {"q1": POSTURES.question("q1").answer, "q2": wrong})
    assert reply.status_code == 200 and "Pas tout à fait" in reply.text
    assert str(escape(POSTURES.question("q2").source)) in reply.text
    assert done_on(store, rid) is None
    reply = post(amina, url, {"q1": POSTURES.question("q1").answer,
                              "q2": POSTURES.question("q2").answer})
    assert "Fait" in reply.text and done_on(store, rid) == date.today()
    assert f'id="refresher-{rid}"' not in amina.get(f"{server.url}balise/learner").text


def test_another_learner_a_forged_option_or_no_xsrf_change_nothing(server, refresher):
    store, rid = refresher
    url = f"{server.url}balise/refresher/{rid}"
    assert server.session("yusuf").get(url).status_code == 404
    assert server.session("amina").get(f"{server.url}balise/refresher/999999").status_code == 404
    amina = server.session("amina")
    amina.get(url)
    bad = post(amina, url, {"q1": "zz", "q2": POSTURES.question("q2").answer})
    assert bad.status_code == 400 and "Traceback" not in bad.text
    no_token = amina.post(url, data={"q1": POSTURES.question("q1").answer,
                                     "q2": POSTURES.question("q2").answer})
    assert no_token.status_code == 403
    assert done_on(store, rid) is None
