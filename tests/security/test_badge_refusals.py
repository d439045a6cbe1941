"""Badges: each refusal (issue 19, items 3 and 8). Another site's trainer cannot print,
reprint or stop a badge, nor print a team's sheet; a learner prints none; a form without
its XSRF token writes nothing; a short code guessed past the limit is refused even when
right; neither the token nor the code reaches the server's log."""

import html
import re
import uuid
from datetime import date

import pytest
from shared import from_address
from sqlalchemy import func, select

from balise.store import admin, badges
from balise.store.models import Badge
from balise.tokens import load_secret

from probe import refused, unchanged

pytestmark = pytest.mark.slow
ROUTES = {"logistics": ["logistics"]}
TOO_MANY = "Trop d'essais"


@pytest.fixture(scope="module")
def secret(server):
    return load_secret(server.data / "secret.key")


def learner(store, site: str, team: str | None = None) -> str:
    return admin.add_person(store, "test", {
        "name": f"Apprenante badge {uuid.uuid4().hex[:6]}", "role": "learner", "site_id": site,
        "team_id": team, "route": "logistics", "placement_start": date.today().isoformat()},
        ROUTES)


@pytest.fixture(scope="module")
def elsewhere(store):
    """Another site than the demo trainer's, its team and a learner with a badge in use."""
    site = admin.add_site(store, "test", {"name": f"Site badge {uuid.uuid4().hex[:6]}",
                                          "activities": ["logistics"]})
    team = admin.add_team(store, "test", {"site_id": site, "name": "Quai",
                                          "activity": "logistics"})
    return {"site": site, "team": team, "learner": learner(store, site, team)}


def post(server, s, path, xsrf=True):
    if "_xsrf" not in s.cookies:
        s.get(server.url + "login")
    return s.post(server.url + path, data={"_xsrf": s.cookies.get("_xsrf")} if xsrf else {},
                  allow_redirects=False)


def badge_rows(store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Badge))


def test_another_sites_trainer_cannot_print_reprint_or_stop_a_badge(server, store, secret,
                                                                   elsewhere):
    printed = badges.issue(store, secret, "test", elsewhere["learner"])
    trainer = server.session("formatrice")
    with unchanged(server):
        for path in (f"balise/badge/{elsewhere['learner']}/print",
                     f"balise/badge/{elsewhere['learner']}/lost",
                     f"balise/badges/team/{elsewhere['team']}",
                     "balise/badge/nobody-of-that-name/print",
                     "balise/badges/team/no-such-team"):
            refused(post(server, trainer, path), 404)
    assert badges.by_code(store, secret, printed.code) == elsewhere["learner"]


def test_a_learner_prints_no_badge_opens_no_session_and_a_form_without_xsrf_writes_nothing(
        server, store):
    mine = learner(store, "lyon-logistique")
    before = badge_rows(store)
    amina = server.session("amina")
    refused(post(server, amina, f"balise/badge/{mine}/print"), 403)
    refused(post(server, amina, "balise/badge/amina/print"), 403)
    refused(post(server, amina, f"balise/badge/{mine}/lost"), 403)
    refused(post(server, amina, "balise/badges/team/lyon-quai"), 403)
    refused(amina.get(server.url + f"balise/person/{mine}/session"), 403)
    refused(post(server, amina, f"balise/person/{mine}/session"), 403)
    refused(post(server, amina, "balise/admin/people/formatrice/password"), 403)
    trainer = server.session("formatrice")
    refused(post(server, trainer, f"balise/badge/{mine}/print", xsrf=False), 403)
    refused(post(server, trainer, f"balise/badge/{mine}/lost", xsrf=False), 403)
    assert badge_rows(store) == before


def test_a_short_code_guessed_past_the_limit_is_refused_even_when_right(server, store,
                                                                       secret):
    right = badges.issue(store, secret, "test", learner(store, "lyon-logistique")).code
    guesser = from_address()
    guesser.get(server.url + "login")
    tries = [guesser.post(server.url + "login", allow_redirects=False, data={
        "badge_code": f"{n:08d}".translate(str.maketrans("01", "AB")),
        "_xsrf": guesser.cookies.get("_xsrf")}) for n in range(5)]
    assert [r.status_code for r in tries] == [401] * 5
    r = guesser.post(server.url + "login", allow_redirects=False,
                     data={"badge_code": right, "_xsrf": guesser.cookies.get("_xsrf")})
    assert r.status_code == 429 and TOO_MANY in html.unescape(r.text)
    assert "balise-session" not in r.headers.get("Set-Cookie", "")
    scanned = guesser.get(server.url + "badge/" + "x" * 22, allow_redirects=False)
    assert scanned.status_code == 429
    # Another address is not slowed by this one's failures.
    elsewhere = from_address()
    elsewhere.get(server.url + "login")
    assert elsewhere.post(server.url + "login", allow_redirects=False, data={
        "badge_code": right, "_xsrf": elsewhere.cookies.get("_xsrf")}).status_code == 302


def test_a_badge_of_ones_own_does_not_reset_the_count_of_guesses(server, store, secret):
    own = badges.issue(store, secret, "test", learner(store, "lyon-logistique")).code
    guessed = badges.issue(store, secret, "test", learner(store, "lyon-logistique")).code
    guesser = from_address()
    guesser.get(server.url + "login")

    def typed(code):
        return guesser.post(server.url + "login", allow_redirects=False, data={
            "badge_code": code, "_xsrf": guesser.cookies.get("_xsrf")}).status_code

    assert [typed(f"WRNG-{n}{n}{n}{n}") for n in range(2, 6)] == [401] * 4
    assert typed(own) == 302
    assert typed("WRNG-6666") == 401
    assert typed(guessed) == 429


def test_neither_the_token_nor_the_code_reaches_the_log(server, store, secret):
    mine = learner(store, "lyon-logistique")
    trainer = server.session("formatrice")
    page = post(server, trainer, f"balise/badge/{mine}/print")
    code = re.search(r'class="code"[^>]*>([A-Z0-9-]{9})<', page.text).group(1)
    token = badges.issue(store, secret, "test", mine).token
    s = from_address()
    assert s.get(server.url + f"badge/{token}", allow_redirects=False).status_code == 302
    s.get(server.url + "login")
    s.post(server.url + "login", data={"badge_code": code, "_xsrf": s.cookies.get("_xsrf")})
    log = server.log.read_text(errors="replace")
    for secret_text in (token, code, code.replace("-", "")):
        assert secret_text not in log
