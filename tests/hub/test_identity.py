"""Identity across the hub, without a hub: the authenticator and Balise's side of OAuth."""

from __future__ import annotations

import asyncio
import shutil
from types import SimpleNamespace

import pytest
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider, JupyterHubUser
from sqlalchemy import make_url
from tornado import web
from traitlets.config import Config

from balise import BaliseError
from balise.demo import accounts as demo
from balise.hub.config import configure_hub, configure_service, schema_urls
from balise.hub.identity import BaliseAuthenticator, HubIdentityProvider, role_of
from balise.store.models import Person, Store
from balise.web.auth import BaliseUser
from balise.web.submit_api import SubmitHandler


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The demo people once (argon2 is slow on purpose); each test gets a copy."""
    path = tmp_path_factory.mktemp("seeded") / "balise.db"
    store = Store(f"sqlite:///{path}")
    demo.seed(store)
    store.dispose()
    return path


@pytest.fixture
def store(seeded, tmp_path):
    shutil.copy(seeded, tmp_path / "balise.db")
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    yield store
    store.dispose()


@pytest.fixture
def authenticator(store, tmp_path):
    config = Config()
    config.Balise.data_dir = str(tmp_path)
    config.Balise.signin_max_failures = 3
    auth = BaliseAuthenticator(config=config)
    yield auth
    auth.store.dispose()


def sign_in(auth, name, password, address="10.0.0.7"):
    handler = SimpleNamespace(request=SimpleNamespace(remote_ip=address))
    return asyncio.run(auth.authenticate(handler, {"username": name, "password": password}))


def test_hub_sign_in_puts_each_person_in_the_group_of_their_role(authenticator):
    assert sign_in(authenticator, "yusuf", "demo-yusuf") == {"name": "yusuf",
                                                             "groups": ["learner"]}
    assert sign_in(authenticator, "formatrice", "demo-formatrice")["groups"] == ["trainer"]
    assert sign_in(authenticator, "coordinateur", "demo-coordinateur")["groups"] == [
        "coordinator"]
    assert authenticator.manage_groups and authenticator.allow_all


def test_hub_sign_in_refuses_a_wrong_password_and_an_unknown_name_alike(authenticator):
    assert sign_in(authenticator, "yusuf", "demo-amina") is None
    assert sign_in(authenticator, "nobody", "demo-yusuf") is None
    assert sign_in(authenticator, "", "") is None


def test_hub_sign_in_is_throttled_after_failures_even_with_the_right_password(authenticator):
    for _ in range(3):
        assert sign_in(authenticator, "amina", "guess") is None
    assert sign_in(authenticator, "amina", "demo-amina") is None
    assert sign_in(authenticator, "amina", "demo-amina", address="10.0.0.8") is not None


def test_hub_follows_a_changed_role_and_signs_out_a_removed_person(authenticator, store):
    with store.session() as s:
        s.get(Person, "lea").role = "trainer"
    user = SimpleNamespace(name="lea")
    assert asyncio.run(authenticator.refresh_user(user)) == {"name": "lea",
                                                             "groups": ["trainer"]}
    with store.session() as s:
        s.delete(s.get(Person, "lea"))
    assert asyncio.run(authenticator.refresh_user(user)) is False


def test_several_role_groups_give_the_least_privilege():
    assert role_of(["coordinator", "learner"]) == "learner"
    assert role_of(["trainer", "coordinator"]) == "trainer"
    assert role_of(["staff"]) is None


class Handler:
    """What the identity provider reads from a Balise request handler."""

    def __init__(self, store):
        self.settings = {"balise": SimpleNamespace(store=store)}

    def redirect(self, *args, **kwargs):
        raise AssertionError("redirected")


def service_user(monkeypatch, store, name, groups, handler=None):
    async def hub_says(self, handler):
        return JupyterHubUser({"name": name, "groups": groups, "scopes": []})

    monkeypatch.setattr(JupyterHubIdentityProvider, "get_user", hub_says)
    handler = handler or Handler(store)
    return handler, asyncio.run(HubIdentityProvider().get_user(handler))


def test_service_takes_role_from_the_hub_group_and_site_from_the_store(monkeypatch, store):
    _, user = service_user(monkeypatch, store, "formatrice", ["trainer"])
    assert isinstance(user, BaliseUser)
    assert (user.username, user.role, user.site) == ("formatrice", "trainer",
                                                     store.person("formatrice").site_id)


@pytest.mark.parametrize("name, groups", [("stranger", ["learner"]), ("yusuf", [])],
                         ids=["unknown to Balise", "no role group"])
def test_service_refuses_a_hub_user_balise_cannot_place(monkeypatch, store, name, groups):
    handler, user = service_user(monkeypatch, store, name, groups)
    assert user is None
    with pytest.raises(web.HTTPError) as refused:
        handler.redirect("/hub/login")        # what @web.authenticated does next: 403, no loop
    assert refused.value.status_code == 403


def test_service_leaves_kernel_calls_to_their_signed_token(monkeypatch, store):
    kernel_call = SubmitHandler.__new__(SubmitHandler)
    _, user = service_user(monkeypatch, store, "yusuf", ["learner"], handler=kernel_call)
    assert user is None


def test_one_postgresql_database_gives_a_schema_to_each_part():
    urls = schema_urls("postgresql://balise:s3cret@db.example.org:5432/balise")
    assert set(urls) == {"hub", "store", "gradebook"}
    for part, schema in [("hub", "hub"), ("store", "balise"), ("gradebook", "gradebook")]:
        assert urls[part].startswith("postgresql+psycopg://balise:s3cret@db.example.org:5432/")
        assert urls[part].endswith(f"?options=-csearch_path={schema}")
        assert make_url(urls[part]).query == {"options": f"-csearch_path={schema}"}
    with pytest.raises(BaliseError, match="postgresql"):
        schema_urls("sqlite:///data/balise.db")


def test_service_configuration_needs_the_hub_and_takes_its_prefix():
    with pytest.raises(BaliseError, match="balise hub"):
        configure_service(Config(), {})
    c = configure_service(Config(), {"JUPYTERHUB_SERVICE_PREFIX": "/services/balise/",
                                     "JUPYTERHUB_PUBLIC_URL": "https://b.example.org/services/"
                                                              "balise/",
                                     "BALISE_DB_URL": "postgresql+psycopg://db/b"})
    assert c.ServerApp.base_url == "/services/balise/"
    assert c.ServerApp.identity_provider_class == "balise.hub.identity.HubIdentityProvider"
    assert c.ServerApp.custom_display_url == "https://b.example.org/services/balise/"
    assert c.Balise.db_url == "postgresql+psycopg://db/b"


def test_hub_configuration_keeps_other_services_and_roles():
    c = Config()
    c.JupyterHub.services = [{"name": "idle-culler", "command": ["cull"]},
                             {"name": "balise", "url": "http://old:1"}]
    c.JupyterHub.load_roles = [{"name": "culler", "scopes": ["admin:servers"]}]
    configure_hub(c, "http://balise.example:8867", api_token="t0ken")
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler", "balise"]
    balise = c.JupyterHub.services[-1]
    assert balise["url"] == "http://balise.example:8867" and balise["api_token"] == "t0ken"
    assert balise["oauth_no_confirm"] and "command" not in balise
    assert [r["name"] for r in c.JupyterHub.load_roles] == ["culler", "user"]
    assert "access:services!service=balise" in c.JupyterHub.load_roles[-1]["scopes"]
    assert c.JupyterHub.authenticator_class == "balise.hub.identity.BaliseAuthenticator"
