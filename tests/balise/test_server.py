"""The running server: sign-in, roles, what nobody can fetch, and who can submit."""

import gzip
import html
import re
import time
import uuid
from pathlib import Path

import pytest
import requests

from balise import tokens

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_wrong_password_gives_the_same_plain_message_as_an_unknown_name(server):
    s = requests.Session()
    wrong = server.sign_in(s, "amina", "not-her-password")
    unknown = server.sign_in(s, "nobody-here", "not-her-password")
    assert wrong.status_code == unknown.status_code == 401
    for r in (wrong, unknown):
        assert "Nom ou mot de passe incorrect" in r.text and "Wrong name or password" in r.text
        assert "Traceback" not in r.text
    assert "amina" not in wrong.text


def test_each_role_lands_on_its_own_page(server):
    for who, page in [("amina", "learner"), ("formatrice", "trainer"),
                      ("coordinateur", "coordinator")]:
        r = server.session(who).get(server.url)
        assert r.status_code == 200 and r.url.endswith(f"/balise/{page}"), (who, r.url)


def test_signed_out_visitor_is_sent_to_sign_in(server):
    r = requests.get(server.url + "balise/learner")
    assert r.url.startswith(server.url + "login")


@pytest.mark.parametrize("who,page", [("amina", "trainer"), ("amina", "coordinator"),
                                      ("formatrice", "coordinator")])
def test_pages_of_other_roles_are_forbidden(server, who, page):
    r = server.session(who).get(server.url + f"balise/{page}")
    assert r.status_code == 403
    assert "Cette page n'est pas pour votre rôle" in html.unescape(r.text)


SECRET_PATHS = [
    "files/source/postures/postures.ipynb",
    "files/../source/postures/postures.ipynb",
    "files/postures/postures.ipynb",
    "api/contents/postures/postures.ipynb",
    "api/contents/../source/postures/postures.ipynb",
    "voila/render/../source/postures/postures.ipynb",
    "voila/render/%2e%2e/source/postures/postures.ipynb",
    "voila/files/../source/postures/postures.ipynb",
    "voila/files/%2e%2e%2fsource%2fpostures%2fpostures.ipynb",
    "voila/api/contents/../source/postures",
    "voila/tree/../source",
    "voila/files/../gradebook.db",
    "voila/files/../../gradebook.db",
    "files/../../gradebook.db",
    "voila/files/postures/postures.ipynb",
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_nobody_fetches_a_source_notebook_or_the_gradebook(server, path):
    s = server.session("coordinateur")
    r = s.get(server.url + path, allow_redirects=True)
    assert "BEGIN HIDDEN TESTS" not in r.text and "assert ANSWERS" not in r.text
    assert "SQLite format" not in r.text
    if r.status_code == 200:
        # Only Voila's own page may answer, and without the key.
        assert "ANSWERS = {'q1'" not in r.text


def submit(server, token, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(server.url + "balise/api/submit", json=body, headers=headers)


def body(**extra):
    return {"module": "postures", "submission_id": uuid.uuid4().hex, "answers": {}, **extra}


def secret(server):
    return tokens.load_secret(server.data / "secret.key")


def test_submit_without_or_with_forged_token_is_refused(server):
    assert submit(server, None, body()).status_code == 401
    forged = tokens.sign(b"f" * 32, "amina", "postures", 10)
    r = submit(server, forged, body())
    assert r.status_code == 401 and "Traceback" not in r.text


def test_a_request_naming_another_learner_is_refused(server):
    token = tokens.sign(secret(server), "amina", "postures", 10)
    r = submit(server, token, body(learner="yusuf"))
    assert r.status_code == 403
    assert "Vous ne pouvez envoyer que vos propres réponses" in r.json()["error"]


def test_token_for_one_module_cannot_submit_another(server):
    token = tokens.sign(secret(server), "amina", "postures", 10)
    assert submit(server, token, body(module="ppe")).status_code == 403


def test_only_learners_submit(server):
    token = tokens.sign(secret(server), "formatrice", "postures", 10)
    assert submit(server, token, body()).status_code == 403


def test_malformed_submission_is_refused_with_a_message(server):
    token = tokens.sign(secret(server), "lea", "postures", 10)
    r = submit(server, token, body(answers={"q1": "zz"}))
    assert r.status_code == 400 and "unknown option" in r.json()["error"]
    r = requests.post(server.url + "balise/api/submit", data=b"{not json",
                      headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400


def test_feedback_is_for_the_learner_and_her_trainer_only(server):
    token = tokens.sign(secret(server), "amina", "postures", 10)
    r = submit(server, token, body(answers={"q1": "b"}))
    assert r.status_code == 200 and r.json()["status"] == "graded"
    amina = server.session("amina")
    url = server.url + "balise/feedback/postures"
    own = amina.get(url)
    assert own.status_code == 200 and "Votre réponse" in own.text
    assert server.session("formatrice").get(url + "?learner=amina").status_code == 200
    assert server.session("coordinateur").get(url + "?learner=amina").status_code == 200
    for bad in ["yusuf", "../amina", "amina/../../x", "formatrice"]:
        refused = amina.get(url, params={"learner": bad})
        assert refused.status_code == 404 and "Page introuvable" in refused.text, bad
    assert server.session("yusuf").get(url + "?learner=amina").status_code == 404
    assert amina.get(server.url + "balise/feedback/unknown-module").status_code == 404
    # nbgrader's own page, made just after the score, is for her trainer only.
    raw = server.url + "balise/trainer/feedback/postures?learner=amina"
    trainer = server.session("formatrice")
    for _ in range(100):
        page = trainer.get(raw)
        if page.status_code == 200:
            break
        time.sleep(0.1)
    assert page.status_code == 200 and "sandbox" in page.headers["Content-Security-Policy"]
    assert amina.get(raw).status_code == 403
    assert server.session("yusuf").get(raw).status_code == 403


def answer(server, token, item, value, module="postures"):
    return requests.post(server.url + "balise/api/answer", headers={
        "Authorization": f"Bearer {token}"}, json={"module": module, "item": item, "answer": value})


def test_scenarios_are_checked_on_the_server_and_answers_saved(server):
    token = tokens.sign(secret(server), "lea", "postures", 10)
    wrong = answer(server, token, "s1", "a")
    assert wrong.status_code == 200 and wrong.json()["feedback"]["right"] is False
    assert "NIOSH" in wrong.json()["feedback"]["source"]
    assert answer(server, token, "s1", "b").json()["feedback"]["right"] is True
    order = ["avoid", "evaluate", "collective", "ppe"]
    assert answer(server, token, "s2", order).json()["feedback"]["right"] is True
    assert answer(server, token, "q1", "b").json()["feedback"] is None    # no key before submit
    saved = requests.get(server.url + "balise/api/answers", params={"module": "postures"},
                         headers={"Authorization": f"Bearer {token}"}).json()["answers"]
    assert saved == {"s1": "b", "s2": order, "q1": "b"}


@pytest.mark.parametrize("item,value", [("s1", "zz"), ("s2", ["avoid"]), ("q99", "a"),
                                        ("s1", {"__eq__": 1}), (None, "a")])
def test_bad_answers_are_refused_and_not_saved(server, item, value):
    token = tokens.sign(secret(server), "lea", "postures", 10)
    assert answer(server, token, item, value).status_code == 400


def test_answers_need_the_learners_own_token(server):
    assert answer(server, "forged.token", "s1", "b").status_code == 401
    token = tokens.sign(secret(server), "lea", "postures", 10)
    assert answer(server, token, "s1", "b", module="ppe").status_code == 403
    trainer = tokens.sign(secret(server), "formatrice", "postures", 10)
    assert answer(server, trainer, "s1", "b").status_code == 403


def test_module_page_shows_no_key(server):
    """The Voila page a learner gets holds prompts and options, never a key or a practice."""
    from balise.catalogue.modules import load_catalogue

    module = load_catalogue(REPO / "courses")["postures"]
    page = server.session("lea").get(server.url + "voila/render/postures/postures.ipynb")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Situation 1" in text and "Quiz" in text
    for item in module.graded_items:
        assert item.practice["fr"] not in text and item.practice["en"] not in text, item.id
    assert "ANSWERS = {'" not in text and repr(module.scenario("s2").answer) not in text
    assert "balise.client.connect" not in text                 # the identity cell is hidden


@pytest.mark.parametrize("who,path", [(None, "login"), ("lea", "balise/learner"),
                                      ("formatrice", "balise/trainer"),
                                      ("lea", "voila/render/postures/postures.ipynb"),
                                      ("lea", "balise/trainer")])
def test_every_page_carries_the_security_headers(server, who, path):
    r = (server.session(who) if who else requests).get(server.url + path)
    assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", "")
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert r.headers.get("Referrer-Policy") == "same-origin"


def test_password_guessing_is_slowed_down_with_a_plain_message(server):
    s = requests.Session()
    codes = [server.sign_in(s, "guesser", f"guess-{n}").status_code for n in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    blocked = server.sign_in(s, "guesser", "anything")
    assert blocked.status_code == 429
    assert "Trop d'essais" in html.unescape(blocked.text) and "Too many tries" in blocked.text
    assert "balise-session" not in s.cookies
    assert server.sign_in(requests.Session(), "lea", "demo-lea").status_code == 200


def test_logs_hold_no_token_secret_or_password(server):
    server.sign_in(requests.Session(), "lea", "demo-lea")
    log = server.log.read_text()
    # Jupyter writes a token a request carried as "token=[secret]" (the security tests
    # send one on purpose); any other value after "token=" would be one leaked.
    assert not re.search(r"token=(?!\[secret\])", log.replace("xsrf", "")), log[-2000:]
    assert secret(server).hex() not in log
    assert log.count("demo-lea") == 1              # the demo banner, never a request line


def test_module_pages_scripts_and_page_come_compressed(server):
    """A phone's first open moves about a fifth of the bytes (issue 18, item 2)."""
    s = server.session("amina")
    page = s.get(server.url + "voila/render/postures/postures.ipynb",
                 headers={"Accept-Encoding": "gzip"}, stream=True)
    assert page.headers.get("Content-Encoding") == "gzip"
    page.close()
    script = s.get(server.url + "voila/static/voila.js", headers={"Accept-Encoding": "gzip"},
                   stream=True)
    assert script.status_code == 200 and script.headers.get("Content-Encoding") == "gzip"
    raw = script.raw.read()
    assert len(raw) < 0.5 * len(gzip.decompress(raw))
