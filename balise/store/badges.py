"""Badges: a learner signs in by scanning a QR code or typing a short code, not a password.

A badge is a random token (``secrets.token_urlsafe(16)``: 128 bits), carried by the QR code
as ``/badge/<token>``, and a short code of 8 characters from an alphabet without look-alikes
(no 0/O, 1/I/L), printed in two groups of four for typing. Neither is stored: the table
keeps a keyed hash of each (HMAC-SHA256 with the server's secret). A slow password hash
(argon2) is for secrets people choose and reuse; a 128-bit random token cannot be guessed
from its hash, and a keyed hash can be looked up by equality, so sign-in needs no scan of
every badge. The short code is weaker (about 40 bits): the key keeps someone holding a copy
of the database alone from trying every code offline, and sign-in is rate-limited per
address (:class:`balise.web.throttle.SignInThrottle`) like passwords.

Printing a badge is issuing one: the token exists only in the page that prints it. Issuing
revokes her earlier badges at once; a lost badge is revoked without a new one. Each is a
line of the trail (``badge.issue``, ``badge.revoke``), which never holds a token or a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from balise.store.admin import NotFound, _write
from balise.store.models import Badge, Person, Store, utcnow

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
TOKEN_BYTES = 16


@dataclass(frozen=True)
class Printed:
    """A badge just issued: what its card carries. Shown once, kept nowhere."""

    person_id: str
    token: str
    code: str

    @property
    def grouped(self) -> str:
        """The code as printed: ``ABCD-EFGH``."""
        return f"{self.code[:4]}-{self.code[4:]}"


def _hash(secret: bytes, kind: str, value: str) -> str:
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise_code(typed: str) -> str:
    """A typed code as stored: case, spaces and dashes ignored (``abcd efgh`` = ``ABCD-EFGH``)."""
    return "".join(c for c in str(typed).upper() if c not in " -\t\u00a0")[:32]


def _revoke_active(s, person_id: str) -> list[int]:
    now, ids = utcnow(), []
    for badge in s.scalars(select(Badge).where(Badge.person_id == person_id,
                                               Badge.revoked_at.is_(None))):
        badge.revoked_at = now
        ids.append(badge.id)
    return ids


def issue(store: Store, secret: bytes, actor: str, person_id: str) -> Printed:
    """A new badge for a learner; her earlier ones stop working at once.

    Raises :class:`~balise.store.admin.NotFound` for anyone but a current learner: trainers
    and coordinators keep passwords, and an archived person signs in no more.
    """
    for _ in range(5):
        token = secrets.token_urlsafe(TOKEN_BYTES)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with store.session() as s:
                person = s.get(Person, person_id)
                if person is None or person.role != "learner" or person.archived:
                    raise NotFound(person_id)
                revoked = _revoke_active(s, person_id)
                badge = Badge(person_id=person_id, token_hash=_hash(secret, "token", token),
                              code_hash=_hash(secret, "code", code), issued_by=actor)
                s.add(badge)
                s.flush()
                _write(s, actor, "badge.issue", person=person_id, site=person.site_id,
                       team=person.team_id,
                       changes={"badge": [revoked[-1] if revoked else None, badge.id]})
            return Printed(person_id, token, code)
        except IntegrityError:      # a code drawn twice (1 in 10^11): draw again
            continue
    raise RuntimeError("could not draw a unique badge code")


def revoke(store: Store, actor: str, person_id: str) -> bool:
    """Her badge lost: it stops working at once. False when she had none in use."""
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise NotFound(person_id)
        revoked = _revoke_active(s, person_id)
        if revoked:
            _write(s, actor, "badge.revoke", person=person_id, site=person.site_id,
                   team=person.team_id, changes={"badge": [revoked[-1], None]})
        return bool(revoked)


def active(store: Store, person_id: str) -> Badge | None:
    """Her badge in use, if any (when it was issued and by whom; never its token)."""
    with store.session() as s:
        return s.scalars(select(Badge).where(Badge.person_id == person_id,
                                             Badge.revoked_at.is_(None))).first()


def _holder(store: Store, column, digest: str) -> str | None:
    with store.session() as s:
        found = s.execute(select(Person.id, Person.role, Person.ended_on)
                          .join(Badge, Badge.person_id == Person.id)
                          .where(column == digest, Badge.revoked_at.is_(None))).first()
    if found is None or found.role != "learner" or found.ended_on is not None:
        return None
    return found.id


def by_token(store: Store, secret: bytes, token: str) -> str | None:
    """The learner a scanned badge names, or None (unknown, revoked, not a current learner)."""
    if not token or len(token) > 64:
        return None
    return _holder(store, Badge.token_hash, _hash(secret, "token", token))


def by_code(store: Store, secret: bytes, typed: str) -> str | None:
    """The learner a typed short code names, or None, whatever the reason."""
    code = normalise_code(typed)
    if len(code) != CODE_LENGTH:
        return None
    return _holder(store, Badge.code_hash, _hash(secret, "code", code))
