"""Who is asking, and what they may do: sign-in, session cookie, roles.

Identity is decided here and nowhere else. The session cookie (signed by
Tornado with the server's secret) carries only the person's id and the
sign-in time; role and site are read from the store on each request, so a
changed role or a removed person takes effect at once.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.services.api.handlers import IdentityHandler
from tornado import web
from traitlets import default

from balise.messages import both
from balise.passwords import check_password, needs_rehash
from balise.store import accounts, badges
from balise.web.kernels import owns


@dataclass
class BaliseUser(User):
    role: str = "learner"
    site: str | None = None
    must_change_password: bool = False


# The throttle counts badge tries under this name: no person's id can start with '#'.
BADGE_TRIES = "#badge"


def badge_blocked(handler) -> bool:
    """Too many wrong badges from this address: refused without looking the badge up.

    A code is guessed by trying many, so the address, not the code, is what is counted.
    """
    return handler.settings["balise"].throttle.blocked(BADGE_TRIES,
                                                       handler.request.remote_ip or "")


def sign_in_by_badge(handler, learner_id: str | None) -> bool:
    """Count the try; when a badge named a current learner, sign her in.

    A success does not forget the address's failures: with one badge of her own, a guesser
    could otherwise try four codes, sign in, and try four more, without end.
    """
    throttle, address = handler.settings["balise"].throttle, handler.request.remote_ip or ""
    user = handler.identity_provider._user(handler, learner_id) if learner_id else None
    if user is None or user.role != "learner":
        throttle.failed(BADGE_TRIES, address)
        return False
    handler.identity_provider.set_login_cookie(handler, user)
    handler.log.info("User %s signed in with a badge.", user.username)
    return True


class SignInHandler(LoginFormHandler):
    """Balise's sign-in page at /login: Jupyter's form handling, Balise's page.

    Its own class so that Balise owns the page (template ``login.html`` from
    ``balise/web/templates``) and can add checks such as rate limiting later
    without touching Jupyter's handler.
    """

    def _render(self, message=None):
        self.write(self.render_template("login.html", next=self.get_argument(
            "next", default=self.base_url), message=message, user=None))

    @allow_unauthenticated
    async def post(self):
        """Refuse, without checking the password, after too many recent failures.

        The form's XSRF token is checked here: Jupyter skips it for a visitor not
        yet signed in, which would let another site sign her in as someone else.
        """
        if not self.check_origin():
            raise web.HTTPError(403)
        web.RequestHandler.check_xsrf_cookie(self)
        if self.get_argument("badge_code", None) is not None:
            return self._badge_code()
        throttle = self.settings["balise"].throttle
        name = self.get_argument("username", default="").strip()[:64]
        address = self.request.remote_ip or ""
        if throttle.blocked(name, address):
            self.log.warning("Sign-in for %r from %s refused: too many failures", name, address)
            self.set_status(429)
            return self._render(message={"error": "throttled"})
        user = await self.identity_provider.check_login_form(self)
        if user is None:
            throttle.failed(name, address)
            self.set_status(401)
            return self._render(message={"error": "wrong"})
        throttle.succeeded(name, address)
        self.log.info("User %s signed in.", user.username)
        self.identity_provider.set_login_cookie(self, user)
        self._redirect_safe(self.get_argument("next", default=self.base_url))


    def _badge_code(self):
        """The short code of her badge, typed: case, spaces and dashes do not matter."""
        if badge_blocked(self):
            self.set_status(429)
            return self._render(message={"error": "throttled"})
        ctx = self.settings["balise"]
        typed = self.get_argument("badge_code", default="")[:64]
        if not sign_in_by_badge(self, badges.by_code(ctx.store, ctx.secret, typed)):
            self.set_status(401)
            return self._render(message={"error": "badge"})
        self.redirect(f"{self.base_url}balise/learner")


class SignOutHandler(JupyterHandler):
    """Sign-out at /logout: a button that posts, never a link that signs out.

    Jupyter signs out on any GET of /logout, so another site could sign a
    learner out in the middle of a module with one hidden image. Here a GET
    (the header's link) only shows the button; the POST carries the form's XSRF
    token and comes from this site, else it is refused and she stays signed in.
    The form is on this page only: a token in every page's header would make
    each page differ from the next (Tornado masks it anew each time), and a
    refusal must read the same whatever was asked.
    """

    @allow_unauthenticated
    def get(self):
        self.write(self.render_template("logout.html", signed_in=self.current_user is not None,
                                        user=None))

    @allow_unauthenticated
    def post(self):
        if not self.check_origin():
            raise web.HTTPError(403)
        web.RequestHandler.check_xsrf_cookie(self)
        self.identity_provider.clear_login_cookie(self)
        self.write(self.render_template("logout.html", signed_in=False, user=None))


class BaliseIdentityProvider(IdentityProvider):
    """Sign-in against Balise's store; no Jupyter token is ever accepted or printed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # (person, sign-in time) of each session signed out, with when: its cookie is dead.
        self._signed_out: dict[tuple[str, float], float] = {}
        # (learner, sign-in time) of each learner's session, with its last request.
        self._last_seen: dict[tuple[str, float], float] = {}

    @default("login_handler_class")
    def _login_handler_class_default(self):
        return SignInHandler

    @default("logout_handler_class")
    def _logout_handler_class_default(self):
        return SignOutHandler

    @default("token")
    def _token_default(self):
        return ""

    @default("cookie_name")
    def _cookie_name_default(self):
        return "balise-session"

    def _context(self, handler):
        return handler.settings["balise"]

    def _user(self, handler, person_id: str) -> BaliseUser | None:
        person = self._context(handler).store.person(person_id)
        # A person whose placement ended (archived) signs in no more, and a session she
        # had open ends at her next request.
        if person is None or person.ended_on is not None:
            return None
        return BaliseUser(username=person.id, name=person.name, display_name=person.name,
                          role=person.role, site=person.site_id,
                          must_change_password=bool(person.must_change_password))

    def get_user_token(self, handler):
        return None

    def user_to_cookie(self, user: User) -> str:
        return json.dumps({"id": user.username, "at": time.time()})

    def _signed_in(self, handler) -> tuple[str, float] | None:
        """The person and sign-in time the request's signed cookie carries, if it is valid."""
        raw = handler.get_secure_cookie(self.get_cookie_name(handler),
                                        max_age_days=self._context(handler).config.session_hours
                                        / 24)
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return str(data["id"]), float(data["at"])
        except (ValueError, KeyError, TypeError):
            return None

    def get_user_cookie(self, handler):
        signed = self._signed_in(handler)
        if signed is None or signed in self._signed_out:
            return None
        if time.time() - signed[1] > self._context(handler).config.session_hours * 3600:
            return None
        user = self._user(handler, signed[0])
        if user is not None and user.role == "learner" and self._idle(handler, signed):
            return None
        return user

    def _idle(self, handler, signed: tuple[str, float]) -> bool:
        """A learner's session ends after ``learner_idle_minutes`` without a request.

        Kept in memory: after a restart, a session counts from its first request.
        """
        idle = self._context(handler).config.learner_idle_minutes * 60
        if idle <= 0:
            return False
        now = time.time()
        last = self._last_seen.get(signed, now)
        if now - last > idle:
            self._last_seen.pop(signed, None)
            self._signed_out[signed] = now
            return True
        if signed not in self._last_seen:
            for old in [k for k, at in self._last_seen.items() if now - at > idle]:
                del self._last_seen[old]
        self._last_seen[signed] = now
        return False

    def clear_login_cookie(self, handler) -> None:
        """Sign out: the cookie is cleared here, and a copy of it kept elsewhere is refused."""
        signed = self._signed_in(handler)
        if signed is not None:
            now, hours = time.time(), self._context(handler).config.session_hours
            # Forget sign-outs of cookies that have expired anyway: the set stays small.
            for old in [k for k, at in self._signed_out.items() if now - at > hours * 3600]:
                del self._signed_out[old]
            self._signed_out[signed] = now
        super().clear_login_cookie(handler)

    def process_login_form(self, handler) -> BaliseUser | None:
        """The same None for an unknown name and a wrong password: no hint which."""
        name, password, stored = self._form(handler)
        return self._user(handler, name) if check_password(stored, password) else None

    async def check_login_form(self, handler) -> BaliseUser | None:
        """:meth:`process_login_form` with argon2 in a thread (it lets go of the GIL).

        A check takes about 0.1 s of CPU on purpose; on the event loop, a
        hundred learners signing in held up every page and every score.
        """
        name, password, stored = self._form(handler)
        if not await asyncio.to_thread(check_password, stored, password):
            return None
        if needs_rehash(stored):        # made by an older Balise: today's parameters
            await asyncio.to_thread(accounts.rehash_password, self._context(handler).store,
                                    name, password)
        return self._user(handler, name)

    def _form(self, handler) -> tuple[str, str, str | None]:
        name = handler.get_argument("username", default="").strip()[:64]
        password = handler.get_argument("password", default="")[:256]
        person = self._context(handler).store.person(name) if name else None
        return (person.id if person else name), password, (
            person.password_hash if person else None)


class BaliseAuthorizer(Authorizer):
    """Signed-in people may use the kernels Voila starts for them, and nothing else of Jupyter.

    Balise's own pages check roles themselves (:func:`balise.web.pages.require`).
    Contents, files, terminals and sessions are refused to everyone, so no
    notebook, gradebook or data file is reachable through Jupyter's APIs. A
    kernel is reachable by the person whose page started it, and by nobody
    else: not even listed (:mod:`balise.web.kernels`).
    """

    allowed = {("kernels", "read"), ("kernels", "execute"), ("kernelspecs", "read"),
               ("api", "read")}

    def is_authorized(self, handler, user, action, resource) -> bool:
        allowed = (isinstance(user, BaliseUser) and (resource, action) in self.allowed
                   and (resource != "kernels" or owns(handler)))
        if not allowed and isinstance(handler, APIHandler) and not isinstance(
                handler, IdentityHandler):
            # Jupyter would answer "User is not authorized to read on resource: kernels."
            # in its JSON: the same refusal, in Balise's words. (Jupyter's identity
            # endpoint asks about every permission to list them: it gets False.)
            raise web.HTTPError(403, both("not_allowed"))
        return allowed
