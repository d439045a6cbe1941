"""Passwords of trainers and coordinators: a reset by a coordinator, a new one chosen.

Learners sign in with a badge (:mod:`balise.store.badges`). A coordinator's reset gives a
trainer or a coordinator a one-time password, shown once, and sets
``must_change_password``: her next sign-in asks for a password of her own before any
page. Each is a line of the trail (``password.reset``, ``password.change``), which never
holds a password.
"""

from __future__ import annotations

import secrets

from balise.passwords import hash_password, needs_rehash
from balise.store.admin import Invalid, NotFound, _write
from balise.store.models import Person, Store
from balise.words import word

ONE_TIME_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
ONE_TIME_LENGTH = 12
PASSWORD_LENGTH = (12, 256)


def reset_password(store: Store, actor: str, person_id: str) -> str:
    """A one-time password for a trainer or a coordinator (not a learner, not oneself)."""
    one_time = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None or person.role == "learner" or person.archived or \
                person_id == actor:
            raise NotFound(person_id)
        person.password_hash = hash_password(one_time)
        person.must_change_password = True
        _write(s, actor, "password.reset", person=person_id, site=person.site_id)
    return one_time


def change_password(store: Store, person_id: str, new: str, again: str) -> None:
    """Her own new password, typed twice; :class:`Invalid` says what to fix, writes nothing."""
    errors = {}
    if not PASSWORD_LENGTH[0] <= len(new) <= PASSWORD_LENGTH[1]:
        errors["password"] = word("At least {least} characters.", least=PASSWORD_LENGTH[0])
    elif new != again:
        errors["again"] = word("The two passwords differ: type the same one twice.")
    if errors:
        raise Invalid(errors)
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise NotFound(person_id)
        person.password_hash = hash_password(new)
        person.must_change_password = False
        _write(s, person_id, "password.change", person=person_id, site=person.site_id)


def rehash_password(store: Store, person_id: str, password: str) -> None:
    """Her hash made again with today's parameters (:func:`balise.passwords.needs_rehash`),
    just after the password checked against it: the password is the same, so no line of
    the trail (it records changes of password, and this is none)."""
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is not None and needs_rehash(person.password_hash):
            person.password_hash = hash_password(password)
