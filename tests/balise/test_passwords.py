from balise.passwords import check_password, hash_password


def test_right_password_passes_and_hash_is_not_the_password():
    stored = hash_password("demo-amina")
    assert "demo-amina" not in stored and stored.startswith("$argon2")
    assert check_password(stored, "demo-amina")


def test_wrong_password_and_unknown_person_both_fail():
    assert not check_password(hash_password("demo-amina"), "demo-yusuf")
    assert not check_password(None, "balise-no-such-person")


def test_hashes_use_owasps_argon2id_parameters():
    """OWASP's minimum (19 MiB, 2 passes, 1 lane): 0.04 CPU-s a check, where argon2-cffi's
    default took 0.28, a quarter of the server's CPU when a class signed in together."""
    from argon2 import extract_parameters

    params = extract_parameters(hash_password("demo-amina"))
    assert (params.type.name, params.memory_cost, params.time_cost, params.parallelism) \
        == ("ID", 19 * 1024, 2, 1)



def test_a_hash_made_with_other_parameters_is_known_as_such():
    from argon2 import PasswordHasher

    from balise.passwords import needs_rehash

    old = PasswordHasher().hash("demo-amina")      # argon2-cffi's defaults, Balise's before
    assert check_password(old, "demo-amina") and needs_rehash(old)
    assert not needs_rehash(hash_password("demo-amina")) and not needs_rehash("!")
