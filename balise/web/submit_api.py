"""The API a module page's kernel calls: save an answer (and check a scenario), submit.

Identity comes from the signed token the kernel was given at launch, and
from nothing the request says: a body naming someone else is refused. The
caller is a kernel holding no cookie, so there is no cross-site form to guard
against and the bearer token replaces the XSRF check.
"""

from __future__ import annotations

import json

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from sqlalchemy import select

from balise import BaliseError, tokens
from balise.messages import both
from balise.web.page_words import READINGS


class KernelAPIHandler(JupyterHandler):
    def check_xsrf_cookie(self):
        return None

    async def prepare(self):
        """Refuse, before reading it as JSON, a body larger than any answer sheet."""
        await super().prepare()
        size, limit = len(self.request.body or b""), self.balise.config.api_body_kb * 1024
        if size > limit:
            self.log.warning("Refused a %d-byte request to %s (limit %d)", size,
                             self.request.path, limit)
            self.reply(413, {"error": both("too_big")})

    @property
    def balise(self):
        return self.settings["balise"]

    def reply(self, status: int, payload: dict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def identity(self, module: object) -> tokens.Identity | None:
        """The learner the token names, if it is valid, hers, and for ``module``; else reply."""
        header = self.request.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            self.reply(401, {"error": both("sign_in_again")})
            return None
        try:
            identity = tokens.verify(self.balise.secret, header[7:].strip())
        except BaliseError:
            self.reply(401, {"error": both("sign_in_again")})
            return None
        person = self.balise.store.person(identity.learner)
        # An archived learner (placement ended) hands in nothing more, even from a page
        # she had open.
        if person is None or person.role != "learner" or person.ended_on is not None \
                or module != identity.module:
            self.log.warning("Refused kernel call: token for %s/%s, request for %r",
                             identity.learner, identity.module, module)
            self.reply(403, {"error": both("not_you")})
            return None
        return identity

    def learner_request(self) -> tuple[dict, tokens.Identity | None]:
        """The JSON body and the learner it is from; identity None once refused (replied)."""
        try:
            body = json.loads(self.request.body or b"{}")
        except (ValueError, RecursionError):
            body = None
        if not isinstance(body, dict):
            self.reply(400, {"error": "malformed request / requête mal formée"})
            return {}, None
        return body, self.identity(body.get("module"))




class SubmitHandler(KernelAPIHandler):
    @allow_unauthenticated
    async def post(self):
        body, identity = self.learner_request()
        if identity is None:
            return
        if body.get("learner", identity.learner) != identity.learner:
            return self.reply(403, {"error": both("not_you")})
        try:
            result = await self.balise.grading.submit(
                identity.learner, identity.module, body.get("submission_id"), body.get("answers"))
        except BaliseError as err:
            return self.reply(400, {"error": str(err)})
        if result.get("passed"):
            result["next"] = next_module(self.balise, identity.learner, identity.module)
        self.reply(200, result)


class AnswerHandler(KernelAPIHandler):
    """POST: save one answer; for a scenario, say at once whether it is right, and why."""

    @allow_unauthenticated
    def post(self):
        body, identity = self.learner_request()
        if identity is None:
            return
        try:
            feedback = self.balise.answers.save(identity.learner, identity.module,
                                                body.get("item"), body.get("answer"))
        except BaliseError as err:
            return self.reply(400, {"error": str(err)})
        self.reply(200, {"saved": True, "feedback": feedback})

    @allow_unauthenticated
    def get(self):
        """What the page needs when it opens: her saved answers, this attempt's questions,
        her name and reading choice, her last result and the next module of her route.

        While an attempt she sent is being graded, its questions and id ("pending"):
        the page shows it and waits for its result.
        """
        identity = self.identity(self.get_argument("module", None))
        if identity is not None:
            ctx, answers = self.balise, self.balise.answers
            person = ctx.store.person(identity.learner)
            pending = answers.pending(identity.learner, identity.module)
            self.reply(200, {"answers": answers.saved(identity.learner, identity.module),
                             "questions": pending["questions"] if pending else
                             answers.questions(identity.learner, identity.module),
                             "pending": pending,
                             "learner": {"name": person.name, "reading": person.reading},
                             "last": last_result(ctx, identity.learner, identity.module),
                             "next": next_module(ctx, identity.learner, identity.module)})


def last_result(ctx, learner: str, module_id: str) -> dict | None:
    """Her latest graded attempt of the module, as the page shows a score, or None."""
    Attempt = ctx.models.Attempt
    with ctx.store.session() as s:
        found = s.scalar(select(Attempt.id).where(
            Attempt.learner_id == learner, Attempt.module_id == module_id,
            Attempt.status == "graded").order_by(Attempt.number.desc()).limit(1))
    return ctx.grading.result(found) if found else None


def next_module(ctx, learner: str, module_id: str) -> dict | None:
    """The next thing to do on her route once this module is done: {id, title}, or None."""
    journey = ctx.journey(learner)
    if journey is None:
        return None
    ahead = [m["module"] for m in journey.modules if m["status"] not in ("passed", "expiring")
             and m["module"] != module_id]
    nxt = journey.next_module if journey.next_module != module_id else (ahead[0] if ahead
                                                                         else None)
    return {"id": nxt, "title": ctx.catalogue[nxt].title} if nxt in ctx.catalogue else None


class ReadingHandler(KernelAPIHandler):
    """POST {module, reading}: keep her choice of language (both, fr, en) for every page."""

    @allow_unauthenticated
    def post(self):
        body, identity = self.learner_request()
        if identity is None:
            return
        reading = body.get("reading")
        if reading not in READINGS:
            return self.reply(400, {"error": both("bad_request")})
        with self.balise.store.session() as s:
            s.get(self.balise.models.Person, identity.learner).reading = reading
        self.reply(200, {"saved": True})
