"""Badges printed, and a lost one revoked: from a learner's page, or a team's sheet.

Printing is issuing (:func:`balise.store.badges.issue`): a token exists only in the page
that prints it, never stored, so a card cannot be printed twice; printing again makes a
new badge and the old one stops working. The page is an HTML page made for the printer
(``@media print``: an A4 sheet of cards, or one card), with the QR code drawn inline as
SVG by segno and the short code grouped 4-4. It is never cached.

A trainer prints her own site's learners' badges, a coordinator anyone's; another site's
learner, a trainer, a coordinator or an unknown id read as a page that does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from markupsafe import Markup
from sqlalchemy import select

from balise.store import badges
from balise.store.admin import NotFound
from balise.store.models import Person, Site
from balise.store.programme import Team
from balise.web.admin_forms import AdminPage
from balise.web.pages import require


def badge_url(serverapp, token: str) -> str:
    """The address a badge's QR code carries: the public address, never the Host header."""
    base = serverapp.custom_display_url or serverapp.connection_url
    return f"{base.rstrip('/')}/badge/{token}"


def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG (nothing fetched), sized by the page's CSS."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


class BadgePage(AdminPage):
    def learner(self, person_id: str) -> Person:
        """A current learner this person may print for; else a page that does not exist."""
        person = self.balise.store.person(person_id)
        if person is None or person.role != "learner" or person.archived or not \
                self.may_act_on(person.site_id):
            self.not_found()
        return person

    def card(self, person: Person, site_names: dict[str, str]) -> dict:
        printed = badges.issue(self.balise.store, self.balise.secret,
                               self.current_user.username, person.id)
        return {"id": person.id, "name": person.name, "site": site_names.get(person.site_id, ""),
                "code": printed.grouped,
                "qr": qr_svg(badge_url(self.settings["serverapp"], printed.token))}

    def site_names(self) -> dict[str, str]:
        with self.balise.store.session() as s:
            return dict(s.execute(select(Site.id, Site.name)).all())

    def print_page(self, cards: list[dict], team: str | None = None) -> None:
        self.set_header("Cache-Control", "no-store")
        self.show("badge_print.html", cards=cards, team=team)


class BadgePrintHandler(BadgePage):
    """``POST /balise/badge/<id>/print``: her new badge, one card to print."""

    @require("trainer", "coordinator")
    def post(self, person_id: str):
        person = self.learner(person_id)
        try:
            card = self.card(person, self.site_names())
        except NotFound:
            self.not_found()
        self.print_page([card])


class BadgeLostHandler(BadgePage):
    """``POST /balise/badge/<id>/lost``: her badge stops working now; back to her page."""

    @require("trainer", "coordinator")
    def post(self, person_id: str):
        person = self.learner(person_id)
        said = "badge-lost" if badges.revoke(self.balise.store, self.current_user.username,
                                             person.id) else "no-badge"
        self.redirect(f"{self.base_url}balise/person/{quote(person.id)}?said={said}",
                      status=303)


class TeamBadgesHandler(BadgePage):
    """``POST /balise/badges/team/<team>``: an A4 sheet, one card per current learner."""

    @require("trainer", "coordinator")
    def post(self, team_id: str):
        with self.balise.store.session() as s:
            team = s.get(Team, team_id)
            people = [] if team is None else list(s.scalars(
                select(Person).where(Person.team_id == team_id, Person.role == "learner",
                                     Person.ended_on.is_(None)).order_by(Person.name)))
        if team is None or not self.may_act_on(team.site_id):
            self.not_found()
        names = self.site_names()
        self.print_page([self.card(p, names) for p in people], team=team.name)
