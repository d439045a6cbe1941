"""The Submit button carries what the page shows checked: a late state update loses nothing."""

from balise import client
from balise.widgets import Quiz
from balise.widgets.submit import SubmitButton

QUESTIONS = [
    {"id": "q1", "prompt": {"fr": "Un ?", "en": "One?"},
     "options": [{"id": "a", "fr": "A", "en": "A"}, {"id": "b", "fr": "B", "en": "B"}]},
    {"id": "q2", "prompt": {"fr": "Deux ?", "en": "Two?"},
     "options": [{"id": "x", "fr": "X", "en": "X"}, {"id": "y", "fr": "Y", "en": "Y"},
                 {"id": "z", "fr": "Z", "en": "Z"}]},
]


def test_positions_become_option_ids_of_the_questions_asked():
    quiz = Quiz(QUESTIONS)
    assert quiz.shown_answers({"q1": 1, "q2": 2}) == {"q1": "b", "q2": "z"}
    # Out of range, not a question of this quiz, not a position: left out.
    assert quiz.shown_answers({"q1": 5, "q9": 0, "q2": "y"}) == {}


def test_click_message_is_checked_before_it_reaches_the_panel():
    got = []
    button = SubmitButton(label="Envoyer", on_submit=got.append)
    button._receive(button, {"event": "submit", "answers": {"q1": 1, "q2": True, 3: 0}}, [])
    button._receive(button, {"event": "other"}, [])
    button._receive(button, "not a dict", [])
    assert got == [{"q1": 1}]
    button.disabled = True
    button.click({"q1": 0})
    assert got == [{"q1": 1}]                  # a disabled button submits nothing


def test_panel_submits_what_the_page_shows_over_a_stale_state(monkeypatch):
    sent = []
    monkeypatch.setattr(client, "_session", {"token": "t", "api_url": "http://x/"})
    monkeypatch.setattr(client, "post_submission",
                        lambda module, sid, answers: sent.append(answers) or {"status": "pending"})
    quiz = Quiz(QUESTIONS, answers={"q1": "a"})       # the kernel still holds an older choice
    panel = client.SubmitPanel("postures", quiz)
    panel.button.click({"q1": 1, "q2": 0})            # the page shows b and x checked
    assert sent == [{"q1": "b", "q2": "x"}]


def test_a_page_opened_while_her_attempt_is_graded_waits_for_that_attempt(monkeypatch):
    """Reopened mid-grading: that attempt shown locked, then its result; no new attempt."""
    import threading
    import time

    release, sent = threading.Event(), []

    def post(module, sid, answers):
        sent.append((sid, answers))
        release.wait(10)
        return {"status": "graded", "attempt": sid, "number": 1, "score": 2, "max_score": 2,
                "percent": 100.0, "passed": False, "questions": [], "pass_mark": 80}

    monkeypatch.setattr(client, "_session", {
        "token": "t", "api_url": "http://x/", "saved": {"q1": "a"}, "questions": ["q1", "q2"],
        "pending": {"attempt": "a" * 32, "number": 1, "questions": ["q1", "q2"]}})
    monkeypatch.setattr(client, "post_submission", post)
    quiz = Quiz(QUESTIONS, answers={"q1": "a"})
    panel = client.SubmitPanel("postures", quiz)
    assert panel.state == "grading" and panel.button.disabled
    assert "correction" in panel.output.value.lower()
    panel.button.click({"q1": 1})                     # a click while it is graded: nothing
    release.set()
    deadline = time.monotonic() + 10
    while panel.state == "grading" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert panel.state == "done" and panel.again.layout.display is None
    assert sent == [("a" * 32, {})]                   # the same attempt, asked once


def test_a_page_without_an_attempt_being_graded_is_ready(monkeypatch):
    monkeypatch.setattr(client, "_session", {"token": "t", "api_url": "http://x/", "saved": {},
                                             "questions": ["q1"], "pending": None})
    panel = client.SubmitPanel("postures", Quiz(QUESTIONS))
    assert panel.state == "ready" and not panel.button.disabled
