"""A module page's kernel: widget messages pass, code does not, and no one reaches another's.

Each case opens a real Voila page on the shared server, then talks to its
kernel over Jupyter's websocket the way a poking learner would.
"""

import json
import uuid
from pathlib import Path

import pytest
import requests
import websockets

from probe import (
    bilingual,
    converse,
    execute,
    kinds,
    message,
    open_page,
    refused,
    run,
    texts,
    unchanged,
)

pytestmark = pytest.mark.slow

REFUSAL = ("cette page ne peut pas exécuter de code", "this page cannot run code")
NOT_ON_PAGE = ("Refusé : ce widget n'est pas sur cette page.",
               "Refused: this widget is not on this page.")
V1 = "v1.kernel.websocket.jupyter.org"


def marker(tmp_path: Path) -> Path:
    return tmp_path / f"pwned-{uuid.uuid4().hex}"


def assert_refused_code(received, target: Path):
    said = texts(received)
    assert REFUSAL[0] in said and REFUSAL[1] in said, said
    assert not {"execute_input", "execute_result", "execute_reply", "error"} & kinds(received)
    assert not target.exists()


def test_raw_execute_request_is_refused_and_runs_nothing(server, tmp_path):
    s = server.session("amina")
    kernel = open_page(s, server)
    target = marker(tmp_path)
    code = (f"open({str(target)!r}, 'w').write(open('{server.data}/secret.key').read())")
    with unchanged(server, settle=1):
        received = run(converse(server, s, kernel, [execute(code)]))
    assert_refused_code(received, target)


def test_execute_request_in_the_binary_protocol_is_refused(server, tmp_path):
    s = server.session("amina")
    kernel = open_page(s, server)
    target = marker(tmp_path)
    with unchanged(server, settle=1):
        received = run(converse(server, s, kernel,
                                [execute(f"open({str(target)!r}, 'w')")],
                                subprotocol="v1.kernel.websocket.jupyter.org"))
    assert_refused_code(received, target)


@pytest.mark.parametrize("msg_type,channel,content", [
    ("inspect_request", "shell", {"code": "open", "cursor_pos": 4, "detail_level": 1}),
    ("complete_request", "shell", {"code": "balise.client._sess", "cursor_pos": 19}),
    ("history_request", "shell", {"hist_access_type": "tail", "n": 10, "output": True,
                                  "raw": True}),
    ("shutdown_request", "control", {"restart": False}),
    ("debug_request", "control", {"command": "initialize", "arguments": {}}),
])
def test_messages_that_read_or_stop_the_kernel_are_refused(server, msg_type, channel, content):
    """Reading history or completing names would show the page's identity cell and token."""
    s = server.session("amina")
    kernel = open_page(s, server)
    received = run(converse(server, s, kernel, [message(msg_type, content, channel)]))
    assert REFUSAL[1] in texts(received)
    assert msg_type.replace("_request", "_reply") not in kinds(received)
    assert s.get(server.url + f"api/kernels/{kernel}").status_code == 200     # still alive


def widget_states(server, s, kernel) -> dict:
    """The page's widgets as its browser asks for them (ipywidgets' control comm)."""
    comm = uuid.uuid4().hex
    received = run(converse(server, s, kernel, [
        message("kernel_info_request", {}),
        message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                              "data": {}}, metadata={"version": "1.0.0"}),
        0.5,
        message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}),
    ], listen=4))
    assert "kernel_info_reply" in kinds(received)
    states = [m["content"]["data"].get("states") for m in received
              if m["header"]["msg_type"] == "comm_msg" and m["content"].get("comm_id") == comm]
    assert states and states[0], "the widget control comm gave no states"
    return states[0]


def test_a_page_still_gets_kernel_info_and_its_widgets(server):
    s = server.session("lea")
    states = widget_states(server, s, open_page(s, server))
    assert any(st["model_name"] == "ButtonModel" for st in states.values())


def check_button(states: dict) -> str:
    """A scenario's Check button: clicked in her page, it saves her answer on the server."""
    return next(cid for cid, st in states.items() if st["model_name"] == "ButtonModel"
                and "balise-check" in st["state"].get("_dom_classes", []))


def assert_refused_widget(received, *sent: dict):
    """Each of ``sent`` answered by the plain refusal, and no widget message back."""
    refusals = [m for m in received if m["header"]["msg_type"] == "stream"
                and all(part in m["content"]["text"] for part in NOT_ON_PAGE)]
    assert sorted(m["parent_header"].get("msg_id") for m in refusals) == sorted(
        m["header"]["msg_id"] for m in sent), texts(received)
    assert all(m["content"]["name"] == "stderr" for m in refusals)
    refused_ids = {m["content"]["comm_id"] for m in sent}
    assert not [m for m in received if m["header"]["msg_type"].startswith("comm_")
                and m["content"].get("comm_id") in refused_ids]


def test_comm_messages_naming_another_sessions_widgets_change_nothing(server):
    amina = server.session("amina")
    her_kernel = open_page(amina, server)
    her_states = widget_states(server, amina, her_kernel)
    her_button = check_button(her_states)
    yusuf = server.session("yusuf")
    his_kernel = open_page(yusuf, server)
    click = message("comm_msg", {"comm_id": her_button,
                                 "data": {"method": "custom", "content": {"event": "click"}}})
    with unchanged(server, settle=2):
        received = run(converse(server, yusuf, his_kernel, [click]))
    assert_refused_widget(received, click)
    assert not [m for m in received if m["header"]["msg_type"] == "comm_msg"]
    assert widget_states(server, amina, her_kernel) == her_states


@pytest.mark.parametrize("subprotocol", [None, V1])
def test_a_made_up_comm_id_is_refused_and_the_page_keeps_working(server, subprotocol):
    """Refused without stalling the page: its next messages, held while the kernel was
    asked for its comms, still reach it in order (the control comm answers)."""
    s = server.session("lea")
    kernel = open_page(s, server)
    update = message("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {
        "method": "update", "state": {"value": "x"}, "buffer_paths": []}})
    close = message("comm_close", {"comm_id": uuid.uuid4().hex, "data": {}})
    control = uuid.uuid4().hex
    with unchanged(server, settle=1):
        received = run(converse(server, s, kernel, [
            update, close,
            message("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                  "data": {}}, metadata={"version": "1.0.0"}),
            message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}),
        ], listen=4, subprotocol=subprotocol))
    assert_refused_widget(received, update, close)
    assert [m for m in received if m["header"]["msg_type"] == "comm_msg"
            and m["content"]["comm_id"] == control and m["content"]["data"].get("states")]
    assert s.get(server.url + f"api/kernels/{kernel}").status_code == 200     # still alive


@pytest.mark.parametrize("subprotocol", [None, V1])
def test_a_page_reaches_its_own_widgets_before_asking_comm_info(server, subprotocol):
    """Voila made the page's widgets before the websocket opened, and a page may address
    one embedded in its HTML first thing: the kernel is asked, the message passes."""
    s = server.session("lea")
    kernel = open_page(s, server)
    html_widget = next(cid for cid, st in widget_states(server, s, kernel).items()
                       if st["model_name"] == "HTMLModel")
    ask = message("comm_msg", {"comm_id": html_widget, "data": {"method": "request_state"}})
    received = run(converse(server, s, kernel, [ask], subprotocol=subprotocol))
    assert NOT_ON_PAGE[1] not in texts(received)
    assert [m for m in received if m["header"]["msg_type"] == "comm_msg"
            and m["content"]["comm_id"] == html_widget
            and m["content"]["data"].get("method") == "update"]


def test_a_kernel_of_another_learner_is_unreachable(server):
    amina = server.session("amina")
    kernel = open_page(amina, server)
    yusuf = server.session("yusuf")
    xsrf = {"X-XSRFToken": yusuf.cookies.get("_xsrf")}
    with unchanged(server):
        with pytest.raises(websockets.InvalidStatus) as err:
            run(converse(server, yusuf, kernel, [execute("1")]))
        assert err.value.response.status_code == 403
        for r in (yusuf.get(server.url + f"api/kernels/{kernel}"),
                  yusuf.post(server.url + f"api/kernels/{kernel}/restart", headers=xsrf),
                  yusuf.post(server.url + f"api/kernels/{kernel}/interrupt", headers=xsrf)):
            bilingual(json.loads(refused(r, 403))["message"], "Accès refusé", "Access refused")
        text = refused(yusuf.post(server.url + f"voila/api/shutdown/{kernel}", headers=xsrf),
                       403)
        assert "not yours" in text and "pas la vôtre" in text
    assert amina.get(server.url + f"api/kernels/{kernel}").status_code == 200


def test_nobody_lists_the_running_kernels(server):
    open_page(server.session("amina"), server)
    for who in ("yusuf", "formatrice", "coordinateur"):
        r = server.session(who).get(server.url + "api/kernels")
        bilingual(json.loads(refused(r, 403))["message"], "Accès refusé", "Access refused")
        assert "kernelId" not in r.text and '"id"' not in r.text
    assert requests.get(server.url + "api/kernels").status_code in (302, 403)


def test_a_signed_out_visitor_cannot_open_a_kernel_websocket(server):
    kernel = open_page(server.session("amina"), server)
    with pytest.raises(websockets.InvalidStatus) as err:
        run(converse(server, requests.Session(), kernel, [execute("1")]))
    assert err.value.response.status_code in (302, 403)


def test_a_learner_supplied_html_value_is_refused(server):
    """An HTML widget's value sent by hand from her page (script in her own prompt or
    result) is refused in plain words: the widget keeps Balise's text, nothing is stored,
    and the trainer's page does not carry it."""
    s = server.session("lea")
    kernel = open_page(s, server)
    states = widget_states(server, s, kernel)
    html_widget = next(cid for cid, st in states.items() if st["model_name"] == "HTMLModel")
    before = states[html_widget]["state"].get("value")
    payload = '<img src=x onerror="window.__pwned=1">'
    update = message("comm_msg", {"comm_id": html_widget, "data": {
        "method": "update", "state": {"value": payload}, "buffer_paths": []}})
    with unchanged(server, settle=1):
        received = run(converse(server, s, kernel, [update]))
    bilingual(texts(received), "Refusé : ce texte est écrit par Balise",
              "Refused: this text is written by Balise")
    assert payload not in json.dumps([m["content"] for m in received])
    after = widget_states(server, s, kernel)[html_widget]["state"].get("value")
    assert after == before and payload not in (after or "")
    trainer = server.session("formatrice").get(server.url + "balise/trainer")
    assert payload not in trainer.text and "__pwned" not in trainer.text
