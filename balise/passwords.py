"""Password hashing with argon2 (argon2-cffi), the algorithm OWASP recommends."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A real hash to verify against when the person is unknown, so a wrong name
# and a wrong password take the same time and give the same answer.
_DUMMY = _hasher.hash("balise-no-such-person")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
