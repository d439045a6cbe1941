"""Choice and multi-choice: one answer, or several, among options shown as text or pictures."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w
from traitlets import List, Unicode

from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import plain, rich, say
from balise.widgets.shown import ShownHTML

CSS = (Path(__file__).parent / "js" / "choice.css").read_text(encoding="utf-8")
MARKS = {"right": "✔", "wrong": "✘"}


def card(option: dict, caption: bool = True) -> str:
    """An option's picture (with its alternative text) and caption, in the page's language."""
    picture = ""
    if option.get("svg"):
        alt = html.escape(plain(option.get("alt") or option))
        picture = (f'<div role="img" aria-label="{alt}" class="balise-picture">'
                   f'{option["svg"]}</div>')
    if not caption:
        return picture
    return (f'{picture}<div class="balise-caption"><strong>{html.escape(option["id"].upper())}'
            f'</strong> {rich(option, "span")}</div>')


def verdict_css(count: int) -> str:
    """Rules marking the chosen one of ``count`` A/B/C buttons as the check judged it.

    The verdict is the widget's class ``balise-picked-<n>-right`` (or ``-wrong``), for the
    option at place n: a new pick is not marked by the last one's verdict while its own
    check is on its way. ipywidgets' toggle buttons carry their place as ``value``.
    """
    rules = []
    for n in range(count):
        for verdict, mark in MARKS.items():
            rules.append(f'.balise-scenario.balise-kind-choice.balise-picked-{n}-{verdict} '
                         f'.widget-toggle-button[value="{n}"].mod-active::before '
                         f'{{ content: "{mark} " / ""; }}')
        rules.append(f'.balise-scenario.balise-kind-choice.balise-picked-{n}-wrong '
                     f'.widget-toggle-button[value="{n}"].mod-active '
                     '{ background-color: #b71c1c; border-color: #b71c1c; }')
    return "\n".join(rules)


class Choice(Scenario):
    """Pick one option; its check comes back at once.

    The chosen button shows the check's verdict: "✔ B" when right, "✘ A" when
    wrong, "● A" while it is not checked. Options without a picture are
    captions the width of the screen, "A" and their words.

    Parameters
    ----------
    prompt : dict
        ``{'fr': ..., 'en': ...}``.
    options : list of dict
        Each ``{'id', 'fr', 'en'}`` and optionally ``'svg'`` (markup of a picture)
        and ``'alt'`` (``{'fr', 'en'}``, its alternative text).
    check : callable, optional
        ``check(answer) -> {'right', 'practice', 'source'}``; see :class:`Scenario`.
    answer : str, optional
        An answer saved earlier, shown as chosen.
    """

    answer = Unicode("", help="Id of the chosen option, '' before a choice.")

    def __init__(self, prompt, options, check=None, answer="", **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._options = options
        self._cards = [ShownHTML(layout=w.Layout(width="160px" if o.get("svg") else "100%"))
                       for o in options]
        ids = [o["id"] for o in options]
        self._buttons = w.ToggleButtons(
            options=[(i.upper(), i) for i in ids],
            value=answer if answer in ids else None,
            style={"description_width": "initial", "button_width": "64px"},
        )
        self.answer = self._buttons.value or ""
        self._buttons.observe(self._on_pick, names="value")
        marks = ShownHTML(f"<style>{CSS}\n{verdict_css(len(options))}</style>",
                          layout=w.Layout(display="none"))
        self._frame(marks, w.HBox(self._cards, layout=w.Layout(flex_flow="row wrap")),
                    self._buttons)
        self._relabel()

    def spoken_items(self):
        return self._options

    def _relabel(self) -> None:
        for box, option in zip(self._cards, self._options):
            box.value = card(option)
        self._buttons.description = say("Your choice")
        self._mark()

    def _mark(self) -> None:
        """The chosen option says so, and what the check said of it, in its description and its
        sign, not by its look alone."""
        ids = [o["id"] for o in self._options]
        verdict = self.status if self.status in MARKS and self.answer in ids else ""
        for n in range(len(ids)):
            for said in MARKS:
                if verdict != said or ids[n] != self.answer:
                    self.remove_class(f"balise-picked-{n}-{said}")
        if verdict:
            self.add_class(f"balise-picked-{ids.index(self.answer)}-{verdict}")
        mark = MARKS.get(verdict, "●")
        self._buttons.tooltips = [
            f"{mark} {say('Chosen')} : {plain(o)}" if o["id"] == self.answer else plain(o)
            for o in self._options]

    def _on_pick(self, change) -> None:
        if change["new"] is None:
            return
        self.answer = change["new"]
        self.status = ""                    # the last verdict was about another pick
        self._mark()
        self.check_answer()
        self._mark()


class MultiChoice(Scenario):
    """Pick every option that applies ("which PPE for this task?"), then Check.

    Each option is a toggle button with its picture above: pressed or not is
    said by the button's state (aria-pressed) and a tick, not by colour alone.

    Parameters are those of :class:`Choice`; ``answer`` is a list of option ids.
    """

    answer = List(Unicode(), help="Ids of the chosen options, in the options' order.")

    def __init__(self, prompt, options, check=None, answer=None, **kwargs):
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._options = options
        chosen = set(answer or [])
        self._cards, self._toggles, columns = [], [], []
        for option in options:
            picture = ShownHTML(layout=w.Layout(width="150px"))
            toggle = w.ToggleButton(value=option["id"] in chosen,
                                    layout=w.Layout(min_height="44px", width="150px"))
            toggle.add_class(f"balise-option-{option['id']}")
            toggle.add_class("balise-ticked")       # its tick is in its words, read aloud too
            toggle.observe(self._on_toggle, names="value")
            self._cards.append(picture)
            self._toggles.append(toggle)
            columns.append(w.VBox([picture, toggle], layout=w.Layout(margin="0 8px 8px 0")))
        self.answer = [o["id"] for o in options if o["id"] in chosen]
        self._check_button = w.Button(button_style="primary",
                                      layout=w.Layout(min_height="44px", width="auto"))
        self._check_button.add_class("balise-check")
        self._check_button.on_click(lambda _: self.check_answer())
        self._frame(w.HBox(columns, layout=w.Layout(flex_flow="row wrap")), self._check_button)
        self._relabel()

    def spoken_items(self):
        return self._options

    def _relabel(self) -> None:
        for picture, toggle, option in zip(self._cards, self._toggles, self._options):
            picture.value = card(option, caption=False)
            mark = "✔ " if toggle.value else ""
            toggle.description = f"{mark}{option['id'].upper()}. {plain(option)}"
            toggle.tooltip = plain(option)
        labelled(self._check_button, "Check")

    def _on_toggle(self, _change) -> None:
        self.answer = [o["id"] for o, t in zip(self._options, self._toggles) if t.value]
        self._relabel()
