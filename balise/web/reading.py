"""Her choice of language on Balise's own pages: FR + EN, FR or EN, kept for the person.

The module pages change it through the kernel (``/balise/api/reading``); the
landing, feedback and trainer pages through this small form in their header.
Both write ``people.reading``, so one choice holds on every page and module.
"""

from __future__ import annotations

from urllib.parse import urlparse

from tornado import web

from balise.web.page_words import READINGS
from balise.web.pages import Page

# What the three buttons say: the language's own name, the same in both catalogues.
CHOICES = (("both", "FR + EN"), ("fr", "FR"), ("en", "EN"))


def back_to(page: Page, wanted: str | None) -> str:
    """Where to go after choosing: a path of this server only, else her home page."""
    home = f"{page.base_url}balise"
    if not wanted:
        return home
    parts = urlparse(wanted)
    if parts.scheme or parts.netloc or not parts.path.startswith(page.base_url) \
            or "\\" in wanted:
        return home
    return wanted


class ReadingChoiceHandler(Page):
    """POST /balise/reading (reading=both|fr|en, next=path): keep her choice, go back."""

    @web.authenticated
    def post(self):
        reading = self.get_argument("reading", "")
        if reading not in READINGS:
            raise web.HTTPError(400)
        ctx = self.balise
        with ctx.store.session() as s:
            person = s.get(ctx.models.Person, self.current_user.username)
            if person is None:
                raise web.HTTPError(403)
            person.reading = reading
        self.redirect(back_to(self, self.get_argument("next", None)))
