"""Jupyter's JSON errors, met in a browser, come as Balise's page in Balise's words.

Jupyter's API handlers answer every error in JSON (``{"message": "Forbidden",
"reason": null}``), in English: right for the page's scripts, a dead end for a
person who opened ``/api/contents`` from a link or the address bar. A tornado
output transform (tornado's own hook on every response, no handler patched)
sees the response before it leaves: when the request is a page visit (the
browser says ``Sec-Fetch-Mode: navigate``, or, without that header, asks for
``text/html`` first) and the answer is a JSON error, it sends ``error.html``
instead, with the same status. Scripts' requests keep their JSON.
"""

from __future__ import annotations

from tornado.web import OutputTransform


def is_page_visit(request) -> bool:
    """A person's browser opening a page, not a script asking for data."""
    mode = request.headers.get("Sec-Fetch-Mode")
    if mode is not None:
        return mode == "navigate"
    return request.headers.get("Accept", "").lstrip().startswith("text/html")


def browser_errors(render, page_csp: str | None) -> type[OutputTransform]:
    """The transform class for one server: ``render(status_code)`` gives the error page's
    HTML; ``page_csp`` replaces the API's ``default-src 'none'``, which would block the
    page's own style."""

    class BrowserErrors(OutputTransform):
        def __init__(self, request):
            super().__init__(request)
            self.request = request
            self.replaced = False

        def transform_first_chunk(self, status_code, headers, chunk, finishing):
            json_error = (status_code >= 400 and headers.get("Content-Type", "")
                          .startswith("application/json"))
            if not (json_error and is_page_visit(self.request)):
                return status_code, headers, chunk
            self.replaced = True
            body = render(status_code).encode("utf-8")
            headers["Content-Type"] = "text/html; charset=UTF-8"
            headers["Content-Length"] = str(len(body))
            if page_csp:
                headers["Content-Security-Policy"] = page_csp
            return status_code, headers, body

        def transform_chunk(self, chunk, finishing):
            return b"" if self.replaced else chunk

    return BrowserErrors
