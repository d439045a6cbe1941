"""What every scenario widget shares: a bilingual prompt, an answer, feedback."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w
from traitlets import Dict, Unicode

from balise.widgets.style import style
from balise.widgets.text import CATALOGUE


def bilingual_html(text: dict[str, str], tag: str = "p") -> str:
    """French first, English beside it in a lighter style; both escaped."""
    fr, en = html.escape(text["fr"]), html.escape(text["en"])
    return (f'<{tag} class="balise-fr" lang="fr">{fr}</{tag}>'
            f'<{tag} class="balise-en" lang="en" style="color:#555">{en}</{tag}>')


Check = Callable[[object], "dict | None"]


class Scenario(w.VBox):
    """Base of the scenario widgets.

    Subclasses build their controls and set ``answer``; they never decide
    whether it is right. ``check(answer)`` is given by whoever places the
    widget (in Balise, a call to the server, which holds the key) and returns
    ``{'right': bool, 'practice': {'fr', 'en'}, 'source': str}`` or None.
    """

    prompt = Dict(help="The question, {'fr': ..., 'en': ...}.")
    status = Unicode("", help="'' until checked, then 'right' or 'wrong'.")

    def __init__(self, prompt: dict[str, str], check: Check | None = None, **kwargs):
        self._feedback = w.HTML(layout=w.Layout(min_height="1em"))
        self._feedback.add_class("balise-feedback")
        self._check = check
        super().__init__(prompt=prompt, **kwargs)
        self.add_class("balise-scenario")

    def _frame(self, *controls: w.Widget) -> None:
        header = w.HTML(bilingual_html(self.prompt, "p"))
        self.children = [style(), header, *controls, self._feedback]

    def check_answer(self) -> None:
        """Hand the answer to ``check`` and show what comes back."""
        result = self._check(self.answer) if self._check else None
        if result:
            self.show_feedback(result)

    def show_feedback(self, result: dict) -> None:
        """Say right or wrong in words and a sign, never by colour alone."""
        right = bool(result.get("right"))
        self.status = "right" if right else "wrong"
        key, mark, colour = ("right", "✔", "#1b5e20") if right else ("wrong", "✘", "#b71c1c")
        word = CATALOGUE[key]
        practice = result.get("practice") or {"fr": "", "en": ""}
        source = html.escape(result.get("source", ""))
        self._feedback.value = (
            f'<div role="status" style="border-left:4px solid {colour};padding-left:8px">'
            f'<strong>{mark} {word["fr"]} / {word["en"]}</strong>'
            f'{bilingual_html(practice)}'
            f'<small>{CATALOGUE["source"]["fr"]} : {source}</small></div>'
        )
