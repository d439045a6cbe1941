"""Accidents and their cause trees (issue 20, item 1): list, form, analysis.

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

ROUTES: list = []
