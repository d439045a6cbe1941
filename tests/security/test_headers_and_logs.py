"""Every page framed by nobody, never sniffed; no debug mode; no token or secret in the logs."""

import re

import pytest
import requests

from probe import open_page, refused, secret, token

pytestmark = pytest.mark.slow

PAGES = [(None, "login"), (None, "logout"), (None, "balise/verify/unknown-code"),
         (None, "no/such/page"), ("lea", "balise/learner"), ("lea", "balise/trainer"),
         ("lea", "balise/feedback/postures"), ("lea", "voila/render/postures/postures.ipynb"),
         ("lea", "voila/tree"), ("lea", "balise/refresher/999999"),
         ("formatrice", "balise/trainer/quarter-hour"), ("formatrice", "balise/trainer/warm-up"),
         ("formatrice", "balise/trainer/validation"), ("coordinateur", "balise/coordinator"),
         ("coordinateur", "balise/dashboard"), ("lea", "api/kernels")]


@pytest.fixture(scope="module")
def sessions(server):
    return {who: server.session(who) for who in ("lea", "formatrice", "coordinateur")}


@pytest.mark.parametrize("who,path", PAGES)
def test_every_page_and_error_carries_the_security_headers(server, sessions, who, path):
    r = (sessions[who] if who else requests).get(server.url + path)
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, (path, csp)
    assert r.headers.get("X-Content-Type-Options") == "nosniff", path
    if r.status_code >= 400:
        refused(r, r.status_code)


def test_the_api_answers_json_with_the_headers_too(server):
    r = requests.post(server.url + "balise/api/submit", json={})
    assert r.status_code == 401 and r.headers["Content-Type"].startswith("application/json")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


def test_no_debug_mode_and_no_token_or_secret_in_the_logs(server, sessions):
    open_page(sessions["lea"], server)
    api_token = token(server, "lea")
    requests.get(server.url + "balise/api/answers", params={"module": "postures"},
                 headers={"Authorization": f"Bearer {api_token}"})
    requests.get(server.url + "balise/learner?token=abc&_xsrf=1")
    log = server.log.read_text(errors="replace")
    assert "[D " not in log and "debug=True" not in log.lower()
    assert api_token not in log and api_token.split(".")[1] not in log
    assert "balise.client.connect(" not in log             # the page's identity cell
    assert secret(server).hex() not in log
    assert not re.search(r"[?&]token=\w", log)
    leaked = [line for line in log.splitlines() if "balise-session=" in line]
    assert not leaked, leaked[:3]
