"""A trainer opens a learner's session on a shared phone, in place of her own.

On the floor one phone may serve several learners. From a learner's page her trainer
asks to open the learner's session here; a page names the learner and says that the
trainer's own session ends on this phone; once confirmed, the trainer is signed out
and the learner signed in, landing on her route. A trainer may do it for her own site's
current learners, a coordinator for any; anyone else reads as a page that does not
exist. Each opening is a line of the trail (``session.open``).
"""

from __future__ import annotations

from balise.store.admin import _write as write_trail
from balise.store.models import Person
from balise.web.admin_forms import AdminPage
from balise.web.pages import require


class OpenSessionHandler(AdminPage):
    """``/balise/person/<id>/session``: GET asks, naming her; POST does it."""

    def learner(self, person_id: str) -> Person:
        person = self.balise.store.person(person_id)
        if person is None or person.role != "learner" or person.archived or not \
                self.may_act_on(person.site_id):
            self.not_found()
        return person

    @require("trainer", "coordinator")
    def get(self, person_id: str):
        self.show("open_session.html", person=self.learner(person_id))

    @require("trainer", "coordinator")
    def post(self, person_id: str):
        person = self.learner(person_id)
        provider = self.identity_provider
        user = provider._user(self, person.id)
        if user is None:
            self.not_found()
        with self.balise.store.session() as s:
            write_trail(s, self.current_user.username, "session.open", person=person.id,
                        site=person.site_id, team=person.team_id)
        provider.clear_login_cookie(self)
        provider.set_login_cookie(self, user)
        self.log.info("User %s signed in on a shared phone by %s.", person.id,
                      self.current_user.username)
        self.redirect(f"{self.base_url}balise/learner", status=303)
