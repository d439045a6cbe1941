"""A module page's widgets, sent to her browser without the values it already knows.

When a page connects, its script asks the kernel for every widget's state in one
message (ipywidgets' control comm, ``request_states``). ipywidgets answers with every
trait of every widget: for culture's 542 widgets, 520 KB of JSON, half of it the 231
layouts' forty keys, nearly all null. A phone on a 1.6 Mbps link waited about 3 s for
it, and its slow CPU then parsed it all.

The widgets of ipywidgets itself (``@jupyter-widgets/base`` and ``controls``) have in
the browser the same defaults as in Python: ipywidgets relies on it when it writes a
page with ``embed_minimal_html(drop_defaults=True)``. For those, a trait whose value is
its default is left out, and the browser's model takes the same value. Every other
widget (anywidget's, Balise's own) is sent whole: its browser side may know no default.

Installed in the page's kernel by :mod:`balise.client` (every module page imports it
before its first widget), before the page's script can open the control comm.
"""

from __future__ import annotations

from ipywidgets.widgets.widget import Widget, _instances, _remove_buffers

CORE = ("@jupyter-widgets/base", "@jupyter-widgets/controls")


def states() -> dict:
    """Every widget's state as the page's script reads it, defaults of core widgets left out."""
    return {widget.model_id: {
        "model_name": widget._model_name,
        "model_module": widget._model_module,
        "model_module_version": widget._model_module_version,
        "state": widget.get_state(drop_defaults=widget._model_module in CORE),
    } for widget in list(_instances.values())}


def _handle_control_comm_msg(cls, msg) -> None:
    """ipywidgets 8.1's handler, with :func:`states` for its full state."""
    if cls._control_comm is None:
        raise RuntimeError("Control comm has not been properly opened")
    method = msg["content"]["data"]["method"]
    if method != "request_states":
        raise RuntimeError(f'Unknown front-end to back-end widget control msg with method '
                           f'"{method}"')
    full_state, buffer_paths, buffers = _remove_buffers(states())
    cls._control_comm.send(dict(method="update_states", states=full_state,
                                buffer_paths=buffer_paths), buffers=buffers)


def install() -> None:
    Widget._handle_control_comm_msg = classmethod(_handle_control_comm_msg)
