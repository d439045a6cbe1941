"""The module page's side of a submission, running in the Voila kernel.

The server injects ``connect(token, url)`` as the page's first cell when
Voila launches the kernel (see :mod:`balise.web.voila_hook`); the learner never
sees or edits it. Without it (nbval, nbgrader's autograde) the panel shows a
preview note and submits nothing.
"""

from __future__ import annotations

import atexit
import html
import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid

import ipywidgets as w

from balise.messages import CATALOGUE, both, number_words, tagged, text
from balise.widgets.shown import ShownHTML

_session: dict[str, str] = {}


def connect(token: str, api_url: str) -> None:
    _session.update(token=token, api_url=api_url)


def _call(path: str, payload: dict | None = None, timeout: float = 180) -> dict:
    """GET (no payload) or POST JSON to the server; its JSON, or {'error': ...}."""
    body = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(
        _session["api_url"] + path, data=body, method="POST" if body else "GET",
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {_session['token']}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        try:
            return json.loads(err.read())
        except ValueError:
            return {"error": both("server_error")}
    except (urllib.error.URLError, TimeoutError, ValueError):
        return {"error": both("server_unreachable")}


def post_submission(module: str, submission_id: str, answers: dict, timeout: float = 180) -> dict:
    return _call("balise/api/submit", {"module": module, "submission_id": submission_id,
                                       "answers": answers}, timeout)


def _fetch(module: str) -> None:
    reply = _call(f"balise/api/answers?module={module}", timeout=10)
    ok = "error" not in reply
    _session["saved"] = reply.get("answers", {}) if ok else {}
    _session["questions"] = reply.get("questions") if ok else None


def saved_answers(module: str) -> dict:
    """What this learner answered earlier in this module (autosaved), or {} in a preview."""
    if not _session:
        return {}
    if "saved" not in _session:
        _fetch(module)
    return _session["saved"]


def drawn_questions(module: str, questions: list[dict], size: int,
                    refresh: bool = False) -> list[dict]:
    """The questions of the learner's next attempt, drawn by the server from the bank.

    In a preview (nbval, no server) the bank's first ``size`` questions.
    """
    if not _session:
        return questions[:size]
    if refresh or "saved" not in _session:
        _fetch(module)
    ids = _session.get("questions")
    if not ids:
        return questions[:size]
    by_id = {q["id"]: q for q in questions}
    return [by_id[qid] for qid in ids if qid in by_id]


def save_answer(module: str, item: str, answer) -> dict | None:
    """Save one answer on the server; a scenario's check comes back with it.

    When it cannot be saved, ``{'error': ...}``: the page says "not saved,
    try again", never "wrong".
    """
    if not _session:
        return None
    reply = _call("balise/api/answer", {"module": module, "item": item, "answer": answer},
                  timeout=10)
    return reply.get("feedback") if "error" not in reply else {"error": reply["error"]}


def scenario(module: str, spec: dict, assets: str = "assets"):
    """The widget for a scenario's public part, checked and saved by the server."""
    from balise.widgets.factory import make

    check = lambda answer: save_answer(module, spec["id"], answer)  # noqa: E731
    keep = lambda answer: _background.put(module, spec["id"], answer)  # noqa: E731
    return make(spec, check=check, answer=saved_answers(module).get(spec["id"]), assets=assets,
                on_change=keep)


class _Background:
    """Saves that need no reply, sent in order by one thread: the page never waits for them."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None

    def put(self, *call) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="balise-saves", daemon=True)
            self._thread.start()
            # A page closed or reloaded shuts its kernel down: send what is queued first.
            atexit.register(self.drain)
        self._queue.put(call)

    def _run(self) -> None:
        while True:
            module, item, answer = self._queue.get()
            try:
                save_answer(module, item, answer)
            finally:
                self._queue.task_done()

    def drain(self, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)


_background = _Background()


def quiz(module: str, questions: list[dict], size: int | None = None):
    """The quiz of this attempt, earlier answers restored, each new one saved in the background.

    ``questions`` is the module's whole bank (public part); the page shows
    the ``size`` the server drew for this learner's attempt.
    """
    from balise.widgets import Quiz

    size = len(questions) if size is None else size
    widget = Quiz(drawn_questions(module, questions, size), answers=saved_answers(module),
                  on_answer=lambda item, answer: _background.put(module, item, answer))

    def redraw() -> None:
        _background.drain()
        widget.show(drawn_questions(module, questions, size, refresh=True),
                    answers=saved_answers(module))

    widget.redraw = redraw
    return widget


def _both_html(words: dict[str, str]) -> str:
    """A course text in both languages, each tagged so a one-language page can hide the other."""
    return (f'<span lang="fr">{html.escape(words["fr"])}</span>'
            f'<span lang="en" class="balise-second"><br>{html.escape(words["en"])}</span>')


def _filled(key: str, **values) -> str:
    """A catalogue word with numbers in it, tagged by language like :func:`tagged`."""
    entry = CATALOGUE[key]
    return _both_html({lang: entry[lang].format(**values) for lang in ("fr", "en")})


def render_result(result: dict) -> str:
    """The score, what it counts, and each item she was asked: its text, her answer, right or
    wrong, the practice and its source (unfolded on demand)."""
    if "error" in result:
        return f'<div role="alert"><strong>⚠ {html.escape(result["error"])}</strong></div>'
    if result.get("status") != "graded":
        return f'<div role="status">{tagged("kept_pending")}</div>'
    verdict = "passed" if result["passed"] else "not_passed"
    counts = result.get("counts", {})
    counted = _filled("counts", questions=counts.get("questions", 0),
                      scenarios=counts.get("scenarios", 0))
    got, out_of = number_words(result["score"]), number_words(result["max_score"])
    score = {lang: f"{got[lang]} / {out_of[lang]}" for lang in ("fr", "en")}
    score = (html.escape(score["fr"]) if score["fr"] == score["en"] else
             f'<span lang="fr">{html.escape(score["fr"])}</span>'
             f'<span lang="en" class="balise-second"> ({html.escape(score["en"])})</span>')
    parts = [
        f'<div role="status" class="balise-score"><h3>{tagged("score")} : '
        f'{score} ({result["percent"]} %)</h3><p>{counted}</p>'
        f'<p><strong>{tagged(verdict)}</strong> '
        f'({tagged("pass_mark")} : {result["pass_mark"]} %)</p><ol>'
    ]
    for q in result["questions"]:
        mark, word = ("✔", "right") if q["correct"] else ("✘", "wrong")
        title = "situation_n" if q.get("type") == "scenario" else "question_n"
        parts.append(
            f'<li class="balise-q-{"right" if q["correct"] else "wrong"}">'
            f'<strong>{_filled(title, n=q["n"])} : {mark} {tagged(word)}</strong><br>'
            f'{_both_html(q["prompt"])}<br>'
            f'<em>{tagged("your_answer")} :</em> {_both_html(q["answer"])}<br>'
            f'<em>{tagged("right_practice")} :</em> {_both_html(q["practice"])}'
            f'<details><summary>{html.escape(text("source", "fr"))}</summary>'
            f'<small>{html.escape(q["source"])}</small></details></li>')
    parts.append("</ol></div>")
    return "".join(parts)


class SubmitPanel(w.VBox):
    """Submit button and result. One click, one attempt: clicks while grading are ignored."""

    def __init__(self, module: str, quiz, **kwargs):
        super().__init__(**kwargs)
        self.module, self.quiz = module, quiz
        self.submission_id = uuid.uuid4().hex
        self.state = "ready"
        from balise.widgets.submit import SubmitButton

        # Its click carries the answers the page shows (see balise.widgets.submit).
        self.button = SubmitButton(label=both("submit"), on_submit=self._on_submit)
        self.again = w.Button(description=both("try_again"),
                              layout=w.Layout(min_height="44px", width="auto", display="none"))
        self.again.add_class("balise-again")
        self.output = ShownHTML()
        self.output.add_class("balise-result")
        self.again.on_click(self._on_again)
        self.children = [self.button, self.output, self.again]

    def _on_submit(self, shown: dict | None = None) -> None:
        if self.state != "ready":
            return
        if not _session:
            self.output.value = f"<p>{html.escape(both('preview'))}</p>"
            return
        self.state = "grading"
        self.button.disabled = True
        self.quiz.lock(True)
        self.output.value = f'<p role="status">{html.escape(both("grading"))}</p>'
        # What the page shows checked wins over state updates still on their way.
        answers = {**self.quiz.answer, **self.quiz.shown_answers(shown or {})}
        result = post_submission(self.module, self.submission_id, answers)
        self.output.value = render_result(result)
        if result.get("status") == "graded":
            self.state = "done"
            self.again.layout.display = None
        else:
            self.state = "ready"
            self.button.disabled = False
            self.quiz.lock(False)

    def _on_again(self, _=None) -> None:
        # A new attempt asks a new draw of questions.
        if hasattr(self.quiz, "redraw"):
            self.quiz.redraw()
        self.submission_id = uuid.uuid4().hex
        self.state = "ready"
        self.button.disabled = False
        self.quiz.lock(False)
        self.again.layout.display = "none"
        self.output.value = ""
