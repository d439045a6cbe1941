"""Feedback after a try: Balise's own page for the learner, nbgrader's for her trainer.

nbgrader's feedback HTML is made for the person who wrote the tests: it shows
every cell, "### BEGIN HIDDEN TESTS", tracebacks in English and, in each quiz
slot's hidden test, the right option of every question of the bank. A learner
who read it once could pass the next draw. So a learner only ever sees
:meth:`~balise.grading.service.GradingService.result` of one of her own
attempts: each item she was asked, her answer, right or wrong, the right
practice and its source. nbgrader's page is kept for trainers and coordinators,
under ``/balise/trainer/feedback/``.
"""

from __future__ import annotations

from sqlalchemy import select

from balise.formats import date_words, number_words
from balise.grading.submissions import ID_PATTERN
from balise.messages import CATALOGUE
from balise.web.pages import Page, require


def _not_found(page: Page) -> None:
    """One answer for every link that is not hers: nothing tells what exists."""
    page.set_status(404)
    page.show("message.html", title=CATALOGUE["not_found"])


def may_see(ctx, user, learner: str):
    """The person ``learner`` if ``user`` may see her results, else None."""
    person = ctx.store.person(learner) if ID_PATTERN.match(learner or "") else None
    if person is None or person.role != "learner":
        return None
    if learner == user.username or user.role == "coordinator":
        return person
    if user.role == "trainer" and person.site_id == user.site:
        return person
    return None


class FeedbackHandler(Page):
    """GET /balise/feedback/<module>[?attempt=<id>]: her latest graded attempt, or the one named.

    A learner sees her own attempts only; a trainer (her site) or coordinator
    may add ``?learner=<id>``. Anything else, a module never tried included,
    is "page not found".
    """

    @require("learner", "trainer", "coordinator")
    def get(self, module_id):
        ctx, user = self.balise, self.current_user
        learner = self.get_argument("learner", user.username)
        if user.role == "learner" and learner != user.username:
            return _not_found(self)
        person = may_see(ctx, user, learner)
        module = ctx.catalogue.get(module_id)
        if person is None or module is None:
            return _not_found(self)
        Attempt = ctx.models.Attempt
        query = select(Attempt).where(Attempt.learner_id == learner,
                                      Attempt.module_id == module_id,
                                      Attempt.status == "graded")
        wanted = self.get_argument("attempt", None)
        if wanted is not None:
            query = query.where(Attempt.id == wanted)
        with ctx.store.session() as s:
            attempt = s.scalars(query.order_by(Attempt.number.desc()).limit(1)).first()
        if attempt is None:
            return _not_found(self)
        result = ctx.grading.result(attempt.id)
        self.show("feedback.html", module=module, result=result, person=person,
                  score=number_words(result["score"]), max_score=number_words(result["max_score"]),
                  graded_on=attempt.graded_at and date_words(attempt.graded_at.date()))


class TrainerFeedbackHandler(Page):
    """nbgrader's own feedback page of a learner's latest graded submission, for trainers.

    The file path is built from a learner checked against the trainer's site,
    never from a path in the URL. Served sandboxed: no script in it runs.
    """

    @require("trainer", "coordinator")
    def get(self, module_id):
        ctx, user = self.balise, self.current_user
        learner = self.get_argument("learner", "")
        if may_see(ctx, user, learner) is None or module_id not in ctx.catalogue:
            return _not_found(self)
        page = ctx.config.course_root / "feedback" / learner / module_id / f"{module_id}.html"
        if not page.is_file():
            self.set_status(404)
            return self.show("message.html", title=CATALOGUE["no_feedback"])
        self.set_header("Content-Security-Policy", "sandbox; default-src 'none'; "
                        "style-src 'unsafe-inline'; img-src data:")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page.read_bytes())
