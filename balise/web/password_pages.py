"""Passwords of trainers and coordinators: her own new one, and a coordinator's reset.

``/balise/password``: the form to choose a password (two fields, a plain message per
field, nothing written when refused). A person whose account was reset or just made
(``must_change_password``) is sent here by every Balise page until she has chosen one
(:func:`balise.web.pages.require`). ``POST /balise/admin/people/<id>/password``: a
coordinator gives a trainer or a coordinator a one-time password, shown once on a page
that is never cached. Checks and the trail are :mod:`balise.store.accounts`'s.
"""

from __future__ import annotations

from tornado import web

from balise.store import accounts
from balise.store.admin import Invalid, NotFound
from balise.web.admin_forms import AdminPage
from balise.web.pages import require
from balise.words import N_

LABELS = {"password": N_("New password"), "again": N_("The same password again")}


class PasswordHandler(AdminPage):
    """``/balise/password``: she chooses her password."""

    password_page = True

    @web.authenticated
    def get(self):
        self.form()

    def form(self, errors: dict | None = None) -> None:
        self.set_status(400 if errors else 200)
        self.show("password.html", mode="change", errors=errors or {}, labels=LABELS,
                  asked=getattr(self.current_user, "must_change_password", False))

    @web.authenticated
    def post(self):
        try:
            accounts.change_password(self.balise.store, self.current_user.username,
                                     self.get_argument("password", "")[:300],
                                     self.get_argument("again", "")[:300])
        except Invalid as refused:
            return self.form(refused.errors)
        self.redirect(f"{self.base_url}balise/", status=303)


class PasswordResetHandler(AdminPage):
    """``POST /balise/admin/people/<id>/password``: a one-time password, shown once."""

    @require("coordinator")
    def post(self, person_id: str):
        try:
            one_time = accounts.reset_password(self.balise.store, self.current_user.username,
                                               person_id)
        except NotFound:
            self.not_found()
        person = self.balise.store.person(person_id)
        self.set_header("Cache-Control", "no-store")
        self.show("password.html", mode="reset", person=person,
                  one_time=[one_time[i:i + 4] for i in range(0, len(one_time), 4)], errors={},
                  labels=LABELS)
