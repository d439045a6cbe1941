"""Choice: one answer among options shown as pictures with a caption."""

from __future__ import annotations

import html

import ipywidgets as w
from traitlets import Unicode

from balise.widgets.base import Scenario
from balise.widgets.text import both


class Choice(Scenario):
    """Pick one option; its check comes back at once.

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
        cards = []
        for opt in options:
            alt = opt.get("alt", {"fr": opt["fr"], "en": opt["en"]})
            picture = (f'<div role="img" aria-label="{html.escape(alt["fr"])} / '
                       f'{html.escape(alt["en"])}" style="width:140px">{opt["svg"]}</div>'
                       if opt.get("svg") else "")
            caption = (f'<p style="margin:4px 0"><strong>{html.escape(opt["id"].upper())}</strong>'
                       f' {html.escape(opt["fr"])}<br><span style="color:#555">'
                       f'{html.escape(opt["en"])}</span></p>')
            cards.append(w.HTML(picture + caption, layout=w.Layout(width="160px")))
        ids = [o["id"] for o in options]
        self._buttons = w.ToggleButtons(
            options=[(i.upper(), i) for i in ids],
            value=answer if answer in ids else None,
            description=both("choose"),
            style={"description_width": "initial", "button_width": "64px"},
        )
        self.answer = self._buttons.value or ""
        self._buttons.observe(self._on_pick, names="value")
        self._frame(w.HBox(cards, layout=w.Layout(flex_flow="row wrap")), self._buttons)

    def _on_pick(self, change) -> None:
        if change["new"] is None:
            return
        self.answer = change["new"]
        self.check_answer()
