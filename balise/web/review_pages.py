"""A site's monthly review, printable (issue 20, item 4).

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

ROUTES: list = []
