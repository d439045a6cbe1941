"""Hazard and near-miss reports by anyone, and their handling (issue 20, item 3).

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

ROUTES: list = []
