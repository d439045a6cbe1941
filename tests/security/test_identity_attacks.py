"""Who is asking: forged, expired and replayed tokens and cookies, fixation, guessing."""

import base64
import json
import time
from urllib.parse import urlparse

import pytest
import requests

from balise import tokens
from balise.passwords import hash_password
from balise.store.models import Person, Store

from probe import api, bilingual, refused, submission, token, unchanged

pytestmark = pytest.mark.slow

EXPIRED = ("Votre session a expiré : rechargez la page", "Your session has expired")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_tokens(server):
    good = token(server, "amina")
    body, mac = good.split(".")
    claims = {"sub": "yusuf", "mod": "postures", "exp": time.time() + 600}
    return {
        "other_secret": tokens.sign(b"f" * 32, "amina", "postures", 10),
        "edited_learner": f"{_b64(json.dumps(claims).encode())}.{mac}",
        "no_signature": f"{body}.",
        "alg_none_style": f"{_b64(b'{}')}.{_b64(json.dumps(claims).encode())}.",
        "garbage": "x" * 5000,
    }


@pytest.mark.parametrize("kind", ["other_secret", "edited_learner", "no_signature",
                                  "alg_none_style", "garbage"])
def test_a_forged_identity_token_is_refused(server, kind):
    with unchanged(server):
        r = api(server, "balise/api/submit", forged_tokens(server)[kind], submission())
    refused(r, 401)
    bilingual(r.json()["error"], *EXPIRED)


def test_an_expired_token_is_refused(server):
    old = token(server, "amina", minutes=1, now=time.time() - 3600)
    with unchanged(server):
        r = api(server, "balise/api/answer", old, {"module": "postures", "item": "s1",
                                                   "answer": "b"})
    refused(r, 401)
    bilingual(r.json()["error"], *EXPIRED)


def test_a_token_replayed_for_another_module_or_person_is_refused(server):
    mine = token(server, "amina", "postures")
    with unchanged(server):
        for body in [submission("ppe"), submission(learner="yusuf"),
                     {"module": "ppe", "item": "s1", "answer": "a"}]:
            path = "balise/api/answer" if "item" in body else "balise/api/submit"
            r = api(server, path, mine, body)
            refused(r, 403)
            bilingual(r.json()["error"], "Vous ne pouvez envoyer que vos propres réponses",
                      "You can only submit your own answers")


def test_a_valid_token_for_someone_who_is_not_a_learner_is_refused(server):
    with unchanged(server):
        for who in ("coordinateur", "nobody-at-all"):
            refused(api(server, "balise/api/submit", token(server, who), submission()), 403)


@pytest.fixture(scope="module")
def person(server):
    """A learner of her own, so that locking her out touches no other test."""
    name, password = "sec-target", "pw-sec-target"
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    with store.session() as s:
        if s.get(Person, name) is None:
            s.add(Person(id=name, name="Cible Sécurité", role="learner",
                         site_id=s.get(Person, "amina").site_id,
                         password_hash=hash_password(password)))
    store.dispose()
    return name, password


def test_a_cookie_set_before_sign_in_is_replaced(server, person):
    """Session fixation: a cookie planted by someone else never becomes a signed-in session."""
    s = requests.Session()
    s.cookies.set("balise-session", "planted-by-an-attacker", domain="127.0.0.1", path="/")
    r = server.sign_in(s, *person)
    assert r.status_code == 200
    assert s.cookies.get("balise-session") not in (None, "planted-by-an-attacker")
    planted = requests.Session()
    planted.cookies.set("balise-session", "planted-by-an-attacker")
    assert planted.get(server.url + "balise/learner").url.startswith(server.url + "login")


def test_an_unsigned_or_edited_session_cookie_is_refused(server):
    for value in [json.dumps({"id": "coordinateur", "at": time.time()}),
                  "2|1:0|10:1700000000|14:balise-session|4:e30=|" + "0" * 64]:
        s = requests.Session()
        s.cookies.set("balise-session", value)
        r = s.get(server.url + "balise/coordinator")
        assert r.url.startswith(server.url + "login") and "coordinator" not in r.url.split("?")[0]


def test_a_session_cookie_replayed_after_sign_out_is_refused(server, person):
    s = server.session(*person)
    copied = s.cookies.get("balise-session")
    assert s.get(server.url + "balise/learner").status_code == 200
    assert sign_out(server, s).status_code == 200
    replay = requests.Session()
    replay.cookies.set("balise-session", copied)
    r = replay.get(server.url + "balise/learner")
    assert r.url.startswith(server.url + "login"), r.url
    assert server.session(*person).get(server.url + "balise/learner").status_code == 200


def sign_out(server, s):
    """What the sign-out button does: post the form, with its XSRF token, from this site."""
    return s.post(server.url + "logout", data={"_xsrf": s.cookies.get("_xsrf")})


def still_signed_in(server, s) -> bool:
    return s.get(server.url + "balise/learner", allow_redirects=False).status_code == 200


def test_signing_out_needs_the_button_of_this_site(server, person):
    """Another site cannot sign a learner out mid-module (a hidden image, a forged form)."""
    s = server.session(*person)
    page = s.get(server.url + "logout")          # an <img src=".../logout"> on any site
    assert page.status_code == 200 and 'id="sign-out"' in page.text
    assert still_signed_in(server, s)
    forged = s.post(server.url + "logout")                          # no XSRF token
    forged.encoding = "utf-8"        # Jupyter's error page says so in <meta>, not its header
    bilingual(refused(forged, 403), "Accès refusé", "Access refused")
    assert still_signed_in(server, s)
    cross = s.post(server.url + "logout", data={"_xsrf": s.cookies.get("_xsrf")},
                   headers={"Origin": "https://evil.example"})
    refused(cross, 403, 404)                 # Jupyter answers a cross-site request 404
    assert still_signed_in(server, s)
    done = sign_out(server, s)
    assert done.status_code == 200 and "You are signed out" in done.text
    assert not still_signed_in(server, s)


def test_guessing_a_password_is_stopped_even_for_the_right_one(server, person):
    s = requests.Session()
    name, password = person
    with unchanged(server):
        codes = [server.sign_in(s, name, f"guess-{n}").status_code for n in range(5)]
        locked = server.sign_in(s, name, password)
    assert codes == [401] * 5
    text = refused(locked, 429)
    bilingual(text, "Trop d'essais", "Too many tries")
    assert "balise-session" not in s.cookies


def test_sign_in_never_redirects_to_another_site(server):
    server_host = urlparse(server.url).netloc
    s = requests.Session()
    s.get(server.url + "login")
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                   "javascript:alert(1)"]:
        server.sign_in(s, "lea", "demo-lea")
        r = s.post(server.url + "login", params={"next": target}, allow_redirects=False,
                   data={"username": "lea", "password": "demo-lea",
                         "_xsrf": s.cookies.get("_xsrf")})
        location = urlparse(r.headers.get("Location", ""))
        assert location.scheme in ("", "http") and location.netloc in ("", server_host), location
        assert not location.path.startswith("//"), location


def test_sign_in_page_shows_the_next_parameter_escaped(server):
    payload = '"><script>window.__pwned=1</script>'
    r = requests.get(server.url + "login", params={"next": payload})
    assert "<script>window.__pwned" not in r.text
