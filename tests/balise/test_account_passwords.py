"""Trainers and coordinators keep passwords: a coordinator's reset shows a one-time password
once, and the first sign-in with it asks for a password of her own before any page."""

import html
import re
import uuid

import pytest
from sqlalchemy import select

from balise.passwords import hash_password
from balise.store import admin
from balise.store.models import TrailEntry

pytestmark = pytest.mark.slow


def post(server, s, path, data=None):
    return s.post(server.url + path, data={**(data or {}), "_xsrf": s.cookies.get("_xsrf")},
                  allow_redirects=False)


def one_time_of(page: str) -> str:
    found = re.search(r'id="one-time"[^>]*>(.*?)</p>', page, re.S).group(1)
    return "".join(re.findall(r">([a-z0-9]{1,4})<", found))


def test_a_reset_password_is_shown_once_and_her_first_sign_in_asks_for_her_own(server, store):
    uid = uuid.uuid4().hex[:6]
    trainer = admin.add_person(store, "test", {"name": f"Formatrice neuve {uid}",
                                               "role": "trainer", "site_id": "lyon-logistique"},
                               {}, password_hash=hash_password("old-password-123"))
    coordinator = server.session("coordinateur")
    assert 'id="reset-password"' in coordinator.get(server.url + f"balise/person/{trainer}").text
    r = post(server, coordinator, f"balise/admin/people/{trainer}/password")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    one_time = one_time_of(r.text)
    assert len(one_time) == 12
    assert server.sign_in(server.session(), trainer, "old-password-123").status_code == 401
    s = server.session(trainer, one_time)
    first = s.get(server.url + "balise/trainer", allow_redirects=False)
    assert first.status_code == 302 and first.headers["Location"].endswith("/balise/password")
    asked = s.get(server.url + "balise/password")
    assert "Choisissez votre mot de passe" in html.unescape(asked.text)
    refused = post(server, s, "balise/password", {"password": "a long enough one",
                                                  "again": "another long one"})
    assert refused.status_code == 400 and "Les deux mots de passe sont différents" in \
        html.unescape(refused.text)
    assert store.person(trainer).must_change_password is True
    short = post(server, s, "balise/password", {"password": "short", "again": "short"})
    assert short.status_code == 400 and "Au moins 12 caractères" in html.unescape(short.text)
    mine = "un quai propre est un quai sûr"
    assert post(server, s, "balise/password", {"password": mine, "again": mine}
                ).status_code == 303
    assert s.get(server.url + "balise/trainer", allow_redirects=False).status_code == 200
    assert server.sign_in(server.session(), trainer, one_time).status_code == 401
    assert server.sign_in(server.session(), trainer, mine).status_code == 200
    with store.session() as db:
        lines = list(db.scalars(select(TrailEntry).where(TrailEntry.person_id == trainer)
                                .order_by(TrailEntry.id)))
    assert [e.kind for e in lines if e.kind.startswith("password")] == [
        "password.reset", "password.change"]
    assert all(one_time not in e.changes and mine not in e.changes for e in lines)
    assert one_time not in server.log.read_text(errors="replace")


def test_only_a_coordinator_resets_and_never_a_learners_or_her_own(server, store):
    coordinator = server.session("coordinateur")
    for who in ("amina", "coordinateur", "no-such-person"):
        assert post(server, coordinator, f"balise/admin/people/{who}/password"
                    ).status_code == 404
    trainer = server.session("formatrice")
    assert post(server, trainer, "balise/admin/people/coordinateur/password"
                ).status_code == 403
    assert server.sign_in(server.session(), "coordinateur", "demo-coordinateur"
                          ).status_code == 200


def test_a_password_hashed_by_an_older_balise_signs_in_and_is_hashed_again(server, store):
    """Hashes made with argon2-cffi's defaults (Balise's until OWASP's parameters) still
    sign in, and are made again with today's parameters then; the password is the same."""
    from argon2 import PasswordHasher

    from balise.passwords import check_password, needs_rehash

    uid = uuid.uuid4().hex[:6]
    old = PasswordHasher().hash("old-params-password")
    trainer = admin.add_person(store, "test", {"name": f"Formatrice ancienne {uid}",
                                               "role": "trainer", "site_id": "lyon-logistique"},
                               {}, password_hash=old)
    assert server.sign_in(server.session(), trainer, "wrong-password-1").status_code == 401
    assert store.person(trainer).password_hash == old           # a failure changes nothing
    assert server.sign_in(server.session(), trainer, "old-params-password").status_code == 200
    new = store.person(trainer).password_hash
    assert new != old and not needs_rehash(new) and check_password(new, "old-params-password")
    assert server.sign_in(server.session(), trainer, "old-params-password").status_code == 200
