"""Balise behind JupyterHub: one identity, checked by the hub, known to Balise.

Two halves, one in each process:

- :class:`BaliseAuthenticator` runs in the hub. It checks a name and password
  against Balise's store (the same argon2 hashes as Balise's own sign-in page)
  and puts the person in the hub group named for their role: ``learner``,
  ``trainer`` or ``coordinator``.
- :class:`HubIdentityProvider` runs in the Balise service. It asks the hub whose
  cookie a request carries (OAuth, through JupyterHub's own ``HubOAuth``, as a
  single-user server does) and builds the :class:`~balise.web.auth.BaliseUser` that
  Balise's pages and Voila's prelaunch hook expect: role from the hub group,
  site from the store.
"""

from __future__ import annotations

import asyncio
import signal

from jupyterhub.auth import Authenticator
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado import web
from traitlets import default

from balise.config import Balise
from balise.passwords import check_password
from balise.store.models import ROLES, Store
from balise.web.auth import BaliseUser
from balise.web.submit_api import KernelAPIHandler
from balise.web.throttle import SignInThrottle


def role_of(groups: list[str]) -> str | None:
    """The Balise role a person's hub groups give; the least of them if several, else None.

    The authenticator puts each person in exactly one role group. When a hub
    administrator has added more, the least privilege wins: a mistake in the
    hub's admin page never opens another site's data.
    """
    return next((role for role in ROLES if role in groups), None)


class BaliseAuthenticator(Authenticator):
    """Hub sign-in against Balise's store: people, roles and argon2 hashes.

    Reads ``c.Balise.data_dir`` / ``c.Balise.db_url`` from the hub's
    configuration to find the store. Everyone in the store may sign in (the
    store is the list of who may), and hub groups follow the store's roles:
    ``manage_groups`` is on, and :meth:`refresh_user` brings a changed role
    or a removed person into the hub within ``auth_refresh_age`` seconds.
    """

    @default("manage_groups")
    def _manage_groups_default(self):
        return True

    @default("allow_all")
    def _allow_all_default(self):
        return True

    _store: Store | None = None
    _throttle: SignInThrottle | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(Balise(parent=self).store_url)
        return self._store

    @property
    def throttle(self) -> SignInThrottle:
        if self._throttle is None:
            settings = Balise(parent=self)
            self._throttle = SignInThrottle(settings.signin_max_failures,
                                            settings.signin_window_minutes * 60)
        return self._throttle

    def normalize_username(self, username: str) -> str:
        """Balise's ids as the store keeps them: the hub's lower-casing would miss 'Lea-2'."""
        return username.strip()

    def _model(self, person) -> dict:
        return {"name": person.id, "groups": [person.role]}

    def _check(self, name: str, password: str):
        person = self.store.person(name) if name else None
        if person is not None and person.ended_on is not None:
            person = None           # archived: her placement ended, she signs in no more
        return person if check_password(person.password_hash if person else None,
                                        password) else None

    async def authenticate(self, handler, data: dict) -> dict | None:
        """``{"name", "groups": [role]}`` for the person, or None: no hint which part failed.

        After ``c.Balise.signin_max_failures`` failures for a name and address,
        sign-in is refused without checking the password for
        ``c.Balise.signin_window_minutes``, as on Balise's own page.
        """
        name = str(data.get("username") or "").strip()[:64]
        password = str(data.get("password") or "")[:256]
        address = (handler.request.remote_ip or "") if handler is not None else ""
        if self.throttle.blocked(name, address):
            self.log.warning("Sign-in for %r from %s refused: too many failures", name, address)
            return None
        person = await asyncio.to_thread(self._check, name, password)
        if person is None:
            self.throttle.failed(name, address)
            return None
        self.throttle.succeeded(name, address)
        return self._model(person)

    async def refresh_user(self, user, handler=None):
        """The store's current role as the hub group; False (sign in again) once removed."""
        person = await asyncio.to_thread(self.store.person, user.name)
        return False if person is None or person.ended_on is not None else self._model(person)


class HubIdentityProvider(JupyterHubIdentityProvider):
    """Balise's identity provider when Balise runs as a JupyterHub service.

    The hub signs people in; this asks it who a request's cookie belongs to
    and turns the answer into a :class:`BaliseUser`. Someone the hub knows but
    Balise does not (no person of that id, or no role group) gets a 403, never
    a redirect back to the hub, which would loop.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The hub stops its services with SIGINT, which a Jupyter server ignores
        # without a terminal (or answers with a question on one), so the hub waits
        # 30 s and sends SIGTERM. Stop at once, as JupyterHub's single-user servers do.
        server = self.parent
        if hasattr(server, "_signal_stop"):
            server._handle_sigint = server._signal_stop
            signal.signal(signal.SIGINT, server._signal_stop)

    async def get_user(self, handler) -> BaliseUser | None:
        if isinstance(handler, KernelAPIHandler):
            return None     # a module's kernel proves who it is with its own signed token
        if hasattr(handler, "_balise_user"):
            return handler._balise_user
        hub_user = await super().get_user(handler)
        handler._balise_user = None
        if hub_user is None:
            return None
        context = handler.settings["balise"]
        person = await asyncio.to_thread(context.store.person, hub_user.username)
        role = role_of(hub_user.hub_user.get("groups") or [])
        if person is not None and person.ended_on is not None:
            person = None           # archived: refused as one unknown
        if person is None or role is None:
            self.log.warning("Hub user %s refused: %s", hub_user.username,
                             "no such person in Balise" if person is None else "no role group")

            def refuse(*args, **kwargs):
                raise web.HTTPError(403, f"{hub_user.username} has no Balise account")

            handler.redirect = refuse
            return None
        handler._balise_user = BaliseUser(username=person.id, name=person.name,
                                          display_name=person.name, role=role,
                                          site=person.site_id)
        return handler._balise_user
