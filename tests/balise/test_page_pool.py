"""Module pages rendered ahead (balise.web.page_pool): nobody's while they wait, hers once given.

The shared server runs Balise's own configuration, so its pool renders a page of every
module when it starts. A page waiting in the pool has a kernel no one may reach; the
learner who opens the module gets that very kernel, recorded as hers, with her name in
the page's widgets (filled by the server's own call, with a token it signed for her);
the next learner gets another page, never hers.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import deque

from ipywidgets._version import __control_protocol_version__
from shared import ready_page
from websockets.sync.client import connect

MODULE = "road"


def page_kernel(html: str) -> str:
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)


def widget_states(server, session, kernel_id: str) -> dict:
    """Every widget's state, asked of the kernel as her page does when it connects."""
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    url = server.url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id=t"
    comm = uuid.uuid4().hex

    def message(msg_type: str, content: dict, metadata: dict | None = None) -> str:
        return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type,
                                      "session": "t", "username": "", "version": "5.3"},
                           "parent_header": {}, "metadata": metadata or {},
                           "channel": "shell", "content": content, "buffers": []})

    with connect(url, additional_headers={"Cookie": cookie}) as ws:
        ws.send(message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                      "data": {}}, {"version": __control_protocol_version__}))
        ws.send(message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
        while True:
            msg = json.loads(ws.recv(timeout=60))
            data = msg.get("content", {}).get("data", {})
            if msg["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                return data["states"]


def test_a_page_waiting_in_the_pool_is_nobodys(server):
    kernel = ready_page(server, MODULE)
    amina = server.session("amina")
    assert amina.get(server.url + f"api/kernels/{kernel}").status_code == 403
    listed = amina.get(server.url + "api/kernels")
    assert kernel not in listed.text
    xsrf = {"X-XSRFToken": amina.cookies.get("_xsrf")}
    refused = amina.post(server.url + f"voila/api/shutdown/{kernel}", headers=xsrf)
    assert refused.status_code in (403, 404)
    assert ready_page(server, MODULE, timeout=1) == kernel        # still waiting, alive


def test_the_learner_who_opens_the_module_gets_the_page_made_hers(server):
    kernel = ready_page(server, MODULE)
    amina, yusuf = server.session("amina"), server.session("yusuf")
    page = amina.get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb")
    assert page.status_code == 200 and page_kernel(page.text) == kernel
    assert f"given (kernel {kernel})" in server.log.read_text(errors="replace")
    assert amina.get(server.url + f"api/kernels/{kernel}").status_code == 200
    assert yusuf.get(server.url + f"api/kernels/{kernel}").status_code == 403
    states = json.dumps(widget_states(server, amina, kernel))
    assert "Amina Diallo" in states and "Yusuf" not in states
    # The next learner: another page (ahead or on demand), with her own name, never Amina's.
    theirs = yusuf.get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb")
    other = page_kernel(theirs.text)
    assert other != kernel
    states = json.dumps(widget_states(server, yusuf, other))
    assert "Amina" not in states and "Yusuf" in states


def test_the_identity_is_the_signed_in_persons_whatever_the_address_says(server):
    kernel = ready_page(server, MODULE)
    lea = server.session("lea")
    page = lea.get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb?user=amina&learner=amina")
    assert page_kernel(page.text) == kernel
    states = json.dumps(widget_states(server, lea, kernel))
    assert "Amina" not in states


def test_a_page_rendered_ahead_is_not_given_to_someone_signed_out(server):
    kernel = ready_page(server, MODULE)
    r = server.session().get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb",
                                allow_redirects=False)
    assert r.status_code in (302, 403)
    assert ready_page(server, MODULE, timeout=1) == kernel


def test_a_module_opened_while_its_page_is_rendered_is_not_rendered_twice():
    """The soak benchmark found two pages of one module waiting, with ``size`` 1: the page
    being rendered was not counted when the module was opened again meanwhile, so one
    more was wanted, and it waited for good (pooled kernels are never culled)."""
    from balise.web.page_pool import PagePool

    pool = PagePool({}, None, [], None)
    pool.size = 1
    path = "dismantling/dismantling.ipynb"
    pool._want(path)
    assert list(pool._wanted) == [path]
    pool._rendering = pool._wanted.popleft()          # the renderer took it
    pool._want(path, first=True)                      # opened meanwhile: on demand
    assert list(pool._wanted) == []
    pool._rendering = None
    pool.ready[path] = deque(["page"])
    pool._want(path)
    assert list(pool._wanted) == []                   # one waits: enough
    pool.ready[path].clear()
    pool._want(path)
    assert list(pool._wanted) == [path]               # taken: another is wanted


def test_a_module_opened_while_its_page_is_rendered_waits_for_that_page():
    """Opened while its page is being rendered ahead: that page, once done, rather than
    a second render for her (sooner, and the server's work done once). One learner
    waits per page; the wait has an end."""
    import asyncio
    import time

    from balise.web.page_pool import PagePool

    path = "road/road.ipynb"

    async def scenario():
        pool = PagePool({}, None, [], None)
        pool.wait_for_render = 2.0
        pool._rendering = path
        pool._rendered = asyncio.get_running_loop().create_future()

        def done():
            pool.ready[path] = deque(["page"])
            pool._rendering = None
            pool._rendered.set_result(None)

        asyncio.get_running_loop().call_later(0.3, done)
        started = time.monotonic()
        first = asyncio.ensure_future(pool._await_render(path))
        await asyncio.sleep(0)
        await pool._await_render(path)               # a second learner: on demand at once
        second = time.monotonic() - started
        await first
        first_s = time.monotonic() - started
        assert second < 0.1 and 0.25 < first_s < 1.5 and list(pool.ready[path]) == ["page"]
        # A render that does not end in time: she waits wait_for_render, no more.
        pool.ready.clear()
        pool._rendering, pool._awaited = path, False
        pool._rendered = asyncio.get_running_loop().create_future()
        pool.wait_for_render = 0.3
        started = time.monotonic()
        await pool._await_render(path)
        assert 0.25 < time.monotonic() - started < 1.0 and not pool.ready.get(path)
        # Another module's render is not waited for.
        pool._awaited = False
        started = time.monotonic()
        await pool._await_render("culture/culture.ipynb")
        assert time.monotonic() - started < 0.1
        # The server stopping wakes whoever waits (her page is then refused with a 503,
        # not rendered on demand: a kernel started then would outlive the server).
        pool._rendering, pool._awaited = path, False
        pool._rendered = asyncio.get_running_loop().create_future()
        pool.wait_for_render = 5.0
        asyncio.get_running_loop().call_later(0.2, pool.stop)
        started = time.monotonic()
        await pool._await_render(path)
        assert time.monotonic() - started < 1.0 and pool.stopped

    asyncio.run(scenario())


def test_the_next_page_of_a_module_is_its_page_rendered_once_with_a_new_kernel(server):
    """After the first page of a module, the pool runs its notebook in a new kernel and
    serves the page rendered once (balise.stable_ids): the same HTML with the new kernel's
    id, and every widget the page shows is one that kernel holds, filled in for her."""
    first = ready_page(server, MODULE)
    amina, yusuf = server.session("amina"), server.session("yusuf")
    page = amina.get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb")
    assert page_kernel(page.text) == first
    second = ready_page(server, MODULE)
    assert second != first
    made = re.search(rf"rendered ahead \(kernel {second}\) in \d+ ms, (.*)",
                     server.log.read_text(errors="replace")).group(1)
    assert made == "its page rendered once"
    theirs = yusuf.get(server.url + f"voila/render/{MODULE}/{MODULE}.ipynb")
    assert page_kernel(theirs.text) == second
    assert theirs.text == page.text.replace(first, second)
    shown = set(re.findall(r'"model_id":\s*"([^"]+)"', theirs.text))
    states = widget_states(server, yusuf, second)
    assert shown and shown <= set(states)
    assert "Yusuf" in json.dumps(states) and "Amina" not in json.dumps(states)


def test_a_kernel_whose_widgets_differ_gets_a_page_rendered_through_voila():
    """The page rendered once is served only with a kernel holding the same widgets: else
    that kernel is dropped, the page is rendered through Voila, and the kept page forgotten."""
    import asyncio

    from balise.web.page_pool import PagePool, RenderedOnce

    class Kernels(dict):
        async def start_kernel(self, **kwargs):
            self["k2"] = type("Kernel", (), {})()
            return "k2"

        def get_kernel(self, kernel_id):
            return self[kernel_id]

        async def shutdown_kernel(self, kernel_id, now=False):
            del self[kernel_id]

    kernels = Kernels()
    pool = PagePool({"kernel_manager": kernels, "base_url": "/",
                     "serverapp": type("App", (), {"port": 1})()}, None, [], None)
    path = "road/road.ipynb"
    pool.once[path] = RenderedOnce("k1", '{"kernelId": "k1"}', 1.0, "same", "python3", "x = 1")
    pool._mtime = lambda path: 1.0

    async def digest_is(value):
        async def run(kernel, code):
            return value
        pool._run = run
        return await pool._run_again(path, pool.once[path])

    page = asyncio.run(digest_is("same"))
    assert page.html == '{"kernelId": "k2"}' and page.how == "its page rendered once"
    assert "k2" in kernels
    assert asyncio.run(digest_is("other")) is None
    assert "k2" not in kernels and path not in pool.once      # dropped, and forgotten


def test_learners_who_open_a_module_before_its_first_render_wait_for_it_together():
    """Just after a start (51 pages reopened at once after a restart, in the load run),
    the module is rendered next, and every learner then waiting goes on once it exists,
    rather than each having a page rendered through Voila."""
    import asyncio

    from balise.web.page_pool import PagePool, RenderedOnce

    path = "postures/postures.ipynb"

    async def scenario():
        pool = PagePool({}, None, [], None)
        pool.wait_for_first = 5
        pool._worker = asyncio.get_running_loop().create_future()   # the filler, running
        pool._wanted.extend(["culture/culture.ipynb", path, "road/road.ipynb"])
        waiting = [asyncio.ensure_future(pool._await_first(path)) for _ in range(3)]
        await asyncio.sleep(0.05)
        assert pool._wanted[0] == path and list(pool._wanted).count(path) == 1
        assert not any(w.done() for w in waiting)
        # The filler renders it: kept as rendered once, then its waiters are woken.
        pool._wanted.popleft()
        pool.once[path] = RenderedOnce("k1", "", 1.0, "d", "python3", "")
        pool._first.pop(path).set_result(None)
        await asyncio.wait_for(asyncio.gather(*waiting), 1)
        # Rendered once: nobody waits any more.
        await asyncio.wait_for(pool._await_first(path), 0.1)
        pool._worker.cancel()

    asyncio.run(scenario())


def test_pages_rendered_one_after_another_compile_voilas_templates_once():
    """Voila makes an exporter per page, and its Jinja environment compiles the page
    templates again (12 % of the server's CPU under load): the pool renders each page
    with an exporter that compiled them already, one per page rendered at the same time."""
    import jinja2
    from voila.exporter import VoilaExporter
    from voila.paths import collect_template_paths

    from balise.web.page_pool import PagePool

    paths = collect_template_paths(["voila", "nbconvert"], "lab")

    class Renderer:          # what the pool reads of Voila's NotebookRenderer
        template_name, template_paths, theme = "lab", paths, "light"

        def __init__(self):          # a new exporter, as NotebookRenderer.initialize makes
            self.exporter = VoilaExporter(template_paths=paths, template_name="lab",
                                          contents_manager=None, base_url="/")

    compiled = []
    compile_ = jinja2.Environment.compile

    def counted(env, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(env, source, name, filename, raw, defer_init)

    pool = PagePool({}, None, [], None)
    jinja2.Environment.compile = counted
    try:
        first, second = Renderer(), Renderer()
        with pool._exporter_for(first) as exporter:
            assert exporter.template is not None
        assert compiled == ["index.html.j2"]       # its parents are compiled as it renders
        compiled.clear()
        with pool._exporter_for(second) as exporter:
            assert exporter is first.exporter and exporter.template is not None
        assert compiled == []                     # nothing compiled for the second page
        # Two pages at once: the second has its own, and both are kept for the next.
        third, fourth = Renderer(), Renderer()
        with pool._exporter_for(third), pool._exporter_for(fourth):
            assert third.exporter is first.exporter
            assert fourth.exporter is not third.exporter
            fourth.exporter.template
        assert compiled and len(pool._exporters[("lab", tuple(paths), "light")]) == 2
    finally:
        jinja2.Environment.compile = compile_


def test_with_nothing_ready_nor_rendered_once_her_page_is_rendered_by_the_pool():
    """No page ready and none to run again (the first open after ``wait_for_first``, or no
    pool): her page is rendered then with the pool's compiled templates and given to her,
    not left to Voila's own path, which compiles them again."""
    import asyncio

    from balise.web.auth import BaliseUser
    from balise.web.page_pool import PagePool, ReadyPage

    path = f"{MODULE}/{MODULE}.ipynb"
    for size in (1, 0):
        pool = PagePool({"kernel_manager": {}}, None, [], None, size=size)
        rendered, given = [], []

        async def render(p):
            rendered.append(p)
            return ReadyPage("k9", "<html>k9</html>", 1.0, 0.0)

        async def give(handler, page, p):
            given.append(page.kernel_id)
            return page.html

        pool._render, pool._give = render, give
        handler = type("Handler", (), {
            "current_user": BaliseUser(username="amina"),
            "settings": {"balise": type("Context", (), {"catalogue": {MODULE: None}})()}})()
        assert asyncio.run(pool.take(handler, path)) == "<html>k9</html>"
        assert rendered == [path] and given == ["k9"]
        pool.stop()
        assert asyncio.run(pool.take(handler, path)) is None and rendered == [path]
