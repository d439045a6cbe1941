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
import os
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid

import ipywidgets as w

from balise import stable_ids, state_reply
from balise.messages import both, tagged
from balise.result_view import (
    both_html,
    filled,
    next_link,
    plain_text,
    render_result,
    say_key,
    tagged_plain,
)
from balise.widgets.shown import ShownHTML

state_reply.install()          # the page's widgets, sent without what the browser knows
stable_ids.install()           # a page run ahead: the same widget ids in every kernel

_session: dict[str, str] = {}
# The page's scenarios, in the page's order: {scenario id: prompt}.
_scenarios: dict[str, dict[str, str]] = {}
# A pre-rendered page (balise.web.page_pool) runs before anyone asked for it: its widgets
# are built blank, and each part leaves here what to fill in once the server says whose
# page it is (:func:`adopt`).
PREHEATED = stable_ids.PREHEATED
_to_fill: list = []


def connect(token: str, api_url: str) -> None:
    _session.update(token=token, api_url=api_url)


def _preheated() -> bool:
    """Is this kernel running a page ahead of its learner (no identity yet)?"""
    return not _session and os.environ.get(PREHEATED) == "1"


def adopt(token: str, api_url: str) -> None:
    """The server gives this pre-rendered page to a learner: her name, language, last
    result, saved answers and her own draw of questions, in the widgets already shown.

    Sent by the server on its own connection to the kernel (never by the page, which
    cannot run code), with a token it signed for her and this module, as the identity
    cell does for a page rendered on demand.
    """
    connect(token, api_url)
    os.environ.pop(PREHEATED, None)
    fill, _to_fill[:] = list(_to_fill), []
    for part in fill:
        part()


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
    for key in ("learner", "last", "next", "pending"):
        _session[key] = reply.get(key) if ok else None


def header(module: str):
    """The top of a module page: back to her modules, her name, the language she reads.

    Her language choice is hers, not the page's: it comes from the server when the page
    opens and each change goes back, so the next module opens the same way. When she
    passed this module before, her last result shows here, with a way to start again.
    """
    from balise.widgets import LanguageSwitch

    if _preheated():
        box = w.VBox([ShownHTML(_top_bar("")), LanguageSwitch()])
        _to_fill.append(lambda: _fill_header(module, box))
        return box
    if not _session:
        return LanguageSwitch()
    box = w.VBox([ShownHTML(_top_bar("")), LanguageSwitch()])
    _fill_header(module, box)
    return box


def _top_bar(name: str) -> str:
    """Back to her modules, and her name."""
    return (
        '<nav class="balise-top" style="display:flex;flex-wrap:wrap;gap:8px 16px;'
        'align-items:center;justify-content:space-between">'
        f'<a href="../../../balise/learner" style="font-size:18px;min-height:44px;'
        f'display:inline-flex;align-items:center"><span>← {tagged_plain("my_modules")}'
        f'</span></a>'
        f'<span>{html.escape(name)}</span></nav>')


def _fill_header(module: str, box) -> None:
    """Her part of the header: name, language (hers, kept on the server), last result."""
    from balise.widgets.i18n import LANGUAGE

    if "saved" not in _session:
        _fetch(module)
    learner = _session.get("learner") or {}
    if learner.get("reading") in ("both", "fr", "en"):
        LANGUAGE.mode = learner["reading"]
    LANGUAGE.observe(lambda change: _background.put_call(
        "balise/api/reading", {"module": module, "reading": change["new"]}), names="mode")
    top, switch = box.children[:2]
    top.value = _top_bar(learner.get("name") or "")
    last = _session.get("last")
    # While a newer attempt is graded its result is on its way at the Submit button:
    # an older one here would read as hers.
    if last and last.get("status") == "graded" and not _session.get("pending"):
        box.children = [top, switch, LastResult(module, last, _session.get("next"))]


class LastResult(w.VBox):
    """Her last result of this module, at the top when she comes back, with "Recommencer"."""

    def __init__(self, module: str, last: dict, nxt: dict | None):
        self.summary = ShownHTML(
            f'<section class="balise-last" role="status" style="border:1px solid #ccc;'
            f'border-radius:8px;padding:8px 12px"><h2 style="font-size:20px;margin:4px 0">'
            f'{tagged("last_result")}</h2>{render_result(last)}'
            f'{next_link(nxt) if last.get("passed") else ""}</section>')
        self.again = w.Button(description=say_key("try_again"),
                              layout=w.Layout(min_height="44px", width="auto"))
        self.again.add_class("balise-start-again")
        self.again.on_click(lambda _: setattr(self.layout, "display", "none"))
        super().__init__([self.summary, self.again])
        self.add_class("balise-last-result")


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
    widget = make(spec, check=check, answer=saved_answers(module).get(spec["id"]),
                  assets=assets, on_change=keep)
    _scenarios[spec["id"]] = spec["prompt"]
    # An anchor the submit warning's links scroll to (the widget itself has no id).
    anchor = ShownHTML(f'<span id="balise-item-{html.escape(spec["id"])}"></span>',
                       layout=w.Layout(height="0px", margin="0"))
    box = w.VBox([anchor, widget])
    if _preheated():
        def restore() -> None:
            """Her saved answer, if she gave one: the scenario built again around it."""
            answer = saved_answers(module).get(spec["id"])
            if answer is not None:
                box.children[1].close()
                box.children = [anchor, make(spec, check=check, answer=answer,
                                             assets=assets, on_change=keep)]
        _to_fill.append(restore)
    return box


class _Background:
    """Saves that need no reply, sent in order by one thread: the page never waits for them."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None

    def put_call(self, path: str, payload: dict) -> None:
        """Any other call that needs no reply (her language choice), in the same order."""
        self.put("call", path, payload)

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
                if module == "call":
                    _call(item, answer, timeout=10)
                else:
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
    if _preheated():
        widget.prepare(questions)       # her draw is some of these: shown, not made, later
        def fill() -> None:
            widget.show(drawn_questions(module, questions, size), answers=saved_answers(module))
            widget.forget_hidden()
        _to_fill.append(fill)
    return widget


class SubmitPanel(w.VBox):
    """Submit button and result. One click, one attempt: clicks while grading are ignored."""

    def __init__(self, module: str, quiz, **kwargs):
        super().__init__(**kwargs)
        self.module, self.quiz = module, quiz
        self.submission_id = uuid.uuid4().hex
        self.state = "ready"
        from balise.widgets.submit import SubmitButton

        # Its click carries the answers the page shows (see balise.widgets.submit).
        self.button = SubmitButton(label=say_key("submit"), on_submit=self._on_submit)
        self.again = w.Button(description=say_key("try_again"),
                              layout=w.Layout(min_height="44px", width="auto", display="none"))
        self.again.add_class("balise-again")
        self.output = ShownHTML()
        self.output.add_class("balise-result")
        self.again.on_click(self._on_again)
        # Asked before an attempt with blanks is used: which items, then send or go back.
        self.warning_text = ShownHTML()
        self.send_anyway = w.Button(description=say_key("send_anyway"),
                                    layout=w.Layout(min_height="44px", width="auto"))
        self.send_anyway.add_class("balise-send-anyway")
        self.go_back = w.Button(description=say_key("go_back"),
                                layout=w.Layout(min_height="44px", width="auto"))
        self.go_back.add_class("balise-go-back")
        self.go_back.on_click(lambda _: setattr(self.warning.layout, "display", "none"))
        self.warning = w.VBox([self.warning_text, w.HBox([self.send_anyway, self.go_back],
                                                         layout=w.Layout(flex_flow="row wrap"))],
                              layout=w.Layout(display="none"))
        self.warning.add_class("balise-blank-warning")
        self._pending_shown: dict = {}
        self.send_anyway.on_click(lambda _: self._on_submit(self._pending_shown, confirmed=True))
        self.children = [self.button, self.warning, self.output, self.again]
        from balise.widgets.i18n import LANGUAGE

        LANGUAGE.observe(self._relabel, names="mode")
        if _preheated():
            _to_fill.append(self._resume)
        elif _session:
            self._resume()

    def _resume(self) -> None:
        """An attempt she sent is still being graded (page closed or reloaded meanwhile).

        The page shows it as it was sent, locked, says it is being graded, and
        waits for its result in the background (asking again with the same id
        is answered by the same attempt: nothing is graded twice, no attempt
        is used up). The result then shows as after a click on Submit.
        """
        if "saved" not in _session:
            _fetch(self.module)
        pending = _session.get("pending")
        if not pending or self.state != "ready":
            return
        self.submission_id = pending["attempt"]
        self._grading()
        threading.Thread(target=self._wait_for_result, daemon=True).start()

    def _wait_for_result(self) -> None:
        try:
            self._show(post_submission(self.module, self.submission_id, {}))
        except Exception:           # a reply it cannot show: Submit again, never stuck
            self._show({"error": both("server_error")})

    def _grading(self) -> None:
        self.warning.layout.display = "none"
        self.state = "grading"
        self.button.disabled = True
        self.quiz.lock(True)
        self.output.value = f'<p role="status">{html.escape(both("grading"))}</p>'

    def _show(self, result: dict) -> None:
        """The result of the attempt sent (or why there is none yet, and Submit again)."""
        self.output.value = render_result(result) + (
            next_link(result.get("next")) if result.get("passed") else "")
        if result.get("status") == "graded":
            self.state = "done"
            self.again.layout.display = None
        else:
            self.state = "ready"
            self.button.disabled = False
            self.quiz.lock(False)

    def _relabel(self, _change=None) -> None:
        """Her language, on the buttons too (FR only means "Envoyer mes réponses" alone)."""
        for button, key in ((self.button, "submit"), (self.again, "try_again"),
                            (self.send_anyway, "send_anyway"), (self.go_back, "go_back")):
            if hasattr(button, "label"):
                button.label = say_key(key)
            else:
                button.description = say_key(key)

    def unanswered(self, answers: dict) -> list[tuple[str, int, str, dict]]:
        """Items left blank: (kind, number, id, prompt) of each situation and question.

        A situation counts as answered once the server holds an answer for it (each
        change is saved as she goes), so the answers queued are sent first.
        """
        _background.drain()
        saved = _call(f"balise/api/answers?module={self.module}", timeout=10)
        held = saved.get("answers", {}) if "error" not in saved else {}
        blank = [("situation", n, sid, prompt)
                 for n, (sid, prompt) in enumerate(_scenarios.items(), start=1)
                 if sid not in held]
        blank += [("question", n, q["id"], q["prompt"])
                  for n, q in enumerate(getattr(self.quiz, "_questions", []), start=1)
                  if q["id"] not in answers]
        return blank

    def _ask(self, blank: list, shown: dict | None) -> None:
        """Say what is blank, each a link to it; nothing is sent, no attempt is used."""
        self._pending_shown = dict(shown or {})
        links = "".join(
            f'<li><a href="#balise-item-{html.escape(item)}">'
            f'{filled("situation_n" if kind == "situation" else "question_n", n=n)}</a> : '
            f'{both_html(plain_text(prompt))}</li>' for kind, n, item, prompt in blank)
        left = filled("blanks_left" if len(blank) > 1 else "blank_left", n=len(blank))
        self.warning_text.value = (f'<div role="alert"><p><strong>{left}</strong></p>'
                                   f'<ul>{links}</ul></div>')
        self.warning.layout.display = None

    def _on_submit(self, shown: dict | None = None, confirmed: bool = False) -> None:
        if self.state != "ready":
            return
        if not _session:
            self.output.value = f"<p>{html.escape(both('preview'))}</p>"
            return
        answers = {**self.quiz.answer, **self.quiz.shown_answers(shown or {})}
        blank = [] if confirmed else self.unanswered(answers)
        if blank:
            return self._ask(blank, shown)
        self._grading()
        # (``answers``: what the page shows checked wins over state updates on their way.)
        self._show(post_submission(self.module, self.submission_id, answers))

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
