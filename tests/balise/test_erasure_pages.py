"""Erasure from the pages and the command line: a coordinator erases after typing her name;
a trainer cannot; a wrong name erases nothing; the certificate check says revoked; the
retention list names those whose placement ended long ago."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pandas as pd
import pytest
from shared import add_learner

from balise.progress.retention import due_for_erasure

pytestmark = pytest.mark.slow


def xsrf(session, page: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)


def test_a_trainer_cannot_erase_nor_see_the_page(server):
    pid = add_learner(server, "erase-trainer-try", "Lou Essai", "pw-erase-1234")
    s = server.session("formatrice")
    page = s.get(server.url + f"balise/person/{pid}/erase")
    assert page.status_code == 404 and "Lou Essai" not in page.text
    coordinator = server.session("coordinateur")
    token = xsrf(coordinator, coordinator.get(server.url + f"balise/person/{pid}/erase").text)
    r = s.post(server.url + f"balise/person/{pid}/erase", data={"name": "Lou Essai",
                                                                 "_xsrf": s.cookies.get("_xsrf")})
    assert r.status_code in (403, 404) and token
    assert coordinator.get(server.url + f"balise/person/{pid}").status_code == 200


def test_a_wrong_name_erases_nothing_and_the_right_one_erases_her(server):
    from balise.store.models import Store
    from balise.store.programme import Certificate

    pid = add_learner(server, "erase-page-one", "Jeanne Effacée-Test", "pw-erase-5678")
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    code = "Rv8kT2mX9qLp4Wn6Yc3aBz"
    with store.session() as db:
        db.add(Certificate(code=code, learner_id=pid, route_id="logistics",
                           issued_on=date(2026, 11, 2), valid_until=date(2027, 11, 2),
                           modules="[]"))
    store.dispose()
    s = server.session("coordinateur")
    page = s.get(server.url + f"balise/person/{pid}/erase").text
    assert "Jeanne Effacée-Test" in html.unescape(page) and "On ne peut pas revenir" in page
    wrong = s.post(server.url + f"balise/person/{pid}/erase",
                   data={"name": "Jeanne", "_xsrf": xsrf(s, page)})
    assert wrong.status_code == 400 and "rien n'a été effacé" in html.unescape(wrong.text)
    assert s.get(server.url + f"balise/person/{pid}").status_code == 200
    done = s.post(server.url + f"balise/person/{pid}/erase",
                  data={"name": " jeanne  effacée-test ", "_xsrf": xsrf(s, page)})
    assert done.status_code == 200 and "ses données sont effacées" in html.unescape(done.text)
    assert s.get(server.url + f"balise/person/{pid}").status_code == 404
    trail = html.unescape(s.get(server.url + "balise/trail").text)
    assert "Personne effacée" in trail and "Jeanne Effacée-Test" not in trail
    check = html.unescape(server.session().get(server.url + f"balise/verify/{code}").text)
    assert "Révoquée" in check and "Jeanne" not in check


def test_the_command_line_asks_for_her_name(server, capsys):
    from balise import BaliseError
    from balise.config import Balise
    from balise.person_cli import erase

    pid = add_learner(server, "erase-cli-one", "Paul Ligne", "pw-erase-9012")
    balise = Balise(data_dir=str(server.data))
    with pytest.raises(BaliseError, match="nothing erased"):
        erase(balise, pid, ask=lambda _: "Pierre Ligne")
    said = io.StringIO()
    assert erase(balise, pid, ask=lambda _: "Paul Ligne", said=said) == 0
    assert "Erased:" in said.getvalue()
    with pytest.raises(BaliseError, match="Nobody with the id"):
        erase(balise, pid, yes=True)


def test_the_retention_list_names_those_gone_longer_than_the_setting():
    people = pd.DataFrame({
        "id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"], "site_id": ["s"] * 4,
        "ended_on": [date(2024, 1, 10), None, date(2026, 6, 1), None],
        "placement_end": [None, date(2024, 11, 30), None, None]})
    due = due_for_erasure(people, date(2026, 12, 7), 24)
    assert due.id.tolist() == ["a", "b"]
    assert due_for_erasure(people, date(2026, 12, 7), 0).empty


def test_the_retention_page_is_for_coordinators_and_downloads(server, store):
    from balise.store.models import Person

    trainer = server.session("formatrice")
    assert trainer.get(server.url + "balise/erasure").status_code == 403
    assert trainer.get(server.url + "balise/erasure?format=csv").status_code == 403
    pid = add_learner(server, "gone-long-ago", "=Ancienne Salariée", "pw-gone-1234")
    with store.session() as s:
        s.get(Person, pid).ended_on = date(2023, 1, 31)
    coordinator = server.session("coordinateur")
    page = html.unescape(coordinator.get(server.url + "balise/erasure").text)
    assert "24 mois" in page and "=Ancienne Salariée" in page and f"{pid}/erase" in page
    body = coordinator.get(server.url + "balise/erasure?format=csv").content.decode("utf-8-sig")
    assert body.splitlines()[0] == "Identifiant;Nom;Site;Fin du contrat"
    assert f"{pid};'=Ancienne Salariée;" in body and "2023-01-31" in body
