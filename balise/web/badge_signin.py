"""Signing in with a badge: its QR code scanned (``/badge/<token>``) or its short code typed.

Learners only (:mod:`balise.store.badges` finds no one else). Both ways count against the
sign-in throttle like a password, per address: a code is guessed by trying many, so the
address, not the code, is what is counted. A wrong code and a revoked one get the same
plain message. The token never reaches a log: the request's address is rewritten before
Jupyter logs it, the answer is a redirect that takes the token out of the address bar,
and no page that follows is sent a Referer holding it.

Only a page opened in the browser's window signs in: a browser says how a request was made
(``Sec-Fetch-Mode``), and a picture or a script of another site asking for this address
(which would sign the visitor in as someone else's learner) is refused without a look.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import allow_unauthenticated
from tornado import web

from balise.store import badges
from balise.web.auth import badge_blocked, sign_in_by_badge
from balise.web.pages import Page


class BadgeHandler(Page):
    """``GET /badge/<token>``: the address a badge's QR code carries."""

    def prepare(self):
        # Before anything can log it: Jupyter's request log prints the request's uri.
        self.request.uri = self.request.path = f"{self.base_url}badge/…"
        return super().prepare()

    @allow_unauthenticated
    def get(self, token: str):
        self.set_header("Cache-Control", "no-store")
        self.set_header("Referrer-Policy", "no-referrer")
        if self.request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate":
            raise web.HTTPError(403)
        if badge_blocked(self):
            self.set_status(429)
            return self.sign_in_page("throttled")
        ctx = self.balise
        if not sign_in_by_badge(self, badges.by_token(ctx.store, ctx.secret, token)):
            self.set_status(401)
            return self.sign_in_page("badge")
        self.redirect(f"{self.base_url}balise/learner")

    def sign_in_page(self, error: str) -> None:
        self.finish(self.render_template("login.html", next=f"{self.base_url}balise/learner",
                                         message={"error": error}, user=None,
                                         base_url=self.base_url))
