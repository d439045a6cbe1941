"""Signing in with a badge on a running server: the QR code's address and the typed short
code sign a learner in and land on her route; a reprinted or lost badge stops at once, with
the same plain message as a wrong code; nobody but a current learner signs in by badge; the
token never reaches the server's log.

Badge tries are counted per address: each test sends its badge tries from an address of its
own on the loopback network (127.0.0.x), so none of them is slowed by another's failures.
"""

import html
import re
import uuid
from datetime import date, timedelta

import pytest
import requests
from shared import from_address
from sqlalchemy import select

from balise.store import admin, badges
from balise.store.models import Badge, TrailEntry
from balise.tokens import load_secret

pytestmark = pytest.mark.slow
ROUTES = {"logistics": ["logistics"]}
REFUSED = "Badge non reconnu"


def visitor() -> requests.Session:
    """A browser on an address of its own (the badge throttle counts per address)."""
    return from_address()


@pytest.fixture(scope="module")
def secret(server):
    return load_secret(server.data / "secret.key")


def new_learner(store, site="lyon-logistique", team=None) -> str:
    uid = uuid.uuid4().hex[:6]
    return admin.add_person(store, "test", {
        "name": f"Badge Apprenante {uid}", "role": "learner", "site_id": site,
        "team_id": team, "route": "logistics",
        "placement_start": (date.today() - timedelta(days=10)).isoformat()}, ROUTES)


def xsrf_post(server, s, path, data=None, **kw):
    if "_xsrf" not in s.cookies:
        s.get(server.url + "login")
    return s.post(server.url + path, data={**(data or {}), "_xsrf": s.cookies.get("_xsrf")},
                  allow_redirects=False, **kw)


def printed_code(server, trainer, learner) -> str:
    r = xsrf_post(server, trainer, f"balise/badge/{learner}/print")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Cache-Control"] == "no-store"
    assert "<svg" in r.text and "Scannez avec l" in html.unescape(r.text)
    return re.search(r'class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', r.text).group(1)


def type_code(server, code: str, s: requests.Session | None = None) -> requests.Response:
    s = s or visitor()
    return xsrf_post(server, s, "login", {"badge_code": code})


def test_the_printed_code_typed_loosely_signs_her_in_and_she_sees_her_route(server, store):
    learner = new_learner(store)
    code = printed_code(server, server.session("formatrice"), learner)
    s = visitor()
    r = type_code(server, f" {code[:4].lower()} {code[5:]} ", s)
    assert r.status_code == 302 and r.headers["Location"].endswith("/balise/learner")
    page = s.get(server.url + "balise/learner")
    assert page.status_code == 200
    name = store.person(learner).name
    assert name in html.unescape(page.text) and "Logistique" in page.text


def test_the_qr_address_signs_her_in_and_the_token_leaves_the_address_bar(server, store,
                                                                         secret):
    learner = new_learner(store)
    token = badges.issue(store, secret, "test", learner).token
    s = visitor()
    r = s.get(server.url + f"badge/{token}", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/balise/learner")
    assert r.headers["Referrer-Policy"] == "no-referrer"
    page = s.get(server.url + "balise/learner", allow_redirects=False)
    assert page.status_code == 200 and store.person(learner).name in html.unescape(page.text)
    # Asked for by a picture or a script of another site: no sign-in, and no look.
    embedded = visitor().get(server.url + f"badge/{token}", allow_redirects=False, headers={
        "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"})
    assert embedded.status_code == 403 and "balise-session" not in embedded.headers.get(
        "Set-Cookie", "")
    wrong = visitor().get(server.url + f"badge/{token[:-2]}xx", allow_redirects=False)
    assert wrong.status_code == 401 and REFUSED in html.unescape(wrong.text)
    log = server.log.read_text(errors="replace")
    assert token not in log and token[:-2] not in log
    assert f"{learner} signed in with a badge" in log


def test_a_reprinted_badge_stops_the_old_one_at_once_with_the_wrong_codes_message(server,
                                                                                 store):
    learner = new_learner(store)
    trainer = server.session("formatrice")
    old = printed_code(server, trainer, learner)
    new = printed_code(server, trainer, learner)
    refused_old, wrong = type_code(server, old), type_code(server, "ZZZZ-ZZZZ")
    assert refused_old.status_code == wrong.status_code == 401
    said = [re.search(r'id="badge-refused">([^<]+)<', r.text).group(1)
            for r in (refused_old, wrong)]
    assert said[0] == said[1] and REFUSED in html.unescape(said[0])
    assert type_code(server, new).status_code == 302
    with store.session() as s:
        kinds = list(s.scalars(select(TrailEntry.kind).where(TrailEntry.person_id == learner)))
    assert kinds.count("badge.issue") == 2


def test_a_lost_badge_is_stopped_in_one_tap(server, store):
    learner = new_learner(store)
    trainer = server.session("formatrice")
    code = printed_code(server, trainer, learner)
    page = trainer.get(server.url + f"balise/person/{learner}")
    assert 'id="badge-lost"' in page.text
    r = xsrf_post(server, trainer, f"balise/badge/{learner}/lost")
    assert r.status_code == 303
    after = trainer.get(server.url + r.headers["Location"].lstrip("/"))
    assert "Badge arrêté" in html.unescape(after.text) and 'id="badge-lost"' not in after.text
    assert type_code(server, code).status_code == 401
    assert badges.active(store, learner) is None


def test_no_badge_sign_in_for_a_trainer_a_coordinator_or_an_archived_learner(server, store,
                                                                            secret):
    coordinator = server.session("coordinateur")
    for who in ("formatrice", "coordinateur"):
        assert xsrf_post(server, coordinator, f"balise/badge/{who}/print").status_code == 404
    # A badge row for a trainer, as a forged or old database might hold: still no sign-in.
    token, code = "t" * 22, "ABCDEFGH"
    with store.session() as s:
        s.add(Badge(person_id="formatrice", issued_by="test",
                    token_hash=badges._hash(secret, "token", token),
                    code_hash=badges._hash(secret, "code", code)))
    assert visitor().get(server.url + f"badge/{token}",
                         allow_redirects=False).status_code == 401
    assert type_code(server, code).status_code == 401
    learner = new_learner(store)
    code = printed_code(server, server.session("formatrice"), learner)
    admin.end_placement(store, "test", learner)
    assert type_code(server, code).status_code == 401


def test_a_trainer_opens_a_learners_session_on_a_shared_phone(server, store):
    learner = new_learner(store)
    name = store.person(learner).name
    phone = server.session("formatrice")
    trainer_copy = requests.Session()
    trainer_copy.cookies.update(phone.cookies)
    ask = phone.get(server.url + f"balise/person/{learner}/session")
    assert ask.status_code == 200 and name in html.unescape(ask.text)
    r = xsrf_post(server, phone, f"balise/person/{learner}/session")
    assert r.status_code == 303 and r.headers["Location"].endswith("/balise/learner")
    page = phone.get(server.url + "balise/learner")
    assert page.status_code == 200 and name in html.unescape(page.text)
    assert phone.get(server.url + "balise/trainer", allow_redirects=False).status_code == 403
    # The trainer's session on that phone is over, a copy of its cookie included.
    gone = trainer_copy.get(server.url + "balise/trainer", allow_redirects=False)
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    with store.session() as s:
        opened = s.scalars(select(TrailEntry).where(TrailEntry.person_id == learner,
                                                    TrailEntry.kind == "session.open")).one()
    assert opened.actor_id == "formatrice"


def test_a_trainer_opens_no_session_for_another_sites_learner_or_a_trainer(server, store):
    site = admin.add_site(store, "test", {"name": f"Ailleurs {uuid.uuid4().hex[:6]}",
                                          "activities": ["logistics"]})
    other = new_learner(store, site=site)
    trainer = server.session("formatrice")
    for who in (other, "coordinateur", "no-such-person"):
        assert trainer.get(server.url + f"balise/person/{who}/session").status_code == 404
        assert xsrf_post(server, trainer, f"balise/person/{who}/session").status_code == 404
    assert trainer.get(server.url + "balise/trainer").status_code == 200
