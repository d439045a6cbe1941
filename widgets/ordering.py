"""Ordering: put steps in order with Move up / Move down buttons (keyboard friendly)."""

from __future__ import annotations

import html

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario
from balise.widgets.text import both


class Ordering(Scenario):
    """Reorder steps, then Check.

    Parameters
    ----------
    prompt : dict
        ``{'fr': ..., 'en': ...}``.
    steps : list of dict
        Each ``{'id', 'fr', 'en'}``, in the order first shown.
    correct : list of str
        Step ids in the right order, used only for the instant feedback.
    explanation : dict
        ``{'fr', 'en', 'source'}``.
    """

    answer = List(Unicode(), help="Step ids in the learner's current order.")

    def __init__(self, prompt, steps, correct, explanation, **kwargs):
        super().__init__(prompt=prompt, explanation=explanation, **kwargs)
        self._steps = {s["id"]: s for s in steps}
        self._correct = list(correct)
        self.answer = [s["id"] for s in steps]
        self._rows = w.VBox()
        check = w.Button(description=both("check"), button_style="primary",
                         layout=w.Layout(min_height="44px", width="auto"))
        check.on_click(lambda _: self.show_feedback(self.answer == self._correct))
        self._frame(self._rows, check)
        self._draw()

    def move(self, step_id: str, delta: int) -> None:
        """Move a step up (-1) or down (+1); the ends stay put."""
        order = list(self.answer)
        i = order.index(step_id)
        j = i + delta
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
            self.answer = order
            self._draw()

    def _draw(self) -> None:
        rows = []
        for n, sid in enumerate(self.answer, start=1):
            step = self._steps[sid]
            label = w.HTML(f'<strong>{n}.</strong> {html.escape(step["fr"])}'
                           f' <span style="color:#555">/ {html.escape(step["en"])}</span>',
                           layout=w.Layout(flex="1 1 auto"))
            up = w.Button(icon="arrow-up", tooltip=both("up"), description="",
                          layout=w.Layout(width="44px", min_height="44px"))
            down = w.Button(icon="arrow-down", tooltip=both("down"), description="",
                            layout=w.Layout(width="44px", min_height="44px"))
            up.on_click(lambda _, s=sid: self.move(s, -1))
            down.on_click(lambda _, s=sid: self.move(s, +1))
            up.add_class(f"balise-up-{sid}")
            down.add_class(f"balise-down-{sid}")
            rows.append(w.HBox([label, up, down], layout=w.Layout(align_items="center")))
        old = self._rows.children
        self._rows.children = rows
        for row in old:
            for child in row.children:
                child.close()
            row.close()
