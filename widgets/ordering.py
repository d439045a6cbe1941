"""Ordering: put steps in order with Move up / Move down buttons (keyboard friendly)."""

from __future__ import annotations

import html

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario
from balise.widgets.text import CATALOGUE, both


class Ordering(Scenario):
    """Reorder steps, then Check.

    The rows are built once and only relabelled when a step moves, so no
    widget is created or left behind per click.

    Parameters
    ----------
    prompt : dict
        ``{'fr': ..., 'en': ...}``.
    steps : list of dict
        Each ``{'id', 'fr', 'en'}``, in the order first shown.
    check : callable, optional
        ``check(answer) -> {'right', 'practice', 'source'}``; see :class:`Scenario`.
    answer : list of str, optional
        An order saved earlier, shown as the starting order.
    """

    answer = List(Unicode(), help="Step ids in the learner's current order.")

    def __init__(self, prompt, steps, check=None, answer=None, **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._steps = {s["id"]: s for s in steps}
        self._labels, self._ups, self._downs, rows = [], [], [], []
        for position in range(len(steps)):
            label = w.HTML(layout=w.Layout(flex="1 1 auto"))
            label.add_class(f"balise-step-{position + 1}")
            up = w.Button(icon="arrow-up", layout=w.Layout(width="44px", min_height="44px"))
            down = w.Button(icon="arrow-down", layout=w.Layout(width="44px", min_height="44px"))
            up.add_class(f"balise-up-{position + 1}")
            down.add_class(f"balise-down-{position + 1}")
            up.on_click(lambda _, p=position: self.move(p, -1))
            down.on_click(lambda _, p=position: self.move(p, +1))
            self._labels.append(label)
            self._ups.append(up)
            self._downs.append(down)
            rows.append(w.HBox([label, up, down], layout=w.Layout(align_items="center")))
        check = w.Button(description=both("check"), button_style="primary",
                         layout=w.Layout(min_height="44px", width="auto"))
        check.add_class("balise-check")
        check.on_click(lambda _: self.check_answer())
        ids = [s["id"] for s in steps]
        self.answer = list(answer) if answer and sorted(answer) == sorted(ids) else ids
        self._frame(w.VBox(rows), check)
        self._relabel()

    def move(self, position: int, delta: int) -> None:
        """Move the step at ``position`` up (-1) or down (+1); the ends stay put."""
        target = position + delta
        if 0 <= position < len(self.answer) and 0 <= target < len(self.answer):
            order = list(self.answer)
            order[position], order[target] = order[target], order[position]
            self.answer = order
            self._relabel()

    def _relabel(self) -> None:
        up_word, down_word = CATALOGUE["up"], CATALOGUE["down"]
        for n, sid in enumerate(self.answer):
            step = self._steps[sid]
            fr, en = html.escape(step["fr"]), html.escape(step["en"])
            self._labels[n].value = (f'<strong>{n + 1}.</strong> {fr}'
                                     f' <span style="color:#555">/ {en}</span>')
            self._ups[n].tooltip = f"{up_word['fr']} / {up_word['en']} : {step['fr']}"
            self._downs[n].tooltip = f"{down_word['fr']} / {down_word['en']} : {step['fr']}"
