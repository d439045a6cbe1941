"""Drag to reorder: rows of a list the learner moves with a mouse, a finger or a pen.

Each row is one :class:`SortableRow` (an anywidget); rows sharing a ``group``
make one list, so a row can sit in a box beside its own Move up / Move down
buttons (the keyboard path) and still be dropped on any other row of its list.
A row knows its place, not the list: when it is dropped, it calls ``on_drop``
and whoever owns the list moves the item and rewrites the rows.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import anywidget
from traitlets import Callable, Int, Unicode

JS = Path(__file__).parent / "js"


class SortableRow(anywidget.AnyWidget):
    """One row of a sortable list: its content, its list and its place in it."""

    _esm = JS / "sortable.js"
    _css = JS / "sortable.css"

    value = Unicode("", help="The row's content as HTML, escaped by whoever sets it.").tag(
        sync=True)
    group = Unicode("", help="The list the row belongs to: rows of one group are dropped on "
                    "each other, never on another list's.").tag(sync=True)
    position = Int(0, help="The row's place in its list, from 0.").tag(sync=True)
    on_drop = Callable(None, allow_none=True, help="Called as on_drop(position, target) when "
                       "the row at ``position`` is dropped on the row at ``target``.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._receive)

    def _receive(self, _widget, content, _buffers) -> None:
        """A drop from the page: ``{'event': 'drop', 'to': target}``; anything else is ignored."""
        if not isinstance(content, dict) or content.get("event") != "drop":
            return
        target = content.get("to")
        if isinstance(target, int) and not isinstance(target, bool) and self.on_drop:
            self.on_drop(self.position, target)

def sortable_rows(count: int, on_drop) -> list[SortableRow]:
    """``count`` rows making one list of their own, each calling ``on_drop(position, target)``."""
    group = uuid.uuid4().hex
    return [SortableRow(group=group, position=n, on_drop=on_drop) for n in range(count)]
