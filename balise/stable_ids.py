"""Widget ids that are the same in every kernel that runs a module's page ahead.

A module page's HTML is the same for every learner until her kernel fills it in
(:mod:`balise.web.page_pool`): the same cells, the same outputs, the same widgets,
except for the ids of those widgets, which ipywidgets draws at random in each kernel
(``uuid4``). Rendering that HTML again for every page, through Voila, was a third of
the server's CPU under load.

So while a kernel runs a page ahead (``BALISE_PREHEATED``, nobody's name yet), each
widget gets the next id of a counter instead: ``balise-0``, ``balise-1``... Two kernels
that run the same release notebook then hold the same widgets under the same ids, and
the page rendered once, with the first kernel, is the page of every other (its kernel
id changed). :func:`digest` says which widgets a kernel holds: the server serves the
page again only to a kernel whose digest is the first one's, and renders it through
Voila otherwise.

An id only has to be unique within its kernel: each page talks to its own kernel only
(:mod:`balise.web.kernels`), so two learners' widgets sharing an id share nothing.
Widgets made after the page is given to her (her draw of questions, her result) get
ipywidgets' random ids, as before.
"""

from __future__ import annotations

import hashlib
import itertools
import os

from ipywidgets.widgets.widget import Widget, _instances

PREHEATED = "BALISE_PREHEATED"
PREFIX = "balise-"

_open = Widget.open
_counter = itertools.count()


def _stable_open(self) -> None:
    """ipywidgets' ``open``, with the next counter id while the page is run ahead."""
    if self.comm is None and self._model_id is None and os.environ.get(PREHEATED) == "1":
        self._model_id = f"{PREFIX}{next(_counter)}"
    _open(self)


def digest() -> str:
    """The widgets this kernel holds (id, model, module), as one hash."""
    held = sorted((widget.model_id, widget._model_name, widget._model_module)
                  for widget in list(_instances.values()))
    return hashlib.sha256(repr(held).encode()).hexdigest()


def install() -> None:
    Widget.open = _stable_open
