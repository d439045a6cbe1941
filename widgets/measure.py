"""A measure the learner sets: a native range slider with a number box, both labelled.

ipywidgets' sliders are drawn with divs whose handle has no accessible name,
so a screen reader announces "slider" and nothing more. A native
``<input type="range">`` beside an ``<input type="number">``, each named by
the same label, is operable by arrows, Home/End and Page keys, by typing an
exact figure, by mouse and by finger, and names itself.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
from traitlets import Int, Unicode, validate

JS = Path(__file__).parent / "js"


class Measure(anywidget.AnyWidget):
    _esm = JS / "measure.js"
    _css = JS / "measure.css"

    value = Int(0).tag(sync=True)
    min = Int(0).tag(sync=True)
    max = Int(100).tag(sync=True)
    description = Unicode("", help="The label, in the page's language.").tag(sync=True)
    # Kept for the calculator's callers: labels are never HTML here.
    description_allow_html = False

    @validate("value")
    def _clamp(self, proposal):
        """A figure typed or sent out of range is brought back within it."""
        return max(self.min, min(self.max, int(proposal["value"])))
