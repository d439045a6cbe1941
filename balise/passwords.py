"""Password hashing with argon2id (argon2-cffi), with OWASP's parameters.

OWASP's Password Storage Cheat Sheet: "Use Argon2id with a minimum configuration of
19 MiB of memory, an iteration count of 2, and 1 degree of parallelism." argon2-cffi's
default (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) took 0.28 CPU-s a
check on the 2-core machine: a quarter of the server's CPU when a hundred learners
signed in within two minutes (benchmarks/load.py), taken from the pages they were
opening. These take 0.04 CPU-s. A hash made with other parameters still verifies, and
is made again with these at the next sign-in (:func:`needs_rehash`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
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


def needs_rehash(stored_hash: str) -> bool:
    """The hash was made with other parameters than these (an older Balise's)."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False
