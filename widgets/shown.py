"""HTML a page shows and nobody on the page may change.

An ipywidgets ``HTML`` widget takes any ``value`` its page sends over the kernel
websocket, and shows it as HTML: a learner who wrote widget messages by hand
could put script into her own page's prompts, feedback or result. Balise's
words come from the kernel only, so :class:`ShownHTML` refuses every state
update from the page, with a plain word on the page's error stream, and keeps
what it shows. Requests to *read* its state (a page being drawn) pass as usual.
"""

from __future__ import annotations

import sys

import ipywidgets as w

REFUSED = ("Refusé : ce texte est écrit par Balise, pas par la page. / "
           "Refused: this text is written by Balise, not by the page.")


class ShownHTML(w.HTML):
    """``ipywidgets.HTML`` whose state (its value above all) only the kernel sets.

    Its layout and style are widgets of their own, outside this refusal: they
    change how it looks, not what it says."""

    def _handle_msg(self, msg):
        if (msg.get("content", {}).get("data") or {}).get("method") == "update":
            print(REFUSED, file=sys.stderr)
            return
        super()._handle_msg(msg)
