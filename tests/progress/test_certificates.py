"""Certificates: who gets one and until when, what a code reveals, and the PDF."""

import base64
import dataclasses
import json
import re
import secrets
import zlib
from datetime import date

import pandas as pd
import pytest
import segno
from sqlalchemy import select

from balise.progress import Route, certification, module_status
from balise.progress.certificates import (
    certificate_pdf,
    certificates_of,
    issue_certificates,
    verify,
)
from balise.store.models import Person, Site, Store
from balise.store.programme import Certificate

TODAY = date(2026, 11, 25)
ROUTE = Route("socle", {"fr": "Socle commun", "en": "Common core"}, ["logistics"],
              ["postures", "ppe"], [{"id": "lift", "fr": "Levage", "en": "Lift"}])
SCORES = pd.DataFrame(
    [("amina", "postures", 90.0, "2026-06-01", True),    # expires 2027-06-01
     ("amina", "ppe", 85.0, "2026-09-01", True),         # expires 2027-09-01
     ("yusuf", "postures", 100.0, "2026-10-01", True),
     ("yusuf", "ppe", 100.0, "2026-10-02", True)],
    columns=["learner", "module", "percent", "date", "passed"])
NO_ATTEMPTS = pd.DataFrame(columns=["learner_id", "module_id"])


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    with store.session() as s:
        s.add(Site(id="lyon", name="Lyon"))
        s.flush()
        for pid, name in [("amina", "Amina Diallo"), ("yusuf", "Yusuf Haidari")]:
            s.add(Person(id=pid, name=name, role="learner", site_id="lyon", password_hash="x"))
    yield store
    store.dispose()


def frames(validated=("amina", "yusuf"), months=12, today=TODAY):
    status = module_status(["amina", "yusuf"], {"postures": months, "ppe": months}, SCORES,
                           NO_ATTEMPTS, today)
    validations = pd.DataFrame([(who, "lift") for who in validated],
                               columns=["learner", "skill"])
    return certification(status, validations, [ROUTE]), status


def issue(store, route=ROUTE, today=TODAY, **kw):
    cert, status = frames(today=today, **kw)
    return issue_certificates(store, cert, [route], status, today)


def certificates(store):
    with store.session() as s:
        return {c.learner_id: c for c in s.scalars(select(Certificate))}


def test_a_certified_route_gets_a_certificate_with_its_modules_and_pass_dates(store):
    codes = issue(store)
    assert len(codes) == 2
    amina = certificates(store)["amina"]
    assert amina.route_id == "socle" and amina.issued_on == TODAY
    assert json.loads(amina.modules) == [{"module": "postures", "passed_on": "2026-06-01"},
                                         {"module": "ppe", "passed_on": "2026-09-01"}]


def test_a_certificate_ends_the_day_before_its_first_module_expires(store):
    issue(store)
    # postures, passed 2026-06-01, expires 2027-06-01: the route holds until the day before.
    assert certificates(store)["amina"].valid_until == date(2027, 5, 31)


def test_a_certificate_lasts_the_routes_months_when_its_modules_last_longer(store):
    six_months = dataclasses.replace(ROUTE, validity_months=6)
    issue(store, route=six_months, months=24)
    assert certificates(store)["yusuf"].valid_until == date(2027, 5, 24)


def test_a_route_not_yet_certified_gets_nothing(store):
    assert issue(store, validated=["amina"]) != []
    assert set(certificates(store)) == {"amina"}


def test_issuing_twice_issues_nothing_new(store):
    first = issue(store)
    assert issue(store) == [] and issue(store, today=date(2027, 5, 31)) == []
    assert sorted(c.code for c in certificates(store).values()) == sorted(first)


def test_a_lapsed_certificate_is_issued_anew_while_the_route_holds(store):
    issue(store)
    later = date(2027, 3, 1)           # still certified then; yusuf's ends 2027-09-30
    with store.session() as s:
        s.get(Certificate, certificates(store)["yusuf"].code).valid_until = date(2027, 2, 28)
    assert len(issue(store, today=later)) == 1
    mine = certificates_of(store, "yusuf", [ROUTE], later)
    assert [c["state"] for c in mine] == ["valid", "expired"]
    assert mine[0]["title"] == ROUTE.title


def test_codes_are_random_url_safe_and_unrelated(store):
    with store.session() as s:
        for n in range(30):
            s.add(Person(id=f"l{n:02}", name=f"L {n}", role="learner", site_id="lyon",
                         password_hash="x"))
    learners = [f"l{n:02}" for n in range(30)]
    scores = pd.DataFrame([(pid, "postures", 100.0, "2026-10-01", True) for pid in learners],
                          columns=["learner", "module", "percent", "date", "passed"])
    status = module_status(learners, {"postures": 12}, scores, NO_ATTEMPTS, TODAY)
    route = Route("r", {}, [], ["postures"])
    codes = issue_certificates(store, certification(status, pd.DataFrame(), [route]), [route],
                               status, TODAY)
    assert len(set(codes)) == 30
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", code) for code in codes)  # 128 bits each
    assert len({code[:3] for code in codes}) > 25            # no shared, counting prefix


def test_verify_says_valid_with_name_route_and_dates_only(store):
    issue(store)
    code = certificates(store)["amina"].code
    answer = verify(store, code, today=TODAY)
    assert answer == {"state": "valid", "name": "Amina Diallo", "route": "socle",
                      "issued_on": TODAY, "valid_until": date(2027, 5, 31)}
    assert "amina" not in str(answer) and "lyon" not in str(answer)


def test_verify_says_expired_after_the_last_valid_day(store):
    issue(store)
    code, until = certificates(store)["amina"].code, date(2027, 5, 31)
    assert verify(store, code, today=until)["state"] == "valid"
    expired = verify(store, code, today=date(2027, 6, 1))
    assert expired["state"] == "expired" and expired["name"] == "Amina Diallo"


UNKNOWN = {"state": "unknown", "name": None, "route": None, "issued_on": None,
           "valid_until": None}


def test_a_guessed_or_forged_code_is_unknown(store):
    code = issue(store)[0]
    neighbour = code[:-1] + ("A" if code[-1] != "A" else "B")
    for guess in [secrets.token_urlsafe(16), neighbour, code.lower(), code.upper()]:
        if guess != code:
            assert verify(store, guess) == UNKNOWN, guess


class NoQueries:
    def session(self):
        raise AssertionError("a malformed code reached the store")


@pytest.mark.parametrize("code", ["", "a", "x" * 23, "x" * 500, "../../etc/passwd",
                                  "' OR '1'='1' --aaaaaa", "abc def ghijklmnopqrstu", None, 42,
                                  "ÀbCdEfGhIjKlMnOpQrStUv"])
def test_a_malformed_code_is_unknown_without_a_query(code):
    assert verify(NoQueries(), code) == UNKNOWN


URL = "https://balise.example.org/balise/verify/AbCdEfGhIjKlMnOpQrStUv"


def page(compress=False):
    certificate = Certificate(code="AbCdEfGhIjKlMnOpQrStUv", learner_id="amina",
                              route_id="socle", issued_on=TODAY, valid_until=date(2027, 5, 31),
                              modules=json.dumps([{"module": "postures",
                                                   "passed_on": "2026-06-01"}]))
    return certificate_pdf(certificate, "Amina Diallo", ROUTE,
                           {"postures": {"fr": "Gestes et postures",
                                         "en": "Gestures and postures"}}, URL, compress)


def test_the_pdf_carries_the_code_name_and_dates_in_text():
    pdf = page()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    for text in [b"AbCdEfGhIjKlMnOpQrStUv", b"Amina Diallo", URL.encode()]:
        assert text in pdf, text


def test_the_pdf_says_its_dates_in_french_words_then_english_never_iso():
    pdf = page()
    for text in [b"31 mai 2027 / ", b"31 May 2027", b"1er juin 2026", b"passed on 1 June 2026"]:
        assert text in pdf, text
    assert not re.search(rb"\b20\d\d-\d\d-\d\d\b", pdf)


def page_text(pdf: bytes) -> bytes:
    """The page's drawing operators of a compressed PDF (ASCII85, then Flate, as reportlab
    writes it)."""
    stream = re.search(rb"/ASCII85Decode /FlateDecode \] /Length \d+\s*>>\s*stream\r?\n"
                       rb"(.*?)endstream", pdf, re.S).group(1)
    return zlib.decompress(base64.a85decode(stream.strip(), adobe=True))


def test_the_pdf_is_compressed_by_default():
    pdf = page(compress=True)
    assert pdf.startswith(b"%PDF") and b"AbCdEfGhIjKlMnOpQrStUv" not in pdf
    assert b"AbCdEfGhIjKlMnOpQrStUv" in page_text(pdf)


def test_the_pdfs_qr_code_is_the_verification_url():
    """The squares drawn in the page, read back, are segno's QR code of the URL."""
    expected = segno.make_qr(URL, error="m")
    size, border = len(expected.matrix), expected.default_border_size
    drawn = set()
    for x, y, w in re.findall(rb"n (\d+) (\d+) (\d+) 1 re f", page()):
        row = size + border - 1 - int(y)
        drawn |= {(row, int(x) - border + i) for i in range(int(w))}
    dark = {(r, c) for r, line in enumerate(expected.matrix) for c, v in enumerate(line) if v}
    assert drawn == dark
