"""What every scenario widget shares: a prompt in the page's language, an answer, feedback.

Subclasses build their controls once, set ``answer`` and call
:meth:`Scenario.check_answer`; they never decide whether an answer is right.
When the learner switches language, :meth:`Scenario._relabel` rewrites their
words; the controls and the answer stay as they are.
"""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w
from traitlets import Dict, Unicode

from balise.widgets import i18n
from balise.widgets.i18n import LANGUAGE, rich, say, source_note
from balise.widgets.shown import ShownHTML
from balise.widgets.speech import ReadAloud, numbered
from balise.widgets.style import style


def bilingual_html(text: dict[str, str], tag: str = "p") -> str:
    """Course text as HTML in the page's language (both by default), escaped."""
    return rich(text, tag)


Check = Callable[[object], "dict | None"]


def feedback_spoken(right: bool, practice: dict[str, str], lang: str) -> str:
    """What the feedback's Listen button says in ``lang``: right or not, then what to do."""
    return f"{i18n.gettext('Right answer' if right else 'Not quite', lang)}.\n{practice[lang]}"


class Scenario(w.VBox):
    """Base of the scenario widgets.

    ``on_change(answer)``, if given, hears every change of the answer (Balise
    saves it, so a reload restores what was set but not yet checked).
    ``check(answer)`` is given by whoever places the widget (in Balise, a
    call to the server, which holds the key; in the gallery, a rule from its
    own data) and returns ``{'right': bool, 'practice': {'fr', 'en'},
    'source': str}``, or ``{'error': str}`` when the answer could not be
    saved, or None.
    """

    prompt = Dict(help="The question, {'fr': ..., 'en': ...}.")
    status = Unicode("", help="'' until checked, then 'right', 'wrong' or 'error'.")

    def __init__(self, prompt: dict[str, str], check: Check | None = None,
                 on_change: Callable[[object], None] | None = None, **kwargs):
        self._feedback = ShownHTML(layout=w.Layout(min_height="1em"))
        self._feedback.add_class("balise-feedback")
        self._header = ShownHTML()
        self._header.add_class("balise-prompt")
        self._check = check
        self._on_change = on_change
        self._result: dict | None = None
        super().__init__(prompt=prompt, **kwargs)
        self.add_class("balise-scenario")
        self.add_class(f"balise-kind-{type(self).__name__.lower()}")
        self._reader = ReadAloud(self.spoken)
        # The feedback read aloud too, once there is some (an error is not read).
        self._feedback_reader = ReadAloud(self._feedback_spoken, "balise-feedback-listen",
                                          "balise-feedback-listen-button",
                                          layout=w.Layout(display="none"))
        self._feedback.observe(self._show_feedback_reader, names="value")
        LANGUAGE.observe(self._on_language, names="mode")

    # --- what subclasses give ---------------------------------------------------------

    def spoken_items(self) -> list[dict[str, str]]:
        """Texts read aloud after the prompt (options, steps...), each {'fr', 'en'}."""
        return []

    def _relabel(self) -> None:
        """Rewrite the controls' words in the page's language."""

    # --- shared ----------------------------------------------------------------------

    def spoken(self, lang: str) -> str:
        """What the read-aloud button says in ``lang``: the prompt, then each item."""
        return numbered(self.prompt[lang], (item[lang] for item in self.spoken_items()))

    def all_spoken(self, lang: str) -> list[str]:
        """Every text the button may read, for rendering them all when a course is built."""
        return [self.spoken(lang)]

    def _frame(self, *controls: w.Widget) -> None:
        self._header.value = rich(self.prompt, "p")
        self.children = [style(), self._header, self._reader, *controls, self._feedback,
                         self._feedback_reader]
        if self._on_change is not None:
            # From here on, every change of the answer is handed on (to be saved), checked or not.
            self.observe(lambda change: self._on_change(change["new"]), names="answer")

    def _on_language(self, _change=None) -> None:
        self._header.value = rich(self.prompt, "p")
        self._relabel()
        self._reader.relabel()
        self._feedback_reader.relabel()
        if self._result is not None:
            self.show_feedback(self._result)

    def _feedback_spoken(self, lang: str) -> str:
        result = self._result or {}
        return feedback_spoken(bool(result.get("right")),
                               result.get("practice") or {"fr": "", "en": ""}, lang)

    def _show_feedback_reader(self, _change=None) -> None:
        shown = bool(self._feedback.value) and bool(self._result) and not self._result.get("error")
        self._feedback_reader.layout.display = None if shown else "none"

    def check_answer(self) -> None:
        """Hand the answer to ``check`` and show what comes back."""
        result = self._check(self.answer) if self._check else None
        if result:
            self.show_feedback(result)

    def show_feedback(self, result: dict) -> None:
        """Right or wrong in words and a sign, never by colour alone; what to do, and why.

        The source is a small "Source" that unfolds: the practice is what she reads.
        """
        self._result = result
        if result.get("error"):
            self.status = "error"
            self._feedback.value = (
                f'<div role="alert" class="balise-note-error"><strong>⚠ '
                f'{html.escape(say("Not saved, try again"))}</strong><br>'
                f'<small>{html.escape(str(result["error"]))}</small></div>')
            return
        right = bool(result.get("right"))
        self.status = "right" if right else "wrong"
        mark, cls = ("✔", "balise-note-right") if right else ("✘", "balise-note-wrong")
        verdict = say("Right answer") if right else say("Not quite")
        practice = result.get("practice") or {"fr": "", "en": ""}
        self._feedback.value = (
            f'<div role="status" class="{cls}"><strong>{mark} {html.escape(verdict)}</strong>'
            f'{rich(practice)}{source_note(str(result.get("source") or ""))}</div>')

    def close(self) -> None:
        try:
            LANGUAGE.unobserve(self._on_language, names="mode")
        except ValueError:
            pass                                # closed before
        self._reader.close()
        self._feedback_reader.close()
        super().close()


def labelled(button: w.Widget, msgid: str) -> w.Widget:
    """Give a button its words (and its screen-reader name) in the page's language."""
    button.description = say(msgid)
    button.tooltip = say(msgid)
    return button


__all__ = ["Scenario", "bilingual_html", "labelled", "i18n"]
