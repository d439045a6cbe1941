"""What the pages that take a file share: a body streamed past its limit, and an upload kept
under a random token for the person who sent it.

:class:`StreamedForm`: tornado refuses a body over the server's limit by cutting the
connection (the browser shows an empty 400). A form that takes a file streams its body
instead: past ``body_most`` bytes it is read and dropped, so the page can say "too large" in
words. The XSRF token travels in the multipart body, so it is checked once the body is read
(:meth:`StreamedForm.read_form`). Used by the people import and the hazard form.

:func:`kept_upload`: an uploaded file waiting for its preview's confirm (people, hours).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tornado import httputil

TOKEN = re.compile(r"[A-Za-z0-9_-]{24}")


class StreamedForm:
    """Mixin for a handler decorated with ``@tornado.web.stream_request_body``; set
    ``body_most`` (bytes kept) and ``ceiling`` (bytes read before the connection is cut)."""

    body_most: int = 0
    ceiling: int = 128 * 2**20
    body_read = False           # tornado asks for the XSRF token before prepare()

    async def prepare(self):
        self.received, self.size = [], 0
        if self.request.method == "POST":
            self.request.connection.set_max_body_size(self.ceiling)
        await super().prepare()

    def check_xsrf_cookie(self) -> None:
        if self.request.method == "POST" and not self.body_read:
            return None                     # checked in read_form(), with the form's fields
        return super().check_xsrf_cookie()

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.body_most:
            self.received.append(chunk)
        else:
            self.received = []

    def too_big(self) -> bool:
        """Whether the body went past ``body_most`` (then nothing of it was kept)."""
        self.body_read = True
        return self.size > self.body_most

    def read_form(self) -> dict:
        """The body's fields as the request's arguments, the XSRF token checked (a 403
        otherwise); the files sent, by field name."""
        self.body_read = True
        fields: dict = {}
        uploaded: dict = {}
        httputil.parse_body_arguments(self.request.headers.get("Content-Type", ""),
                                      b"".join(self.received), fields, uploaded,
                                      self.request.headers)
        for name, values in fields.items():
            self.request.body_arguments.setdefault(name, []).extend(values)
            self.request.arguments.setdefault(name, []).extend(values)
        self.check_xsrf_cookie()
        return uploaded


def kept_upload(folder: Path, token: str, actor: str) -> tuple[dict, bytes] | None:
    """The upload's facts and its bytes when ``token`` is one and ``actor`` sent it; else
    None (the caller answers 404: another person's upload is not hers to see)."""
    facts_path = folder / f"{token}.json"
    if not TOKEN.fullmatch(token) or not facts_path.exists():
        return None
    facts = json.loads(facts_path.read_text("utf-8"))
    if facts.get("actor") != actor:
        return None
    upload = folder / f"{token}.upload"
    return facts, upload.read_bytes() if upload.exists() else b""
