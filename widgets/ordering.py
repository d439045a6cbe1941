"""Ordering: put steps in order by dragging them, or with Move up / Move down buttons.

Dragging (mouse, finger, pen) is the quick way; the buttons are the keyboard
and screen-reader way. Both change the same order.
"""

from __future__ import annotations

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import plain, rich, say
from balise.widgets.sortable import sortable_rows


class Ordering(Scenario):
    """Reorder steps, then Check.

    The rows are built once and only relabelled when a step moves, so no
    widget is created or left behind per click or drop. Each row is a
    :class:`~balise.widgets.sortable.SortableRow` (the step, dragged and
    dropped on another row to take its place) and its two buttons.

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
        self._labels = sortable_rows(len(steps), on_drop=self.place)
        self._ups, self._downs, rows = [], [], []
        for position, label in enumerate(self._labels):
            label.layout = w.Layout(flex="1 1 auto")
            label.add_class(f"balise-step-{position + 1}")
            up = w.Button(icon="arrow-up", layout=w.Layout(width="44px", min_height="44px"))
            down = w.Button(icon="arrow-down", layout=w.Layout(width="44px", min_height="44px"))
            up.add_class(f"balise-up-{position + 1}")
            down.add_class(f"balise-down-{position + 1}")
            up.on_click(lambda _, p=position: self.move(p, -1))
            down.on_click(lambda _, p=position: self.move(p, +1))
            self._ups.append(up)
            self._downs.append(down)
            rows.append(w.HBox([label, up, down], layout=w.Layout(align_items="center")))
        self._check_button = w.Button(button_style="primary",
                                      layout=w.Layout(min_height="44px", width="auto"))
        self._check_button.add_class("balise-check")
        self._check_button.on_click(lambda _: self.check_answer())
        ids = [s["id"] for s in steps]
        self.answer = list(answer) if answer and sorted(answer) == sorted(ids) else ids
        self._rows = w.VBox(rows)
        self._frame(self._rows, self._check_button)
        self._relabel()

    def spoken_items(self):
        return [self._steps[sid] for sid in self.answer]

    def move(self, position: int, delta: int) -> None:
        """Move the step at ``position`` up (-1) or down (+1); the ends stay put."""
        self.place(position, position + delta)

    def place(self, position: int, target: int) -> None:
        """Take the step at ``position`` out and put it back at ``target`` (a drop);
        the steps between close up. Places outside the list change nothing."""
        count = len(self.answer)
        if 0 <= position < count and 0 <= target < count and position != target:
            order = list(self.answer)
            order.insert(target, order.pop(position))
            self.answer = order
            self._relabel()

    def _relabel(self) -> None:
        up_word, down_word = say("Move up"), say("Move down")
        for n, sid in enumerate(self.answer):
            step = self._steps[sid]
            self._labels[n].value = f'<div class="balise-step"><strong>{n + 1}.</strong> ' \
                                    f'{rich(step, "span")}</div>'
            # The icon buttons' names: what moves, and where, for a screen reader.
            self._ups[n].tooltip = f"{up_word} : {plain(step)}"
            self._downs[n].tooltip = f"{down_word} : {plain(step)}"
            self._ups[n].description = ""
            self._downs[n].description = ""
        labelled(self._check_button, "Check")

    def close(self) -> None:
        """Close the rows too: a long Voila session would otherwise keep them all."""
        for control in (*self._labels, *self._ups, *self._downs, *self._rows.children,
                        self._rows, self._check_button):
            control.close()
        super().close()
