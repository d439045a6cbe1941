"""A learner's session ends after ``c.Balise.learner_idle_minutes`` without a request; a
trainer's lasts ``session_hours``. Checked on the identity provider itself, with the clock
moved forward instead of waiting half an hour."""

import json
from types import SimpleNamespace

import pytest

from balise.web import auth
from balise.web.auth import BaliseIdentityProvider


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth, "time", clock)
    return clock


def handler(who: str, role: str, signed_at: float, idle: float = 30):
    people = {who: SimpleNamespace(id=who, name=who, role=role, site_id="s", ended_on=None,
                                  must_change_password=False)}
    context = SimpleNamespace(
        config=SimpleNamespace(session_hours=12, learner_idle_minutes=idle),
        store=SimpleNamespace(person=people.get))
    cookie = json.dumps({"id": who, "at": signed_at})
    return SimpleNamespace(settings={"balise": context},
                           get_secure_cookie=lambda name, max_age_days=None: cookie)


def test_an_idle_learners_session_ends_and_stays_ended(clock):
    provider = BaliseIdentityProvider()
    amina = handler("amina", "learner", clock.now)
    assert provider.get_user_cookie(amina).username == "amina"
    clock.now += 29 * 60
    assert provider.get_user_cookie(amina) is not None       # a request within the window
    clock.now += 29 * 60
    assert provider.get_user_cookie(amina) is not None       # ... counts from the last one
    clock.now += 31 * 60
    assert provider.get_user_cookie(amina) is None
    clock.now += 1
    assert provider.get_user_cookie(amina) is None           # the same cookie stays dead


def test_a_trainers_session_is_not_ended_by_idleness(clock):
    provider = BaliseIdentityProvider()
    trainer = handler("formatrice", "trainer", clock.now)
    assert provider.get_user_cookie(trainer) is not None
    clock.now += 3 * 3600
    assert provider.get_user_cookie(trainer) is not None


def test_zero_minutes_turns_the_idle_end_off(clock):
    provider = BaliseIdentityProvider()
    amina = handler("amina", "learner", clock.now, idle=0)
    assert provider.get_user_cookie(amina) is not None
    clock.now += 5 * 3600
    assert provider.get_user_cookie(amina) is not None
