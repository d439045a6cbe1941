"""Behavioural safety visits from a phone (issue 20, item 2).

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

ROUTES: list = []
