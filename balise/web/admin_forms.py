"""What the administration pages share: who may act on which site, and how a form answers.

A coordinator administers every site; a trainer her own site's teams and learners
only. Anything of another site reads as a page that does not exist (404), so a
trainer cannot even learn that an id is taken. A form's input is checked by
:mod:`balise.store.admin`: a refusal comes back as the form, as posted, with one
plain message per field (400), and nothing is written. A form carries a key made when it
was shown, so posting it twice adds once; after a save the browser is sent on (303),
so a reload never posts again.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from sqlalchemy import select
from tornado import web

from balise.store.models import Person, Site
from balise.store.programme import ACTIVITIES, Team
from balise.web.pages import Page
from balise.words import N_, word

# What a save says, by the key the address carries back (``?said=saved``).
NOTICES = {"saved": N_("Saved."), "unchanged": N_("Nothing changed."),
           "ended": N_("Placement ended: she can no longer sign in."),
           "back": N_("Placement resumed: she can sign in again."),
           "badge-lost": N_("Badge revoked: it no longer works. Print her a new one."),
           "no-badge": N_("She had no badge in use.")}
ACTIVITY_WORDS = {"logistics": N_("Logistics"), "construction": N_("Construction"),
                  "circular-economy": N_("Circular economy"),
                  "transport": N_("Clean transport"), "digital": N_("Digital services")}
ROLE_WORDS = {"learner": N_("Learner"), "trainer": N_("Trainer"),
              "coordinator": N_("Coordinator")}
LANGUAGE_WORDS = {"fr": N_("French"), "en": N_("English")}


def activity_choices() -> list[tuple[str, dict]]:
    return [(a, word(ACTIVITY_WORDS[a])) for a in ACTIVITIES]


class AdminPage(Page):
    """A page of the administration: the scope of the person signed in, and form answers."""

    @property
    def coordinator(self) -> bool:
        return self.current_user.role == "coordinator"

    def may_act_on(self, site_id: str | None) -> bool:
        """Every site for a coordinator; her own site, and only it, for a trainer."""
        return self.coordinator or (site_id is not None and site_id == self.current_user.site)

    def not_found(self) -> None:
        """Another site's, or no such thing: the same answer, a page that does not exist."""
        raise web.HTTPError(404)

    def sites(self) -> list[Site]:
        """The sites this person may act on, by name."""
        query = select(Site).order_by(Site.name)
        if not self.coordinator:
            query = query.where(Site.id == self.current_user.site)
        with self.balise.store.session() as s:
            return list(s.scalars(query))

    def teams(self, site_ids: list[str]) -> list[Team]:
        with self.balise.store.session() as s:
            return list(s.scalars(select(Team).where(Team.site_id.in_(site_ids))
                                  .order_by(Team.site_id, Team.name)))

    def trainers(self, site_ids: list[str]) -> list[Person]:
        """The current trainers of these sites, by name."""
        with self.balise.store.session() as s:
            return list(s.scalars(select(Person).where(
                Person.site_id.in_(site_ids), Person.role == "trainer",
                Person.ended_on.is_(None)).order_by(Person.name)))

    @property
    def routes(self) -> dict[str, list[str]]:
        """Each route of ``courses/routes.yaml`` and the jobs it counts."""
        return {r.id: list(r.jobs) for r in self.balise.routes}

    def form_key(self) -> str:
        """The posted form's key (kept through a refusal), else a new one for a new form."""
        return self.get_argument("form_key", "") or secrets.token_urlsafe(24)

    def notice(self) -> dict | None:
        said = self.get_argument("said", "")
        return word(NOTICES[said]) if said in NOTICES else None

    def done(self, path: str, said: str, **query: str) -> None:
        """On to ``path`` (under ``balise/admin/``) with a notice: a reload posts nothing."""
        self.redirect(f"{self.base_url}balise/{path}?{urlencode({'said': said, **query})}",
                      status=303)

    def posted(self, *names: str) -> dict:
        """The form's fields as posted (text; lists for fields that may repeat)."""
        out = {}
        for name in names:
            values = self.get_arguments(name)
            out[name] = values if name == "activities" else (values[0] if values else "")
        return out
