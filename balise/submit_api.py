"""POST /balise/api/submit: the kernel of a module page hands in the learner's answers."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.auth.decorator import allow_unauthenticated

from balise import BaliseError, tokens
from balise.messages import both


class SubmitHandler(JupyterHandler):
    """Identity comes from the signed token alone; a body naming someone else is refused.

    The caller is the page's kernel, which holds no cookie, so there is no
    cross-site form to guard against: the bearer token replaces the XSRF check.
    """

    def check_xsrf_cookie(self):
        return None

    def _reply(self, status: int, payload: dict) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    @allow_unauthenticated
    async def post(self):
        context = self.settings["balise"]
        header = self.request.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return self._reply(401, {"error": both("sign_in_again")})
        try:
            identity = tokens.verify(context.secret, header[7:].strip())
        except BaliseError:
            return self._reply(401, {"error": both("sign_in_again")})
        try:
            body = json.loads(self.request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return self._reply(400, {"error": "malformed request / requête mal formée"})
        person = context.store.person(identity.learner)
        named = body.get("learner", identity.learner)
        if (person is None or person.role != "learner" or named != identity.learner
                or body.get("module") != identity.module):
            self.log.warning("Refused submission: token for %s/%s, body names %r/%r",
                             identity.learner, identity.module, named, body.get("module"))
            return self._reply(403, {"error": both("not_you")})
        try:
            result = await context.grading.submit(identity.learner, identity.module,
                                                  body.get("submission_id"), body.get("answers"))
        except BaliseError as err:
            return self._reply(400, {"error": str(err)})
        self._reply(200, result)
