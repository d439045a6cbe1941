from balise.passwords import check_password, hash_password


def test_right_password_passes_and_hash_is_not_the_password():
    stored = hash_password("demo-amina")
    assert "demo-amina" not in stored and stored.startswith("$argon2")
    assert check_password(stored, "demo-amina")


def test_wrong_password_and_unknown_person_both_fail():
    assert not check_password(hash_password("demo-amina"), "demo-yusuf")
    assert not check_password(None, "balise-no-such-person")
