"""Bad input at every edge: odd ids, broken JSON, tricks as answers, doubles, huge bodies."""

import json
import shutil
import subprocess
import uuid

import pytest
import requests
from shared import BIN

from probe import REPO, api, bilingual, refused, submission, token, unchanged

pytestmark = pytest.mark.slow

ODD_IDS = ["../amina", "amina/../yusuf", "/etc/passwd", "amina\x00", "a" * 300,
           "ámina", "amina\u202e", "..", "%2e%2e", "amina;DROP TABLE people"]


@pytest.mark.parametrize("learner", ODD_IDS)
def test_odd_learner_ids_are_refused_everywhere(server, learner):
    yusuf = server.session("yusuf")
    with unchanged(server):
        signin = server.sign_in(requests.Session(), learner, "not-her-password")
        feedback = yusuf.get(server.url + "balise/feedback/postures",
                                                      params={"learner": learner})
        api_call = api(server, "balise/api/submit", token(server, learner), submission())
    bilingual(refused(signin, 401, 429), "Nom ou mot de passe incorrect", "Wrong name or password")
    refused(feedback, 404)          # Tornado drops control characters: "amina\x00" is amina
    refused(api_call, 403)


@pytest.mark.parametrize("attempt_id", ["../../etc/x", "a/b", "x\x00y", "z" * 100, "", None, 7])
def test_odd_submission_ids_write_nothing(server, attempt_id):
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea"),
                {"module": "postures", "submission_id": attempt_id, "answers": {}})
    text = refused(r, 400)
    assert "submission id" in json.loads(text)["error"]


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'"answers"', b"null", b"\xff\xfe",
                                 b'{"module": "postures", "answers": ' + b"[" * 5000 + b"]" * 5000
                                 + b"}"])
def test_malformed_json_is_refused_plainly(server, raw):
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea"), raw=raw)
    refused(r, 400, 401, 403)
    assert "error" in r.json()


@pytest.mark.parametrize("answers", [
    {"q1": '<script>alert(1)</script>'},
    {"s1": {"__eq__": "lambda *a: True"}},
    {"q1": "__import__('os').system('touch /tmp/pwned')"},
    {"s2": ["avoid"] * 10_000},
    {"q1": ["b", "b"]},
    {"ANSWERS": {"q1": "b"}},
    {"cells": [{"cell_type": "code", "source": "import os"}], "nbformat": 4},
    ["q1", "b"],
])
def test_tricks_sent_as_answers_are_refused_and_score_nothing(server, answers):
    """The grading tricks a page can send: only known ids in their own shape are kept."""
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea"), submission(answers=answers))
    refused(r, 400)


@pytest.mark.parametrize("item,value", [("s1", '<img src=x onerror=alert(1)>'),
                                        ("q1", "<b>b</b>"), ("s3", {"H": "<script>"})])
def test_html_in_a_saved_answer_is_refused(server, item, value):
    with unchanged(server):
        r = api(server, "balise/api/answer", token(server, "lea"),
                {"module": "postures", "item": item, "answer": value})
    refused(r, 400)


def test_a_double_submit_is_one_attempt(server):
    body = submission()
    first = api(server, "balise/api/submit", token(server, "yusuf"), body)
    assert first.status_code == 200
    with unchanged(server):
        again = api(server, "balise/api/submit", token(server, "yusuf"), body)
    assert again.status_code == 200 and again.json()["attempt"] == first.json()["attempt"]


def test_a_submission_id_of_someone_else_is_refused(server):
    body = submission()
    assert api(server, "balise/api/submit", token(server, "amina"), body).status_code == 200
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea"), body)
    assert "already used" in json.loads(refused(r, 400))["error"]


@pytest.mark.parametrize("module", ["unknown", "gallery", "../postures", ""])
def test_a_submission_for_an_unknown_or_closed_module_is_refused(server, module):
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea", module), submission(module))
    text = refused(r, 400, 403)
    assert "module" in text or "propres réponses" in text


def test_a_huge_upload_is_refused_with_a_plain_message(server):
    big = {**submission(), "padding": "x" * (2 * 1024 * 1024)}
    with unchanged(server):
        r = api(server, "balise/api/submit", token(server, "lea"), big)
    text = refused(r, 413)
    bilingual(text, "Envoi trop gros", "Too much sent at once")


def test_a_body_past_the_server_limit_never_reaches_a_handler(server):
    with unchanged(server):
        try:
            r = requests.post(server.url + "balise/api/submit", data=b"x" * (9 * 1024 * 1024),
                              headers={"Authorization": f"Bearer {token(server, 'lea')}"})
            assert r.status_code in (400, 413) and "Traceback" not in r.text
        except requests.ConnectionError:
            pass                                   # Tornado closes the connection: refused
    assert requests.get(server.url + "login").status_code == 200


def test_hostile_module_yaml_is_refused_and_never_run(tmp_path):
    """`!!python/object` in a module's YAML: a plain message naming the file, nothing run."""
    courses = tmp_path / "courses"
    shutil.copytree(REPO / "courses", courses)
    marker = tmp_path / f"pwned-{uuid.uuid4().hex}"
    yaml_file = courses / "postures" / "module.yaml"
    yaml_file.write_text(yaml_file.read_text().replace(
        "duration_minutes: 15",
        f"duration_minutes: !!python/object/apply:os.system ['touch {marker}']"))
    result = subprocess.run(
        [str(BIN / "balise"), "build", "--check", "--data", str(tmp_path / "data"),
         "--courses", str(courses)], capture_output=True, text=True, timeout=120)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and not marker.exists()
    assert "module.yaml" in out and "Traceback" not in out, out[-2000:]
