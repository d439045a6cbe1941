"""What every scenario widget shares: a bilingual prompt, an answer, feedback."""

from __future__ import annotations

import html

import ipywidgets as w
from traitlets import Dict, Unicode

from balise.widgets.style import style
from balise.widgets.text import CATALOGUE


def bilingual_html(text: dict[str, str], tag: str = "p") -> str:
    """French first, English beside it in a lighter style; both escaped."""
    fr, en = html.escape(text["fr"]), html.escape(text["en"])
    return (f'<{tag} class="balise-fr" lang="fr">{fr}</{tag}>'
            f'<{tag} class="balise-en" lang="en" style="color:#555">{en}</{tag}>')


class Scenario(w.VBox):
    """Base of the scenario widgets.

    Subclasses build their controls and set ``answer``; they never decide a
    grade. Instant feedback compares the answer with ``correct`` (given as
    data by the course author) only to teach, in the page.
    """

    prompt = Dict(help="The question, {'fr': ..., 'en': ...}.")
    explanation = Dict(help="Why, shown after checking: {'fr', 'en', 'source'}.")
    status = Unicode("", help="'' until checked, then 'right' or 'wrong'.")

    def __init__(self, prompt: dict[str, str], explanation: dict[str, str], **kwargs):
        self._feedback = w.HTML(layout=w.Layout(min_height="1em"))
        self._feedback.add_class("balise-feedback")
        super().__init__(prompt=prompt, explanation=explanation, **kwargs)
        self.add_class("balise-scenario")

    def _frame(self, *controls: w.Widget) -> None:
        header = w.HTML(bilingual_html(self.prompt, "p"))
        self.children = [style(), header, *controls, self._feedback]

    def show_feedback(self, right: bool) -> None:
        """Say right or wrong in words and a sign, never by colour alone."""
        self.status = "right" if right else "wrong"
        key, mark, colour = ("right", "✔", "#1b5e20") if right else ("wrong", "✘", "#b71c1c")
        word = CATALOGUE[key]
        why = self.explanation
        source = html.escape(why.get("source", ""))
        self._feedback.value = (
            f'<div role="status" style="border-left:4px solid {colour};padding-left:8px">'
            f'<strong>{mark} {word["fr"]} / {word["en"]}</strong>'
            f'{bilingual_html({"fr": why["fr"], "en": why["en"]})}'
            f'<small>{CATALOGUE["source"]["fr"]} : {source}</small></div>'
        )
