"""Certificates on the running server: earned, downloaded by the right people, checked by all."""

import base64
import html
import re
import secrets
import time
import uuid
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from balise import tokens
from balise.catalogue.draw import right_answers
from balise.catalogue.modules import load_catalogue
from balise.formats import date_words
from balise.passwords import hash_password
from balise.progress import load_routes
from balise.store.models import Person, Site
from balise.store.programme import Certificate, FieldValidation

REPO = Path(__file__).resolve().parents[2]
LEARNER, TRAINER, PASSWORD = "verify-learner", "verify-trainer", "pw-verify-test"
CODE_LINK = re.compile(r"balise/certificate/([A-Za-z0-9_-]{22})\.pdf")

pytestmark = pytest.mark.slow


def page_text(pdf: bytes) -> bytes:
    """The page's drawing operators (reportlab writes them ASCII85, then Flate)."""
    stream = re.search(rb"/ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n"
                       rb"(.*?)endstream", pdf, re.S).group(1)
    return zlib.decompress(base64.a85decode(stream.strip(), adobe=True))


@pytest.fixture(scope="module")
def certified(server, store):
    """A learner of a site of her own who passes every module of her route and has every
    field validation signed: her certificate's code, read from her own page."""
    catalogue = load_catalogue(REPO / "courses")
    route = load_routes(REPO / "courses" / "routes.yaml", set(catalogue))[0]
    hashed = hash_password(PASSWORD)
    with store.session() as s:
        s.add(Site(id="verify-site", name="Site de vérification"))
        s.flush()
        s.add(Person(id=TRAINER, name="Tess Formatrice", role="trainer", site_id="verify-site",
                     password_hash=hashed))
        s.add(Person(id=LEARNER, name="Chloé Moreau", role="learner", site_id="verify-site",
                     activity=route.jobs[0], password_hash=hashed))
        s.flush()
        for skill in route.skills:
            s.add(FieldValidation(learner_id=LEARNER, skill=skill, trainer_id=TRAINER,
                                  on=date.today()))
    secret = tokens.load_secret(server.data / "secret.key")
    for module in route.modules:
        answers = right_answers(catalogue[module], LEARNER, 1)
        r = requests.post(server.url + "balise/api/submit", json={
            "module": module, "submission_id": uuid.uuid4().hex, "answers": answers},
            headers={"Authorization": f"Bearer {tokens.sign(secret, LEARNER, module, 10)}"})
        assert r.status_code == 200, r.text
    her = server.session(LEARNER, PASSWORD)
    for _ in range(300):                                  # until the grades are in
        found = CODE_LINK.search(her.get(server.url + "balise/learner").text)
        if found:
            return found.group(1)
        time.sleep(0.2)
    pytest.fail("no certificate on the page of a learner who passed her route")


def test_a_certified_learner_downloads_her_certificate(server, certified):
    her = server.session(LEARNER, PASSWORD)
    page = html.unescape(her.get(server.url + "balise/learner").text)
    assert "Bravo ! Vous avez votre attestation" in page and "valable jusqu'au" in page
    r = her.get(server.url + f"balise/certificate/{certified}.pdf")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    assert r.content.startswith(b"%PDF")
    # The address in the PDF is the server's own, not one a request's Host header could set.
    assert f"{server.url}balise/verify/{certified}".encode() in page_text(r.content)


def test_her_code_verifies_without_sign_in_showing_name_route_and_dates_only(server,
                                                                              certified):
    r = requests.get(server.url + f"balise/verify/{certified}")
    text = html.unescape(r.text)
    assert r.status_code == 200 and "Valide" in text and "Valid" in text
    today = date_words(date.today())
    assert "Chloé Moreau" in text and today["fr"] in text and today["en"] in text
    assert date.today().isoformat() not in text
    for private in [LEARNER, "verify-site", "Site de vérification", TRAINER]:
        assert private not in text, private
    assert r.headers["Cache-Control"] == "no-store"


def test_a_random_code_is_unknown_to_a_signed_out_visitor(server):
    r = requests.get(server.url + f"balise/verify/{secrets.token_urlsafe(16)}",
                     allow_redirects=False)
    assert r.status_code == 404
    assert "Inconnue" in r.text and "Unknown" in r.text and "login" not in r.url


def test_fifty_random_codes_are_all_unknown(server, certified):
    for _ in range(50):
        code = secrets.token_urlsafe(16)
        r = requests.get(server.url + f"balise/verify/{code}")
        assert r.status_code == 404 and "Inconnue" in r.text, code


def test_forged_and_malformed_codes_are_unknown_in_the_same_page(server, certified):
    neighbour = certified[:-1] + ("A" if certified[-1] != "A" else "B")
    for code in [neighbour, certified.lower(), "", "x" * 300, "%27%20OR%201%3D1--",
                 "%2e%2e", certified + "A"]:
        r = requests.get(server.url + f"balise/verify/{code}")
        assert r.status_code == 404 and "Inconnue" in r.text, code
        assert "Chloé" not in html.unescape(r.text)


def test_an_expired_certificate_says_expired(server, store, certified):
    code = secrets.token_urlsafe(16)
    with store.session() as s:
        s.add(Certificate(code=code, learner_id=LEARNER, route_id="logistics",
                          issued_on=date.today() - timedelta(days=400),
                          valid_until=date.today() - timedelta(days=1), modules="[]"))
    r = requests.get(server.url + f"balise/verify/{code}")
    text = html.unescape(r.text)
    assert r.status_code == 200 and "Expirée" in text and "Valide" not in text
    assert "Chloé Moreau" in text


@pytest.mark.parametrize("who,status", [(LEARNER, 200), (TRAINER, 200), ("coordinateur", 200),
                                        ("yusuf", 404), ("amina", 404), ("formatrice", 404)])
def test_only_she_her_trainer_and_coordinators_download_it(server, certified, who, status):
    s = server.session(who, PASSWORD if who in (LEARNER, TRAINER) else None)
    r = s.get(server.url + f"balise/certificate/{certified}.pdf")
    assert r.status_code == status
    if status == 404:            # the same answer as for a code that does not exist
        unknown = s.get(server.url + f"balise/certificate/{secrets.token_urlsafe(16)}.pdf")
        assert unknown.status_code == 404 and unknown.text == r.text
        assert not r.content.startswith(b"%PDF")


def test_a_signed_out_visitor_cannot_download_it(server, certified):
    r = requests.get(server.url + f"balise/certificate/{certified}.pdf")
    assert r.url.startswith(server.url + "login") and not r.content.startswith(b"%PDF")
