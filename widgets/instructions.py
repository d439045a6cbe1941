"""The module's key instructions: a picture, the rule in the page's language(s), a Listen button.

Every instruction can be read aloud (the course brief): the recordings are
made by ``balise build`` like the scenarios', and each card has its own
button. The picture's alternative text holds both languages, French first,
so a screen reader says it whatever the page's language.
"""

from __future__ import annotations

import html

import ipywidgets as w

from balise.widgets.i18n import LANGUAGE, rich, source_note
from balise.widgets.shown import ShownHTML
from balise.widgets.speech import ReadAloud
from balise.widgets.style import style
from balise.words import word

HEADING = word("Key instructions")


def card(item: dict) -> str:
    alt = html.escape(f"{item['alt']['fr']} / {item['alt']['en']}", quote=True)
    return (f'<div style="display:flex;gap:12px;align-items:center">'
            f'<img src="{html.escape(item["picture"], quote=True)}" alt="{alt}" width="96" '
            'height="96" style="flex:none">'
            f'<div><strong>{rich(item)}</strong>{source_note(item["source"])}</div></div>')


class Instructions(w.VBox):
    """``items``: ``{id, fr, en, picture (a data: URI), alt: {fr, en}, source}`` each.

    An item may carry ``terms``, the build's notes of the words it explains first
    (see :func:`balise.widgets.i18n.rich`); its source unfolds from a small "Source".
    """

    def __init__(self, items: list[dict], **kwargs):
        super().__init__(**kwargs)
        self.add_class("balise-instructions")
        self._items = items
        self._heading = ShownHTML()
        self._cards = []
        boxes = []
        for item in items:
            text = ShownHTML()
            listen = ReadAloud(lambda lang, it=item: it[lang])
            box = w.VBox([text, listen])
            box.add_class("balise-instruction")
            box.add_class(f"balise-instruction-{item['id']}")
            self._cards.append((item, text, listen))
            boxes.append(box)
        self.children = [style(), self._heading, *boxes]
        self._relabel()
        LANGUAGE.observe(lambda _: self._relabel(), names="mode")

    def _relabel(self) -> None:
        self._heading.value = rich(HEADING, tag="h2")
        for item, text, listen in self._cards:
            text.value = card(item)
            listen.relabel()

    def all_spoken(self, lang: str) -> list[str]:
        """Every text a Listen button of these cards can play in ``lang``."""
        return [item[lang] for item in self._items]
