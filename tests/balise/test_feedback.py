"""Her feedback after a try: each item she was asked, her answer, the practice; never a key.

nbgrader's own feedback page showed the hidden tests, whose quiz slots list the
right option of every question of the bank: one look and the next draw is
passed. These tests read what a learner can reach after submitting (the score
the page shows, her feedback page, her landing page) for any trace of grading
code or of the key.
"""

import html
import json
import re
import uuid
from pathlib import Path

import pytest
import requests

from balise import tokens
from balise.catalogue.modules import load_catalogue

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

LEARNER, MODULE = "lea", "culture"
KEY_TRACES = ["BEGIN HIDDEN TESTS", "assert", "Traceback", "AssertionError", "ANSWERS"]


def api(server, method, path, token, **kw):
    return requests.request(method, server.url + path,
                            headers={"Authorization": f"Bearer {token}"}, **kw)


@pytest.fixture(scope="module")
def tried(server):
    """Lea's graded attempt of culture: every situation right, one question wrong on purpose."""
    module = load_catalogue(REPO / "courses")[MODULE]
    secret = tokens.load_secret(server.data / "secret.key")
    token = tokens.sign(secret, LEARNER, MODULE, 10)
    asked = api(server, "GET", "balise/api/answers", token, params={"module": MODULE}).json()
    drawn = list(asked["questions"])
    answers = {s.id: s.right_answer for s in module.scenarios}
    answers.update({qid: module.question(qid).answer for qid in drawn})
    wrong = drawn[0]
    answers[wrong] = next(o["id"] for o in module.question(wrong).options
                          if o["id"] != module.question(wrong).answer)
    r = api(server, "POST", "balise/api/submit", token,
            json={"module": MODULE, "submission_id": uuid.uuid4().hex, "answers": answers})
    assert r.status_code == 200 and r.json()["status"] == "graded", r.text
    return module, drawn, wrong, r.json()


def no_key_in(text: str, module, drawn) -> None:
    for trace in KEY_TRACES:
        assert trace not in text, trace
    for q in module.quiz:
        if q.id not in drawn:              # nothing of a question she was not asked
            assert q.prompt["fr"] not in text, q.id
            assert q.practice["fr"] not in text, q.id
    # no list of the bank's right options, in any form
    keys = [q.answer for q in module.quiz]
    assert not re.search(r"\[\s*['\"]" + r"['\"],\s*['\"]".join(map(re.escape, keys[:3])), text)


def test_the_score_names_each_item_and_holds_no_key(tried):
    module, drawn, wrong, result = tried
    text = json.dumps(result, ensure_ascii=False)
    no_key_in(text, module, drawn)
    items = result["questions"]
    assert [i["id"] for i in items] == [*(s.id for s in module.scenarios), *drawn]
    assert result["counts"] == {"scenarios": len(module.scenarios), "questions": len(drawn)}
    by_id = {i["id"]: i for i in items}
    assert by_id[wrong]["correct"] is False and by_id[wrong]["prompt"] == module.question(
        wrong).prompt
    chosen = next(o for o in module.question(wrong).options if o["id"] != module.question(
        wrong).answer)
    assert by_id[wrong]["answer"]["fr"] == chosen["fr"]        # her answer, in words
    assert all(i["correct"] for i in items if i["id"] != wrong)


NOTE = re.compile(r'<span id="balise-(?:result-)?term-\w+" popover="auto" '
                  r'class="balise-term-note">.*?</button></span>', re.S)


def words_shown(page: str) -> str:
    """The page's words as read, a tapped word once (its explanation, in a popover, left out)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", NOTE.sub("", page))).split())


def test_her_feedback_page_is_balises_own(server, tried):
    module, drawn, wrong, _ = tried
    lea = server.session(LEARNER)
    r = lea.get(server.url + f"balise/feedback/{MODULE}")
    assert r.status_code == 200
    text = html.unescape(r.text)
    no_key_in(text, module, drawn)
    said = words_shown(r.text)
    for qid in drawn:
        assert module.question(qid).prompt["fr"] in said
    for s in module.scenarios:
        assert s.prompt["fr"] in said
    assert 'class="balise-term"' in r.text          # "quai" in situation 1, tapped
    assert text.count("✘ Question") + text.count("✘ Situation") == 1 and "Votre réponse" in text
    assert f"{len(drawn)} questions + {len(module.scenarios)} situations" in text
    landing = html.unescape(lea.get(server.url + "balise/learner").text)
    assert f"balise/feedback/{MODULE}" in landing
    no_key_in(landing, module, drawn)


@pytest.mark.parametrize("query", ["?attempt=not-hers", "?attempt=../../etc/passwd",
                                   "?learner=amina", "?learner=formatrice"])
def test_a_link_that_is_not_hers_is_page_not_found(server, tried, query):
    r = server.session(LEARNER).get(server.url + f"balise/feedback/{MODULE}{query}")
    assert r.status_code == 404 and "Page introuvable" in r.text and "Page not found" in r.text
    assert "Votre réponse" not in r.text


def test_another_learners_attempt_id_is_page_not_found(server, tried):
    _, _, _, result = tried
    r = server.session("yusuf").get(server.url + f"balise/feedback/{MODULE}",
                                    params={"attempt": result["attempt"]})
    assert r.status_code == 404 and "Votre réponse" not in r.text


def test_a_module_never_tried_is_page_not_found(server):
    r = server.session(LEARNER).get(server.url + "balise/feedback/screen-work")
    assert r.status_code == 404 and "Page introuvable" in r.text


def test_a_word_she_may_not_know_is_explained_once_in_her_result(tried):
    """The score and her feedback page explain each glossary word at its first place there:
    the practice may be the first text of the module to use it."""
    from balise.catalogue import glossary

    module, _, _, result = tried
    terms = glossary.glossary_of(module.folder)
    for lang in ("fr", "en"):
        texts = [item[field] for item in result["questions"]
                 for field in ("prompt", "answer", "practice")]
        used = glossary.used(terms, [t[lang] for t in texts], lang)
        noted = [n["word"].lower() for t in texts for n in (t.get("terms") or {}).get(lang, [])]
        named = {t.line for t in terms for word in noted
                 if any(word == form.lower() for form in t.words[lang])}
        assert used and used == named, lang
        assert len(noted) == len(set(noted)), lang              # once each


def test_a_demo_attempt_shows_the_answers_it_was_graded_on(server):
    """yusuf's seeded culture attempt, every item right: each says what he answered."""
    module = load_catalogue(REPO / "courses")["culture"]
    r = server.session("yusuf").get(server.url + "balise/feedback/culture")
    said = words_shown(r.text)
    assert r.status_code == 200 and "Pas de réponse" not in said
    choice = module.scenario("s3")
    right = next(o for o in choice.public_data["options"] if o["id"] == choice.answer)
    assert right["fr"] in said
