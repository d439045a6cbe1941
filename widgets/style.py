"""Page styles the widgets need in Voila: wrapping labels and 44 px touch targets on phones."""

from __future__ import annotations

import ipywidgets as w

CSS = """
<style>
.balise-quiz .widget-radio-box label, .balise-scenario .widget-radio-box label {
  height: auto !important; min-height: 44px; line-height: 1.3; white-space: normal;
  display: flex; align-items: center; padding: 4px 0; }
.balise-quiz .widget-radio-box input { min-width: 22px; min-height: 22px; margin-right: 8px; }
.balise-quiz .widget-radio-box { height: auto !important; }
.balise-scenario .widget-toggle-button, .balise-quiz button, .balise-submit, .balise-again {
  min-height: 44px; }
.widget-button:focus, .widget-toggle-button:focus, .widget-radio-box input:focus {
  outline: 3px solid #f9a825 !important; outline-offset: 2px; }
</style>
"""


def style() -> w.HTML:
    """A fresh style element; repeating it on a page is harmless."""
    return w.HTML(CSS, layout=w.Layout(display="none"))
