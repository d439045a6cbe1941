"""Balise under JupyterHub: the hub's settings and the Balise service's, for ``balise hub``.

One shared Balise server, started and supervised by the hub as its service
``balise``, serves every learner at ``/services/balise/``; the hub signs people
in (:mod:`balise.hub.identity`). Per-user servers would each hold a whole Jupyter server
(about 130 MB measured before a module is opened, more with Balise's grading
worker); the shared one adds only the kernels of the module pages open at the
moment (about 58 MB each).

:func:`configure_hub` is the part a Kubernetes hub (Zero to JupyterHub's
``hub.extraConfig``) can reuse; ``balise hub`` adds what one machine needs:
ports, the proxy, the databases and the service's command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from traitlets import Integer, List, Unicode, default
from traitlets.config import Config, LoggingConfigurable

from balise import BaliseError

SERVICE = "balise"
# `balise serve --config` this file when the hub starts Balise: the platform's own
# configuration (BALISE_CONFIG), then the hub's sign-in and URL prefix.
SERVICE_CONFIG = Path(__file__).with_name("service_config.py")
SCHEMAS = {"hub": "hub", "store": "balise", "gradebook": "gradebook"}


class BaliseHub(LoggingConfigurable):
    """Addresses of the parts ``balise hub`` starts on one machine."""

    ip = Unicode(
        "127.0.0.1",
        help="""Address the hub's proxy listens on, where people sign in. Loopback by
        default: put a TLS-terminating web server in front, or set "0.0.0.0" behind
        a firewall. Example: c.BaliseHub.ip = "0.0.0.0" """,
    ).tag(config=True)

    port = Integer(
        8000, help="Port of the hub's proxy (JupyterHub's usual 8000). Example: "
                   "c.BaliseHub.port = 8443").tag(config=True)

    hub_port = Integer(
        8081, help="Loopback port of the hub itself, behind the proxy (JupyterHub's 8081)."
    ).tag(config=True)

    proxy_api_port = Integer(
        8001, help="Loopback port of the proxy's REST API, which the hub drives (8001)."
    ).tag(config=True)

    service_port = Integer(
        8867, help="Loopback port of the shared Balise server (one more than "
                   "`balise serve`'s 8866, so both can run side by side).").tag(config=True)

    public_url = Unicode(
        "",
        help="""The address people use, when a web server or load balancer sits in
        front: the hub's redirects and the certificates' QR codes use it. '' means
        http://<ip>:<port>/. Example: c.BaliseHub.public_url = "https://balise.example.org/" """,
    ).tag(config=True)

    db_url = Unicode(
        "",
        help="""One PostgreSQL database for the hub, Balise's store and nbgrader's
        gradebook, each in its own schema (hub, balise, gradebook), created when
        missing. '' keeps all three in SQLite files in the data folder.
        `balise hub --db-url` sets it.
        Example: c.BaliseHub.db_url = "postgresql://balise@db.example.org/balise" """,
    ).tag(config=True)

    proxy_command = List(
        Unicode(),
        help="""configurable-http-proxy, the hub's proxy (from npm). Default: the one
        `npm ci` installs into ./node_modules, else the one on PATH.""",
    ).tag(config=True)

    @default("proxy_command")
    def _proxy_command_default(self):
        local = Path("node_modules/.bin/configurable-http-proxy").resolve()
        return [str(local) if local.exists() else "configurable-http-proxy"]

    @property
    def wildcard(self) -> bool:
        return self.ip in ("", "0.0.0.0", "::")

    @property
    def url(self) -> str:
        """The public address if set, else this machine's (loopback when on every interface)."""
        host = "127.0.0.1" if self.wildcard else self.ip
        return self.public_url or f"http://{host}:{self.port}/"


def schema_urls(db_url: str) -> dict[str, str]:
    """A SQLAlchemy URL per part (hub, store, gradebook), each on its own schema.

    Each part keeps its own ``alembic_version`` table, so they cannot share one
    schema. A plain ``postgresql://`` URL gets the psycopg 3 driver Balise installs.
    The ``=`` of the schema option is left unescaped: nbgrader and JupyterHub
    write the URL into an alembic.ini, where ``%3D`` would break (``%`` is special).
    """
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        raise BaliseError(f"--db-url {db_url}: a postgresql:// URL is needed.")
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    base = url.render_as_string(hide_password=False)
    joint = "&" if url.query else "?"
    return {part: f"{base}{joint}options=-csearch_path={schema}"
            for part, schema in SCHEMAS.items()}


def create_schemas(db_url: str) -> None:
    """Create the three schemas when missing (the database itself must exist)."""
    engine = create_engine(make_url(schema_urls(db_url)["store"]))
    try:
        with engine.begin() as connection:
            for schema in SCHEMAS.values():
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    except Exception as err:
        raise BaliseError(f"--db-url: cannot prepare the database: {err}") from err
    finally:
        engine.dispose()


def _put(c: Config, key: str, entry: dict) -> None:
    """Add ``entry`` to the hub's list ``key``, replacing one of the same name (z2jh's own stay)."""
    others = [e for e in c.JupyterHub.get(key, []) if e.get("name") != entry["name"]]
    setattr(c.JupyterHub, key, [*others, entry])


def configure_hub(c: Config, service_url: str, command: list[str] | None = None,
                  environment: dict[str, str] | None = None,
                  api_token: str | None = None) -> Config:
    """Balise's part of a hub's configuration: sign-in, the ``balise`` service, roles.

    ``command`` makes the service hub-managed (started and restarted by the hub,
    as on one machine); without it the hub only routes ``/services/balise/`` to
    ``service_url``, and ``api_token`` is the token Balise's own pod was given
    (its ``JUPYTERHUB_API_TOKEN``). Other services and roles are kept.
    """
    c.JupyterHub.authenticator_class = "balise.hub.identity.BaliseAuthenticator"
    c.Authenticator.manage_groups = True
    service = {"name": SERVICE, "url": service_url, "oauth_no_confirm": True,
               "display": True, "info": {"description": "Balise: safety modules"}}
    if command:
        # Before it listens, the service builds the course (nbgrader, read-aloud texts):
        # on a busy 2-core machine more than JupyterHub's 30 s, after which the hub gave
        # up and exited, leaving the service it had started running on its own.
        service.update(command=command, environment=environment or {}, timeout=180)
    if api_token:
        service["api_token"] = api_token
    _put(c, "services", service)
    # Everyone may use the Balise service and identify themselves to it; nobody gets
    # a server of their own (no `servers` scope): the shared service is the point.
    _put(c, "load_roles", {
        "name": "user",
        "description": "Balise's people: the Balise service, no server of their own",
        "scopes": ["read:users:name!user", "read:users:groups!user",
                   f"access:services!service={SERVICE}"],
    })
    c.JupyterHub.default_url = f"/services/{SERVICE}/"
    return c


def hub_config(hub: BaliseHub, balise_config: Config, data: Path, hub_db_url: str,
               service_command: list[str], environment: dict[str, str]) -> Config:
    """The whole hub configuration for one machine, loopback behind the proxy."""
    c = Config()
    c.Balise = balise_config.Balise.copy()   # where BaliseAuthenticator finds the store
    c.Balise.data_dir = str(data)
    c.JupyterHub.ip, c.JupyterHub.port = hub.ip, hub.port
    c.JupyterHub.hub_ip, c.JupyterHub.hub_port = "127.0.0.1", hub.hub_port
    if hub.public_url or not hub.wildcard:
        c.JupyterHub.public_url = hub.url
    c.JupyterHub.db_url = hub_db_url
    c.JupyterHub.upgrade_db = True           # as Balise's store: migrated on start
    c.JupyterHub.cookie_secret_file = str(data / "hub" / "cookie_secret")
    c.JupyterHub.pid_file = str(data / "hub" / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.command = hub.proxy_command
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub.proxy_api_port}"
    c.ConfigurableHTTPProxy.pid_file = str(data / "hub" / "proxy.pid")
    return configure_hub(c, f"http://127.0.0.1:{hub.service_port}", service_command,
                         environment)


def service_environment(config_file: str | None, urls: dict[str, str]) -> dict[str, str]:
    """What the service's config file reads: the platform's config and the databases.

    The hub starts services with a clean environment (PATH and a few more): HOME
    is handed on so Jupyter finds its runtime folder as in ``balise serve``.
    """
    env = {key: os.environ[key] for key in ("HOME", "USER") if key in os.environ}
    if config_file:
        env["BALISE_CONFIG"] = config_file
    if urls:
        env["BALISE_DB_URL"], env["BALISE_GRADEBOOK_DB_URL"] = urls["store"], urls["gradebook"]
    return env


def configure_service(c: Config, environ: dict[str, str]) -> Config:
    """Balise's server as the hub's service: hub sign-in, the service's URL prefix.

    Called by ``hub_service_config.py`` once the platform's ``jupyter_config.py``
    is loaded; reads the variables the hub (``JUPYTERHUB_*``) and ``balise hub``
    (``BALISE_*``) give the service.
    """
    if "JUPYTERHUB_SERVICE_PREFIX" not in environ:
        raise BaliseError("hub_service_config.py is for a JupyterHub service: "
                          "start it with `balise hub`.")
    c.ServerApp.identity_provider_class = "balise.hub.identity.HubIdentityProvider"
    c.ServerApp.base_url = environ["JUPYTERHUB_SERVICE_PREFIX"]
    if environ.get("JUPYTERHUB_PUBLIC_URL"):
        c.ServerApp.custom_display_url = environ["JUPYTERHUB_PUBLIC_URL"]
    if environ.get("BALISE_DB_URL"):
        c.Balise.db_url = environ["BALISE_DB_URL"]
    if environ.get("BALISE_GRADEBOOK_DB_URL"):
        c.Balise.gradebook_db_url = environ["BALISE_GRADEBOOK_DB_URL"]
    return c


def start_hub(args, config: Config, balise) -> None:
    """``balise hub``: prepare the databases, then run JupyterHub in this process."""
    from jupyterhub.app import JupyterHub

    from balise.store.models import Store

    hub = BaliseHub(config=config)
    if args.port:
        hub.port = args.port
    if args.db_url:
        hub.db_url = args.db_url
    data = balise.data_path
    (data / "hub").mkdir(parents=True, exist_ok=True)
    urls: dict[str, str] = {}
    if hub.db_url:
        urls = schema_urls(hub.db_url)
        create_schemas(hub.db_url)
        config.Balise.db_url, config.Balise.gradebook_db_url = urls["store"], urls["gradebook"]
        balise.db_url, balise.gradebook_db_url = urls["store"], urls["gradebook"]
    # Migrate Balise's store now: the hub's sign-in and the service then find it ready.
    Store(balise.store_url).dispose()
    user_config = config.Balise.get("config_file") or None
    command = [sys.executable, "-m", "balise.cli", "--config", str(SERVICE_CONFIG), "serve",
               "--data", str(data), "--courses", str(balise.courses_path),
               "--port", str(hub.service_port)] + (["--no-demo"] if args.no_demo else [])
    settings = hub_config(hub, config, data,
                          urls.get("hub", f"sqlite:///{data / 'hub' / 'jupyterhub.sqlite'}"),
                          command, service_environment(user_config, urls))
    print(f"JupyterHub for Balise at {hub.url} (Balise: {hub.url}services/{SERVICE}/)",
          flush=True)
    # A jupyterhub_config.py in the working folder, if any, is read on top of these.
    JupyterHub.instance(config=settings)
    JupyterHub.launch_instance([])
