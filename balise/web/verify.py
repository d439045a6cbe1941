"""A certificate's two addresses: its public verification page and its PDF.

The verification page is the one Balise page open without sign-in: whoever
holds a certificate's code (an employer scanning the QR code) learns its
state, the name, the route and the dates, nothing more. The PDF is for the
certificate's learner, her site's trainer and coordinators.
"""

from __future__ import annotations

import re

from jupyter_server.auth.decorator import allow_unauthenticated

from balise.formats import date_words
from balise.progress.certificates import certificate_pdf, find, verify
from balise.progress.routes import Route
from balise.web.pages import Page, require
from balise.words import word


def verify_url(serverapp, code: str) -> str:
    """The address printed on a certificate, never built from the request's Host header.

    ``ServerApp.custom_display_url`` when set (the public address people
    use, behind a proxy: ``c.ServerApp.custom_display_url =
    "https://balise.example.org/"``), else the server's own address and port.
    """
    base = serverapp.custom_display_url or serverapp.connection_url
    return f"{base.rstrip('/')}/balise/verify/{code}"


def _route(routes: list[Route], route_id: str) -> Route:
    """The route as routes.yaml has it now; its id alone if it was removed since."""
    return next((r for r in routes if r.id == route_id), Route(route_id, {}, [], []))


class VerifyHandler(Page):
    """GET /balise/verify/<code>: valid, expired or unknown, in one page shape.

    200 for a valid or expired certificate, 404 for anything else (a forged,
    guessed or malformed code). Not cached and not indexed: the state changes
    with time, and the page names a person.
    """

    @allow_unauthenticated
    def get(self, code):
        found = verify(self.balise.store, code)
        route = _route(self.balise.routes, found["route"]) if found["route"] else None
        self.set_status(404 if found["state"] == "unknown" else 200)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Robots-Tag", "noindex, nofollow")
        self.show("verify.html", found=found,
                  title=route and {"fr": route.title.get("fr") or route.id,
                                   "en": route.title.get("en") or route.id},
                  issued_on=found["issued_on"] and date_words(found["issued_on"]),
                  valid_until=found["valid_until"] and date_words(found["valid_until"]))


class CertificatePdfHandler(Page):
    """GET /balise/certificate/<code>.pdf: the certificate to download and print.

    The same 404 for a code that does not exist and for one the signed-in
    person may not see, so the answer says nothing about other people.
    """

    @require("learner", "trainer", "coordinator")
    def get(self, code):
        ctx, user = self.balise, self.current_user
        certificate = find(ctx.store, code)
        person = ctx.store.person(certificate.learner_id) if certificate else None
        if person is None or not (
                person.id == user.username or user.role == "coordinator"
                or (user.role == "trainer" and person.site_id == user.site)):
            self.set_status(404)
            return self.show("message.html", title=word("Certificate not found"))
        route = _route(ctx.routes, certificate.route_id)
        pdf = certificate_pdf(certificate, person.name, route,
                              {m.id: m.title for m in ctx.catalogue.values()},
                              verify_url(self.settings["serverapp"], certificate.code))
        name = re.sub(r"[^A-Za-z0-9-]", "-", f"attestation-{route.id}-{certificate.issued_on}")
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Content-Disposition", f'attachment; filename="{name}.pdf"')
        self.set_header("Cache-Control", "private, no-store")
        self.log.info("Certificate %s of %s downloaded by %s", code[:4], person.id,
                      user.username)
        self.finish(pdf)
