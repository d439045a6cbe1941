"""Page styles the widgets need in Voila: readable text, 44 px touch targets, visible focus.

ipywidgets' own styles are made for a desktop notebook: 13 px text, 28 px
controls, JupyterLab's success green (white on it is 4.1:1, under WCAG AA's
4.5:1) and a selected toggle button that differs from the others only by a
slightly darker grey. These rules fix that inside Balise's widgets only.
"""

from __future__ import annotations

import ipywidgets as w

from balise.widgets.shown import ShownHTML

CSS = """
<style>
.balise-scenario, .balise-quiz, .balise-submit, .balise-again, .balise-result, .balise-language {
  --jp-widgets-font-size: 16px; }
.balise-quiz .widget-radio-box label, .balise-scenario .widget-radio-box label {
  height: auto !important; min-height: 44px; line-height: 1.3; white-space: normal;
  display: flex; flex-direction: row-reverse; justify-content: flex-end; align-items: center;
  padding: 4px 0; }
.balise-quiz .widget-radio-box input { min-width: 22px; min-height: 22px; margin-right: 8px; }
.balise-quiz .widget-radio-box { height: auto !important; }
.balise-scenario .widget-toggle-button, .balise-scenario .widget-button, .balise-quiz button,
.balise-submit, .balise-again, .balise-language .widget-toggle-button {
  min-height: 44px; min-width: 44px; flex-shrink: 0; }
/* The chosen button stands out by more than a shade of grey, and by a tick. */
.balise-scenario .widget-toggle-button, .balise-language .widget-toggle-button {
  border: 1px solid #616161; }
.balise-language .widget-toggle-button { width: auto !important; min-width: 80px; }
.balise-scenario .widget-toggle-button.mod-active,
.balise-language .widget-toggle-button.mod-active {
  background-color: #0b4f6c; color: #fff; border-color: #0b4f6c; }
.balise-scenario .widget-toggle-button.mod-active:not(.balise-ticked)::before,
.balise-language .widget-toggle-button.mod-active::before { content: "✔ " / ""; }
.balise-submit.mod-success { background-color: #2e7d32; }
.balise-submit.mod-success:active { background-color: #1b5e20; }
/* Two rings, dark outside and amber inside: focus shows on light and dark buttons alike. */
.widget-button:focus, .widget-toggle-button:focus, .widget-radio-box input:focus {
  outline: 3px solid #1a1a1a !important; outline-offset: 2px;
  box-shadow: 0 0 0 2px #f9a825 !important; }
</style>
"""


def style() -> w.HTML:
    """A fresh style element; repeating it on a page is harmless."""
    return ShownHTML(CSS, layout=w.Layout(display="none"))
