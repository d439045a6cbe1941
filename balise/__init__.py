"""Balise: a safety e-learning platform on Jupyter.

The core package holds what ties the parts together: configuration
(:class:`balise.config.Balise`), the store of people and attempts, sign-in,
the Jupyter Server extension and the command line. The parts live in
``balise.widgets``, ``balise.grading`` and ``balise.progress``.
"""

__version__ = "0.1.0"


class BaliseError(Exception):
    """The one error type raised on bad input: its message is shown to a person.

    Keep the message plain and actionable (what is wrong, where, what to do);
    never put a traceback or an internal path in it.
    """


def _jupyter_server_extension_points():
    """Jupyter Server finds the extension through the package's name."""
    from balise.web.app import BaliseApp

    return [{"module": "balise.web.app", "app": BaliseApp}]
