"""Voila's prelaunch hook: tell the page's kernel who the learner is.

Voila calls this before it starts a module's kernel. It adds a first cell
that hands the kernel a token signed by the server for the signed-in person
and this module. The token comes from the server's session, never from the
query string, so editing the URL cannot change who submits.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import nbformat
from tornado import web

from balise import tokens
from balise.web.auth import BaliseUser
from balise.web.kernels import page_owner

GALLERY = "gallery"


def prelaunch(handler, notebook, cwd):
    user = handler.current_user
    if not isinstance(user, BaliseUser):
        raise web.HTTPError(403, "sign in first")
    page_owner.set(user.username)     # the kernel Voila starts next is hers alone
    context = handler.settings["balise"]
    module = Path(cwd).name
    if module == GALLERY:
        return notebook            # examples for authors: nothing is saved or graded
    if module not in context.catalogue:
        raise web.HTTPError(404, "unknown module")
    token = tokens.sign(context.secret, user.username, module,
                        context.config.kernel_token_minutes)
    cell = nbformat.v4.new_code_cell(
        f"import balise.client\nbalise.client.connect({token!r}, {context.api_url(handler)!r})")
    notebook.cells.insert(0, cell)
    return notebook


# The identity cell, as Voila may quote it in a log line (a cell that failed: the kernel
# died or was culled while the page was being rendered).
IDENTITY_CELL = re.compile(r"(balise\.client\.(?:connect|adopt)\()\s*'[^']*'")


class HideIdentityCell(logging.Filter):
    """Blanks the page token out of any log line that quotes the identity cell.

    Voila logs a failed cell whole, source included: with the kernel gone mid-render,
    "Error at server while executing cell" carried the learner's token. Installed on
    the server's log handlers, so it sees every record whatever logger made it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "balise.client.connect" in message or "balise.client.adopt" in message:
            record.msg, record.args = IDENTITY_CELL.sub(r"\1'…'", message), ()
            record.msg = (record.msg.replace("balise.client.connect(", "<identity cell>(")
                          .replace("balise.client.adopt(", "<identity cell>("))
        return True


def hide_identity_cell(*loggers: logging.Logger) -> None:
    """Put :class:`HideIdentityCell` on every handler of ``loggers`` (and the root's)."""
    seen = HideIdentityCell()
    for logger in (*loggers, logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(f, HideIdentityCell) for f in handler.filters):
                handler.addFilter(seen)
