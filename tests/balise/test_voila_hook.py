"""The kernel learns who the learner is from the server's session, not from the URL."""

import re
from types import SimpleNamespace

import nbformat
import pytest
from tornado import web

from balise import tokens
from balise.web.auth import BaliseUser
from balise.web.voila_hook import prelaunch

SECRET = b"s" * 32


def handler(user, query=""):
    context = SimpleNamespace(
        secret=SECRET, catalogue={"postures": object()},
        config=SimpleNamespace(kernel_token_minutes=5),
        api_url=lambda h: "http://127.0.0.1:1/")
    return SimpleNamespace(current_user=user, settings={"balise": context},
                           request=SimpleNamespace(query=query,
                                                   arguments={"learner": [b"yusuf"]}))


def injected_identity(nb):
    token = re.search(r"connect\('([^']+)'", nb.cells[0].source).group(1)
    return tokens.verify(SECRET, token)


def test_query_string_naming_another_learner_does_not_change_identity():
    amina = BaliseUser(username="amina", role="learner")
    nb = prelaunch(handler(amina, "learner=yusuf"), nbformat.v4.new_notebook(),
                   "/data/course/release/postures")
    identity = injected_identity(nb)
    assert (identity.learner, identity.module) == ("amina", "postures")


def test_no_signed_in_person_no_kernel():
    with pytest.raises(web.HTTPError) as err:
        prelaunch(handler(None), nbformat.v4.new_notebook(), "/x/release/postures")
    assert err.value.status_code == 403


def test_unknown_module_folder_is_refused():
    amina = BaliseUser(username="amina", role="learner")
    with pytest.raises(web.HTTPError) as err:
        prelaunch(handler(amina), nbformat.v4.new_notebook(), "/x/release/secret")
    assert err.value.status_code == 404


def test_a_failed_identity_cell_is_logged_without_its_token():
    """Voila logs a failed cell whole; the page token must not reach the log."""
    import io
    import logging

    from balise.web.voila_hook import hide_identity_cell

    stream = io.StringIO()
    logger = logging.getLogger("test-identity-cell")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        hide_identity_cell(logger)
        secret_token = "eyJleHAiOiAx.2UdozhJlG2dqkoUw"
        logger.error("Error at server while executing cell: %s",
                     {"source": f"import balise.client\nbalise.client.connect('{secret_token}', "
                                "'http://127.0.0.1:8866/')"})
        said = stream.getvalue()
        assert "Error at server while executing cell" in said
        assert secret_token not in said and "balise.client.connect(" not in said
    finally:
        logger.removeHandler(handler)
