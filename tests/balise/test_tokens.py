import time

import pytest

from balise import BaliseError, tokens

SECRET = b"k" * 32


def test_token_carries_learner_and_module():
    identity = tokens.verify(SECRET, tokens.sign(SECRET, "amina", "postures", 10))
    assert (identity.learner, identity.module) == ("amina", "postures")


def test_token_signed_with_another_secret_is_refused():
    forged = tokens.sign(b"x" * 32, "amina", "postures", 10)
    with pytest.raises(BaliseError, match="not valid"):
        tokens.verify(SECRET, forged)


def test_token_with_edited_learner_is_refused():
    body, mac = tokens.sign(SECRET, "amina", "postures", 10).split(".")
    other_body = tokens.sign(SECRET, "yusuf", "postures", 10).split(".")[0]
    with pytest.raises(BaliseError):
        tokens.verify(SECRET, f"{other_body}.{mac}")


def test_expired_token_is_refused():
    old = tokens.sign(SECRET, "amina", "postures", 1, now=time.time() - 120)
    with pytest.raises(BaliseError, match="expired"):
        tokens.verify(SECRET, old)


@pytest.mark.parametrize("junk", ["", "abc", "a.b.c", "..", "eyJ9.AAAA", "\x00.\x00"])
def test_malformed_token_is_refused(junk):
    with pytest.raises(BaliseError):
        tokens.verify(SECRET, junk)


def test_secret_is_created_once_private(tmp_path):
    path = tmp_path / "secret.key"
    first = tokens.load_secret(path)
    assert tokens.load_secret(path) == first and len(first) == 32
    assert path.stat().st_mode & 0o777 == 0o600
