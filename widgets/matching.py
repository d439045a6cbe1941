"""Matching: pair each pictogram with its meaning (ISO 7010 colours and shapes)."""

from __future__ import annotations

import ipywidgets as w
from traitlets import Dict

from balise.widgets.base import Scenario, labelled
from balise.widgets.choice import card
from balise.widgets.i18n import plain
from balise.widgets.shown import ShownHTML


class Matching(Scenario):
    """For each item (a sign, a pictogram), choose its meaning from a list, then Check.

    A list per item rather than drawn lines: it works by keyboard, on a phone
    and with a screen reader, each list named by its item.

    Parameters
    ----------
    prompt : dict
    items : list of dict
        Each ``{'id', 'fr', 'en'}`` with optional ``'svg'`` and ``'alt'``.
    meanings : list of dict
        Each ``{'id', 'fr', 'en'}``.
    answer : dict, optional
        Pairs saved earlier, ``{item id: meaning id}``.
    """

    answer = Dict(help="{item id: meaning id} for the items paired so far.")

    def __init__(self, prompt, items, meanings, check=None, answer=None, **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._items, self._meanings = items, meanings
        ids = {m["id"] for m in meanings}
        saved = {k: v for k, v in (answer or {}).items() if v in ids}
        self._pictures, self._lists, rows = [], [], []
        for item in items:
            picture = ShownHTML(layout=w.Layout(width="110px"))
            # The list under its item's name (28 px), 44 px high: on a phone a long name
            # beside it would push it off the screen.
            chooser = w.Dropdown(value=None, style={"description_width": "initial"},
                                 layout=w.Layout(width="auto", max_width="100%", height="72px",
                                                 flex_flow="column", align_items="flex-start"))
            chooser.add_class(f"balise-pair-{item['id']}")
            self._pictures.append(picture)
            self._lists.append(chooser)
            rows.append(w.HBox([picture, chooser], layout=w.Layout(
                align_items="center", flex_flow="row wrap", margin="0 0 8px 0")))
        self._check_button = w.Button(button_style="primary",
                                      layout=w.Layout(min_height="44px", width="auto"))
        self._check_button.add_class("balise-check")
        self._check_button.on_click(lambda _: self.check_answer())
        self._relabel()
        for item, chooser in zip(items, self._lists):
            self._show(chooser, saved.get(item["id"]))
            chooser.observe(self._on_pick, names="value")
        self.answer = {k: saved[k] for k in (i["id"] for i in items) if k in saved}
        self._frame(w.VBox(rows), self._check_button)

    def spoken_items(self):
        return self._items + self._meanings

    def _relabel(self) -> None:
        for item, picture, chooser in zip(self._items, self._pictures, self._lists):
            picture.value = card(item, caption=False)
            value = chooser.value
            chooser.options = [("—", None)] + [(plain(m), m["id"]) for m in self._meanings]
            self._show(chooser, value)
            chooser.description = plain(item)
        labelled(self._check_button, "Check")

    def _show(self, chooser: w.Dropdown, meaning: str | None) -> None:
        """Select ``meaning`` in the list, or "—": a value of None alone leaves it blank."""
        ids = [None] + [m["id"] for m in self._meanings]
        chooser.index = ids.index(meaning) if meaning in ids else 0

    def _on_pick(self, _change) -> None:
        self.answer = {item["id"]: chooser.value for item, chooser in zip(self._items, self._lists)
                       if chooser.value is not None}
