"""Hours worked per site, activity and month: form and import (issue 20, item 5).

``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

ROUTES: list = []
