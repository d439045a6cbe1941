"""Badges in the store: 128-bit tokens and short codes kept as keyed hashes only, a reissue
that revokes the old badge at once, a lost badge revoked, no badge for a trainer, a
coordinator or an archived learner, and a trail that never holds a token or a code."""

from datetime import date

import pytest
from sqlalchemy import select

from balise.store import admin, badges
from balise.store.badges import Badge
from balise.store.models import Store, TrailEntry

ROUTES = {"logistics": ["logistics"]}
SECRET = b"k" * 32


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    yield store
    store.dispose()


@pytest.fixture
def site(store):
    return admin.add_site(store, "coord", {"name": "Lyon", "activities": ["logistics"]})


def person(store, site, role="learner", name="Aïcha Diallo"):
    return admin.add_person(store, "coord", {
        "name": name, "role": role, "site_id": site,
        "route": "logistics" if role == "learner" else "",
        "placement_start": "2026-09-01" if role == "learner" else ""}, ROUTES)


def test_a_badge_signs_in_by_token_and_by_its_code_typed_loosely(store, site):
    aicha = person(store, site)
    printed = badges.issue(store, SECRET, "trainer", aicha)
    assert len(printed.token) >= 22 and len(printed.code) == 8
    assert set(printed.code) <= set(badges.CODE_ALPHABET)
    assert printed.grouped == f"{printed.code[:4]}-{printed.code[4:]}"
    assert badges.by_token(store, SECRET, printed.token) == aicha
    loose = f" {printed.code[:4].lower()} - {printed.code[4:]} "
    assert badges.by_code(store, SECRET, loose) == aicha
    assert badges.by_code(store, b"other-secret" * 3, printed.code) is None


def test_neither_token_nor_code_is_stored_or_in_the_trail(store, site):
    aicha = person(store, site)
    printed = badges.issue(store, SECRET, "trainer", aicha)
    with store.session() as s:
        row = s.scalars(select(Badge)).one()
        trail = " ".join(e.changes for e in s.scalars(select(TrailEntry)))
    stored = " ".join(str(v) for v in (row.token_hash, row.code_hash, trail))
    assert printed.token not in stored and printed.code not in stored
    assert row.issued_by == "trainer" and row.revoked_at is None


def test_reissuing_revokes_the_old_badge_at_once(store, site):
    aicha = person(store, site)
    old = badges.issue(store, SECRET, "trainer", aicha)
    new = badges.issue(store, SECRET, "trainer", aicha)
    assert badges.by_token(store, SECRET, old.token) is None
    assert badges.by_code(store, SECRET, old.code) is None
    assert badges.by_token(store, SECRET, new.token) == aicha
    with store.session() as s:
        kinds = list(s.scalars(select(TrailEntry.kind).where(TrailEntry.person_id == aicha)
                               .order_by(TrailEntry.id)))
    assert kinds[-2:] == ["badge.issue", "badge.issue"]


def test_a_lost_badge_is_revoked(store, site):
    aicha = person(store, site)
    printed = badges.issue(store, SECRET, "trainer", aicha)
    assert badges.revoke(store, "trainer", aicha) is True
    assert badges.by_token(store, SECRET, printed.token) is None
    assert badges.by_code(store, SECRET, printed.code) is None
    assert badges.active(store, aicha) is None
    assert badges.revoke(store, "trainer", aicha) is False


def test_no_badge_for_a_trainer_or_a_coordinator(store, site):
    for role in ("trainer", "coordinator"):
        pid = person(store, site, role=role, name=f"Une {role}")
        with pytest.raises(admin.NotFound):
            badges.issue(store, SECRET, "coord", pid)


def test_an_archived_learner_signs_in_by_badge_no_more(store, site):
    aicha = person(store, site)
    printed = badges.issue(store, SECRET, "trainer", aicha)
    admin.end_placement(store, "coord", aicha, date(2026, 11, 30))
    assert badges.by_token(store, SECRET, printed.token) is None
    assert badges.by_code(store, SECRET, printed.code) is None
    with pytest.raises(admin.NotFound):
        badges.issue(store, SECRET, "trainer", aicha)


@pytest.mark.slow
def test_badges_work_the_same_on_postgresql(postgres):
    """Migration 0005 on PostgreSQL: a badge issued, found by its code, reissued, lost."""
    store = Store(postgres.create_db("badge_store"))
    try:
        site = admin.add_site(store, "coord", {"name": "Lyon", "activities": ["logistics"]})
        aicha = person(store, site)
        old = badges.issue(store, SECRET, "trainer", aicha)
        new = badges.issue(store, SECRET, "trainer", aicha)
        assert badges.by_code(store, SECRET, old.code) is None
        assert badges.by_code(store, SECRET, new.code) == aicha
        assert badges.revoke(store, "trainer", aicha)
        assert badges.by_token(store, SECRET, new.token) is None
        assert store.person(aicha).must_change_password is False
    finally:
        store.dispose()
