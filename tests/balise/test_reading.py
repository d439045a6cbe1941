"""Her choice of language holds on Balise's own pages too (issue 17, item 8)."""

import html
import re

import pytest

pytestmark = pytest.mark.slow


def choose(server, s, reading: str, back: str = "/balise/learner"):
    return s.post(server.url + "balise/reading",
                  data={"reading": reading, "next": back, "_xsrf": s.cookies.get("_xsrf")})


NOTE = re.compile(r'<span id="balise-(?:result-)?term-\w+" popover="auto" '
                  r'class="balise-term-note">.*?</button></span>', re.S)


def visible_words(page: str) -> str:
    """The page's text without tags, styles, scripts and the words' explanations (popovers
    shown on a tap), entities read, spaces tidied."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", NOTE.sub("", page), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def test_french_only_landing_says_no_english_and_english_only_no_french(server):
    s = server.session("lea")
    try:
        r = choose(server, s, "fr")
        assert r.status_code == 200 and r.url.endswith("/balise/learner")
        text = visible_words(r.text)
        assert "Mon parcours" in text and "My route" not in text and "Sign out" not in text
        assert 'lang="fr"' in r.text and 'id="reading-fr" aria-pressed="true"' in r.text
        r = choose(server, s, "en")
        text = visible_words(r.text)
        assert "My route" in text and "Mon parcours" not in text and "Se déconnecter" not in text
        assert r.text.lstrip().startswith("<!doctype html>\n<html lang=\"en\">")
        # Kept for the person: a new session finds it, and so does the feedback page.
        again = server.session("lea").get(server.url + "balise/learner")
        assert "Mon parcours" not in visible_words(again.text)
    finally:
        choose(server, s, "both")
    text = visible_words(server.session("lea").get(server.url + "balise/learner").text)
    assert "Mon parcours" in text and "My route" in text


def test_a_bad_choice_changes_nothing(server):
    s = server.session("lea")
    before = s.get(server.url + "balise/learner").text
    r = choose(server, s, "de")
    assert r.status_code == 400 and "Traceback" not in r.text
    after = s.get(server.url + "balise/learner").text
    assert ('id="reading-both" aria-pressed="true"' in before) == \
        ('id="reading-both" aria-pressed="true"' in after)


def test_without_xsrf_the_choice_is_refused(server):
    s = server.session("lea")
    r = s.post(server.url + "balise/reading", data={"reading": "en"})
    assert r.status_code == 403
    assert "My route" in visible_words(s.get(server.url + "balise/learner").text)


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "/\\evil",
                                  "javascript:alert(1)"])
def test_the_way_back_stays_on_this_server(server, back):
    s = server.session("lea")
    try:
        r = choose(server, s, "fr", back)
        assert r.url.startswith(server.url), r.url
    finally:
        choose(server, s, "both")


def test_her_feedback_page_follows_her_choice_too(server):
    """yusuf's demo attempt at culture: the page's words and the course's texts alike."""
    from pathlib import Path

    from balise.catalogue.modules import load_catalogue

    module = load_catalogue(Path(__file__).resolve().parents[2] / "courses")["culture"]
    english = [s.prompt["en"] for s in module.scenarios]
    s = server.session("yusuf")
    try:
        choose(server, s, "fr", "/balise/feedback/culture")
        r = s.get(server.url + "balise/feedback/culture")
        assert r.status_code == 200
        text = visible_words(r.text)
        assert "Votre note" in text and "Your score" not in text
        assert module.scenarios[0].prompt["fr"] in text
        assert not [e for e in english if e in text]
        choose(server, s, "en")
        text = visible_words(s.get(server.url + "balise/feedback/culture").text)
        assert "Your score" in text and module.scenarios[0].prompt["en"] in text
        assert module.scenarios[0].prompt["fr"] not in text
    finally:
        choose(server, s, "both")
    text = visible_words(s.get(server.url + "balise/feedback/culture").text)
    assert module.scenarios[0].prompt["fr"] in text and module.scenarios[0].prompt["en"] in text
