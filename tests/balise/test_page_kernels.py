"""Page kernels are bounded: one left without a connection is shut down, an open page keeps its own.

Jupyter's culler (``c.MappingKernelManager.cull_idle_timeout``, jupyter_config.py)
shuts down every kernel of the server idle that long with no websocket connected;
Voila's page kernels are the server's. Here the server runs with a 3 s timeout,
looked at each second, instead of 20 minutes. A learner back on a page whose
kernel was shut down is told so, French then English, with a button to reload.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import psutil
import pytest
import shared
from playwright.sync_api import expect
from websockets.sync.client import connect

from balise.config import load_config
from balise.web.warm_kernels import page_kernel_pids

REPO = Path(__file__).resolve().parents[2]
IDLE = 3            # seconds without a message and a connection before a kernel is culled
GONE = ("Cette page s'est arrêtée après une longue absence : rechargez-la pour continuer. "
        "/ This page stopped after a long time away: reload it to go on.")


def test_page_kernels_are_culled_by_configuration():
    config = load_config(str(REPO / "jupyter_config.py")).MappingKernelManager
    assert 0 < config.cull_idle_timeout <= 3600 and config.cull_interval <= 300
    assert config.cull_connected is False


@pytest.fixture(scope="module")
def culling_server(tmp_path_factory):
    """`balise serve` with Balise's configuration, culling after 3 s instead of 20 minutes."""
    folder = tmp_path_factory.mktemp("culling")
    (folder / "jupyter_config.py").write_text(
        f"load_subconfig({str(REPO / 'jupyter_config.py')!r})\n"
        f"c.MappingKernelManager.cull_idle_timeout = {IDLE}\n"
        "c.MappingKernelManager.cull_interval = 1\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shared, "REPO", folder)     # start_server reads REPO/jupyter_config.py
        server = shared.start_server(folder / "data", folder / "server.log", REPO / "courses")
    # The pool renders every module's page as the server starts, one after another: once
    # the last is ready the machine is quiet again. Before that, a page opened on demand
    # may take more than 3 s to start its kernel, and be culled as "starting".
    shared.ready_page(server, "weee")
    yield server
    shared.stop_server(server)


def open_page(s, server, module: str) -> str:
    r = s.get(server.url + f"voila/render/{module}/{module}.ipynb")
    assert r.status_code == 200, r.status_code
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', r.text).group(1)


def kernel_process(server, kernel_id: str) -> psutil.Process | None:
    for child in map(psutil.Process, page_kernel_pids(server.proc.pid)):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                return child
        except psutil.Error:
            continue
    return None


def alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def culled(server, kernel_id: str) -> bool:
    return f"({kernel_id}) with 0 connections" in server.log.read_text(errors="replace")


def test_a_page_kernel_left_without_connection_is_culled_and_an_open_one_kept(culling_server):
    server = culling_server
    s = server.session("lea")
    left, kept = open_page(s, server, "postures"), open_page(s, server, "ppe")
    left_process = kernel_process(server, left)
    assert left_process is not None and kernel_process(server, kept) is not None
    cookie = "; ".join(f"{k}={v}" for k, v in s.cookies.items())
    url = server.url.replace("http", "ws", 1) + f"api/kernels/{kept}/channels?session_id=t"
    with connect(url, additional_headers={"Cookie": cookie}):
        deadline = time.monotonic() + IDLE + 30
        while time.monotonic() < deadline and (alive(left_process) or not culled(server, left)):
            time.sleep(0.2)
        assert culled(server, left) and not alive(left_process)
        # The manager forgets the kernel once its shutdown is done, just after the process ends.
        end = time.monotonic() + 10
        while (s.get(server.url + f"api/kernels/{left}").status_code != 403
               and time.monotonic() < end):
            time.sleep(0.2)
        assert s.get(server.url + f"api/kernels/{left}").status_code == 403   # gone, as unknown
        time.sleep(IDLE + 2)                      # the open page outlives the timeout
        assert s.get(server.url + f"api/kernels/{kept}").status_code == 200
        assert not culled(server, kept) and kernel_process(server, kept) is not None


@pytest.mark.browser
def test_a_learner_back_on_a_culled_page_is_told_to_reload(browser, culling_server):
    """Her phone slept: the page's websocket closed, the kernel was culled; she comes back."""
    server = culling_server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(server.url + "login")
        page.fill("#username", "lea")
        page.fill("#password", "demo-lea")
        page.click("#sign-in")
        page.wait_for_url(lambda url: "/login" not in url)
        network = {"up": True}
        sockets = []

        def kernel_socket(ws):                  # the page's websocket, cut while she is away
            sockets.append(ws)
            ws.connect_to_server() if network["up"] else ws.close()

        page.route_web_socket(re.compile(r"/api/kernels/[^/]+/channels"), kernel_socket)
        page.goto(server.url + "voila/render/postures/postures.ipynb")
        expect(page.locator(".jupyter-widgets").first).to_be_visible(timeout=90_000)
        kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content()).group(1)
        expect(page.locator(".balise-kernel-gone")).to_have_count(0)
        # Before she goes: an answer, saved as she gives it.
        choice = page.locator(".widget-vbox", has=page.locator("#balise-item-s1")).locator(
            ".balise-scenario")
        picked = choice.get_by_role("button", name="A", exact=True)
        clicked = shared.store_now()
        picked.click()
        expect(picked).to_have_class(re.compile("mod-active"))
        saved = shared.saved_answer(server, "lea", "postures", "s1", since=clicked,
                                    want="a")
        network["up"] = False
        for ws in sockets:
            ws.close()
        status = f"fetch('/api/kernels/{kernel_id}').then(r => r.status)"
        deadline = time.monotonic() + IDLE + 30
        while time.monotonic() < deadline and page.evaluate(status) == 200:
            time.sleep(0.3)
        assert culled(server, kernel_id)
        network["up"] = True
        page.evaluate("window.dispatchEvent(new Event('focus'))")      # she is back
        notice = page.locator(".balise-kernel-gone[role=alert]")
        expect(notice).to_be_visible(timeout=10_000)
        expect(notice).to_contain_text(GONE)
        button = notice.get_by_role("button", name="Recharger / Reload")
        expect(button).to_be_focused()
        button.click()
        expect(page.locator(".jupyter-widgets").first).to_be_visible(timeout=90_000)
        expect(page.locator(".balise-kernel-gone")).to_have_count(0)
        # Reloaded: a new kernel, her answer where she left it.
        assert saved == "a", saved
        expect(choice.get_by_role("button", name="A", exact=True)).to_have_class(
            re.compile("mod-active"), timeout=30_000)
    finally:
        context.close()


def test_a_page_rendered_ahead_waits_unculled_and_is_given_then_as_any_page(culling_server):
    """A pooled page (balise.web.page_pool) has no connection by design: it is not culled
    while it waits, however long; once given and left, it is culled like any page."""
    server = culling_server
    kernel = shared.ready_page(server, "heights")
    process = kernel_process(server, kernel)
    assert process is not None
    time.sleep(3 * IDLE + 2)                    # three culling timeouts, looked at each second
    assert alive(process) and not culled(server, kernel)
    s = server.session("lea")
    assert open_page(s, server, "heights") == kernel      # the waiting page is the one given
    deadline = time.monotonic() + IDLE + 30               # left without a connection
    while time.monotonic() < deadline and alive(process):
        time.sleep(0.2)
    assert culled(server, kernel) and not alive(process)


def test_the_watch_of_kernel_activity_reads_messages_as_jupyters_does():
    """Balise's cheaper watch of a kernel's IOPub (no date parsed, content read only for
    status messages) leaves ``last_activity`` and ``execution_state`` as Jupyter's own,
    message after message, and ignores a message whose signature is wrong."""
    import time as clock

    from jupyter_client.session import Session
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from balise.web.kernels import PageKernelManager

    key = b"0123456789abcdef"
    sender = Session(key=key, username="kernel")

    class Stream:
        def on_recv(self, callback):
            self.callback = callback

    class Kernel:
        def __init__(self):
            self.session, self.execution_state = Session(key=key), "starting"

        def connect_iopub(self):
            self.stream = Stream()
            return self.stream

    def message(msg_type, content, parent_type):
        parent = sender.msg(parent_type, {}) if parent_type else {}
        msg = sender.msg(msg_type, content, parent=parent)
        return sender.serialize(msg)

    managers = {"jupyter": AsyncMappingKernelManager(), "balise": PageKernelManager()}
    kernels = {}
    for name, km in managers.items():
        kernels[name] = km._kernels["k"] = Kernel()
        km.start_watching_activity("k")
    steps = [message("status", {"execution_state": "idle"}, "kernel_info_request"),
             message("status", {"execution_state": "busy"}, "execute_request"),
             message("stream", {"name": "stdout", "text": "x"}, "execute_request"),
             message("comm_msg", {"comm_id": "c", "data": {}}, "comm_msg"),
             message("status", {"execution_state": "idle"}, "execute_request"),
             message("status", {"execution_state": "busy"}, "comm_info_request"),
             message("status", {"execution_state": "idle"}, None)]
    for step in steps:
        before = {name: k.last_activity for name, k in kernels.items()}
        clock.sleep(0.002)
        for name, k in kernels.items():
            k.stream.callback(list(step))
        assert kernels["balise"].execution_state == kernels["jupyter"].execution_state
        moved = {name: k.last_activity != before[name] for name, k in kernels.items()}
        assert moved["balise"] == moved["jupyter"], step
    forged = message("status", {"execution_state": "busy"}, "execute_request")
    forged[0] = b"0" * len(forged[0])
    kernels["balise"].stream.callback(forged)
    assert kernels["balise"].execution_state == "idle"
