"""Module pages rendered before anyone asks for them, each given whole to one learner.

Opening a module on demand costs a kernel start, the module's notebook run in it and
Voila's page rendered around its outputs: seconds of CPU, all on the learner's clock.
Voila's own answer (``preheat_kernel``) refuses a ``prelaunch_hook``, and Balise's hook
is what tells the kernel whose page it is. So Balise keeps its own pool:

* **Ahead of time**, one background task renders ``size`` pages per module, one page at a
  time, at the page kernels' low CPU priority: a kernel started with nobody's name
  (``balise_owner`` None, so no page, REST call or shutdown route can reach it) runs the
  release notebook with ``BALISE_PREHEATED=1``, and Voila's renderer writes the page,
  kernel id and all. The notebook's widgets are built blank: header without a name,
  scenarios without answers, the bank's first questions (:mod:`balise.client`).
* **When she opens the module**, a ready page is taken: the kernel is recorded as hers,
  then the server itself (its own connection to the kernel, never the page's) runs
  ``balise.client.adopt(token, url)`` with a token it signed for her and this module,
  exactly the token the identity cell carries on the on-demand path. The kernel fetches
  her name, language, last result, saved answers and her draw of questions, and fills the
  widgets in place; only then is the page sent. Her browser reads the widgets' state from
  the kernel when it connects (Balise's template embeds none), so she sees hers.
* **Rendered once** (``render_once``): the first page of a module is rendered through
  Voila; the next are made by running the notebook in a new kernel (forked warm:
  :mod:`balise.web.warm_kernels`) without reading its outputs, and serving that first
  page with the new kernel's id. While a page is run ahead its widgets get the same ids
  in every kernel (:mod:`balise.stable_ids`); a kernel whose widgets differ from the
  first one's gets a page rendered through Voila. A page rendered through Voila for
  every open was about a third of the server's CPU under load.
* Another page is rendered in its place after ``fill_delay``. A learner who opens the
  module while that page is being rendered waits for it (``wait_for_render``, one
  learner per page): it is done sooner than a page started for her, and the server
  renders once. No page ready and none being rendered (a burst of openings, a failed
  adoption): her page is made then from the module's page rendered once, and given to
  her the same way. Before the module's first page exists (the first open after a start,
  once ``wait_for_first`` has passed), or with ``size`` 0, her page is rendered then,
  as Voila would, and given to her the same way.
* **Templates compiled once**: Voila makes an exporter per page, whose Jinja environment
  compiles the page's templates again; the pool renders every page with an exporter
  that has compiled them already (one per page rendered at the same time). Voila's own
  on-demand path is left to what the pool does not serve (signed out, not a module of
  the catalogue), which the identity hook refuses before any template is compiled.

A page is never given twice (taken from the queue before anything is awaited), a
pooled kernel is never culled while it waits (:class:`balise.web.kernels.PageKernelManager`),
and one whose notebook changed since (a new release) is shut down, not served.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from tornado import web
from traitlets import Bool, Float, Integer
from traitlets.config import LoggingConfigurable
from voila.configuration import VoilaConfiguration
from voila.notebook_renderer import NotebookRenderer
from voila.paths import collect_template_paths
from voila.tornado.handler import TornadoVoilaHandler
from voila.utils import ENV_VARIABLE, get_page_config

from balise import tokens
from balise.client import PREHEATED
from balise.web.auth import BaliseUser
from balise.web.kernel_priority import on_her_clock
from balise.web.kernels import page_owner


@dataclass
class ReadyPage:
    kernel_id: str
    html: str
    notebook_mtime: float
    made: float
    how: str = "through Voila"


@dataclass
class RenderedOnce:
    """A module's page as Voila rendered it once, to be served again with other kernels
    that ran the same notebook to the same widgets (:mod:`balise.stable_ids`)."""
    kernel_id: str          # the kernel it was rendered with: its id is in the page
    html: str
    notebook_mtime: float
    digest: str             # the widgets that kernel held
    kernel_name: str
    code: str               # the notebook's code cells, one after the other


# The digest of a kernel's widgets, read in the reply to the code that made them.
DIGEST = {"digest": "__import__('balise.stable_ids').stable_ids.digest()"}


class PagePool(LoggingConfigurable):
    """Pages rendered ahead, per module notebook, and given to the learner who opens one."""

    size = Integer(
        1, min=0, config=True,
        help="""Pages kept rendered ahead for each module (each holds a page kernel,
        about 60 MB, waiting). 1 serves one learner at a time instantly, and the next a
        few seconds later once another is rendered; a class that opens the same module
        together wants more. 0: no page is rendered ahead; each is rendered when she
        opens the module (with the server's compiled templates, and from the module's
        page rendered once when it may be served again).
        Example: c.PagePool.size = 2""").tag(config=True)
    fill_delay = Float(
        1.0, min=0, config=True,
        help="""Seconds after a page is taken before its replacement is rendered, so the
        learner's own page (her widgets connecting) has the CPU first.""")
    fill_at_start = Bool(
        True, config=True,
        help="""Render every module's pages when the server starts (in the background,
        one at a time), so the first learner of the day is not the one who waits. Off:
        a module's pool is filled after its first open.""")
    wait_for_render = Float(
        4.0, min=0, config=True,
        help="""Seconds a learner who opens a module whose page is being rendered
        ahead at that moment may wait for that page, rather than have another rendered
        for her: it is done sooner (it started earlier), and the server does the work
        once, not twice. One learner waits per page being rendered; a page not done by
        then is rendered on demand. 0: never wait.""")
    render_once = Bool(
        True, config=True,
        help="""Render each module's page through Voila once, then make the next pages
        of that module by running its notebook in a new kernel and serving the same
        page with that kernel's id (the widgets get the same ids in every kernel that
        runs a page ahead: balise.stable_ids). A kernel whose widgets differ from the
        first one's, or a notebook changed since, gets a page rendered through Voila.
        Rendering through Voila every time cost about a third of the server's CPU
        under load. Off: every page is rendered through Voila.""")
    wait_for_first = Float(
        30.0, min=0, config=True,
        help="""Seconds a learner who opens a module whose page has not been rendered
        once yet (just after a start) may wait for it: that module is rendered next, and
        every learner waiting then gets a page made from it, where each would have had a
        page rendered through Voila, all at once (51 pages reopened together after a
        server restart took 37 s each). 0: never wait.""")
    adopt_timeout = Float(
        15.0, min=1, config=True,
        help="""Seconds the kernel may take to fill a page with the learner's data before
        the page is dropped and rendered on demand instead.""")

    def __init__(self, settings: dict, voila_configuration: VoilaConfiguration,
                 template_paths: list[str], traitlet_config, **kwargs):
        super().__init__(**kwargs)
        self.settings = settings
        self.voila_configuration = voila_configuration
        self.template_paths = template_paths
        self.traitlet_config = traitlet_config
        self.ready: dict[str, deque[ReadyPage]] = {}
        self.once: dict[str, RenderedOnce] = {}
        self._wanted: deque[str] = deque()
        self._wake = asyncio.Event()
        self._worker: asyncio.Task | None = None
        # Voila's exporters, free to render a page, by template: each compiled its
        # page templates once (its Jinja environment keeps them).
        self._exporters: dict[tuple, list] = {}
        self._filled_once = False
        self._rendering: str | None = None
        self._rendered: asyncio.Future | None = None   # done when that page is ready
        self._awaited = False                           # one learner waits for it
        self._first: dict[str, asyncio.Future] = {}     # done when a module's page exists
        self.stopped = False

    # --- filling ------------------------------------------------------------------
    def start(self, notebooks: list[str]) -> None:
        """Start the background renderer; with ``fill_at_start``, want every notebook's pages."""
        if self.size <= 0 or self._worker is not None:
            return
        if self.fill_at_start:
            for path in notebooks:
                self._want(path, self.size)
        self._worker = asyncio.ensure_future(self._fill_forever())

    def stop(self) -> None:
        """The server is stopping: no more pages, and whoever waits for one is told now."""
        self.stopped = True
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        if self._rendered is not None and not self._rendered.done():
            self._rendered.set_result(None)
        for first in self._first.values():
            if not first.done():
                first.set_result(None)

    @property
    def filled_once(self) -> bool:
        """Every page wanted at the start rendered once (:mod:`balise.web.memory` waits
        for it), or no pool at all."""
        return self._worker is None or self._filled_once

    def _want(self, path: str, count: int = 1, first: bool = False) -> None:
        """Want ``count`` more pages of ``path``, up to ``size`` ready or wanted; ``first``:
        before the others (a page just taken is wanted again before the start's fill)."""
        # The page being rendered counts: else a module opened twice while its page was
        # rendered got two (seen in the soak benchmark), one more than ``size`` for good.
        waiting = (len(self.ready.get(path, ())) + self._wanted.count(path)
                   + (self._rendering == path))
        for _ in range(max(0, min(count, self.size - waiting))):
            if first:
                self._wanted.appendleft(path)
            else:
                self._wanted.append(path)
        if self._wanted:
            self._wake.set()

    async def _fill_forever(self) -> None:
        """One page at a time: the pool never takes more than one core from the learners."""
        page_owner.set(None)   # this task's kernels are nobody's until given
        while True:
            if not self._wanted:
                self._filled_once = True
                self._wake.clear()
                await self._wake.wait()
                await asyncio.sleep(self.fill_delay)
                continue
            path = self._wanted.popleft()
            started = time.monotonic()
            self._rendering = path
            self._rendered = asyncio.get_running_loop().create_future()
            self._awaited = False
            page = None
            try:
                page = await self._make(path)
            except asyncio.CancelledError:
                raise
            except Exception as e:        # noqa: BLE001 - a page that fails is rendered on demand
                self.log.warning("Balise: page of %s not rendered ahead: %s", path, e)
            finally:
                self._rendering = None
                if page is not None:
                    self.ready.setdefault(path, deque()).append(page)
                if not self._rendered.done():       # (stop() may have woken them already)
                    self._rendered.set_result(None)     # whoever waits looks at the queue now
                first = self._first.pop(path, None)
                if first is not None and not first.done():
                    first.set_result(None)              # rendered once, or failed: go on
            if page is None:
                await asyncio.sleep(5)
                continue
            self.log.info("Balise: page of %s rendered ahead (kernel %s) in %.0f ms, %s",
                          path, page.kernel_id, 1000 * (time.monotonic() - started), page.how)

    def _rendered_once(self, path: str) -> RenderedOnce | None:
        """The page of ``path`` rendered once, if it may be served again: kept, and its
        notebook not changed since."""
        once = self.once.get(path)
        if self.render_once and once is not None and once.notebook_mtime == self._mtime(path):
            return once
        return None

    async def _make(self, path: str) -> ReadyPage:
        """The next page of ``path``: its page rendered once, with a new kernel that ran
        the notebook to the same widgets; else rendered through Voila."""
        once = self._rendered_once(path)
        if once is not None:
            page = await self._run_again(path, once)
            if page is not None:
                return page
        return await self._render(path)

    def _kernel_env(self) -> dict:
        settings = self.settings
        return {**os.environ, PREHEATED: "1",
                ENV_VARIABLE.VOILA_PREHEAT: "False",
                ENV_VARIABLE.VOILA_BASE_URL: settings["base_url"],
                ENV_VARIABLE.VOILA_SERVER_URL: settings.get("server_url", "/"),
                ENV_VARIABLE.VOILA_APP_PORT: str(settings["serverapp"].port)}

    async def _run_again(self, path: str, once: RenderedOnce) -> ReadyPage | None:
        """A new kernel of nobody's runs the notebook's code (no output is read: the page
        is the one rendered once); its page if it holds the same widgets, else None."""
        km = self.settings["kernel_manager"]
        kernel_id = await km.start_kernel(kernel_name=once.kernel_name,
                                          path=os.path.dirname(path), env=self._kernel_env())
        kernel = km.get_kernel(kernel_id)
        kernel.balise_pooled = True
        try:
            digest = await self._run(kernel, once.code)
        except Exception as e:      # noqa: BLE001 - rendered through Voila instead
            self.log.warning("Balise: page of %s not run again: %s", path, e)
            digest = None
        if digest != once.digest:
            if digest is not None:
                self.log.warning("Balise: page of %s: the kernel's widgets differ from the "
                                 "page rendered once; rendered through Voila", path)
                self.once.pop(path, None)
            await self._drop(kernel_id)
            return None
        return ReadyPage(kernel_id, once.html.replace(once.kernel_id, kernel_id),
                         once.notebook_mtime, time.monotonic(), "its page rendered once")

    async def _run(self, kernel, code: str) -> str:
        """Run ``code`` in ``kernel`` on the server's own connection (shell only: its
        outputs are not read); the digest of the widgets it then holds."""
        client = kernel.client()
        client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            reply = await client.execute(code, silent=True, store_history=False,
                                         allow_stdin=False, user_expressions=DIGEST,
                                         reply=True, timeout=self.adopt_timeout * 4)
        finally:
            client.stop_channels()
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        value = content["user_expressions"]["digest"]
        if value.get("status") != "ok":
            raise RuntimeError(f"digest: {value.get('ename')}")
        return value["data"]["text/plain"].strip("'\"")

    async def _render(self, path: str) -> ReadyPage:
        """Run ``path`` in a new kernel of nobody's, and write its page, as Voila would."""
        settings = self.settings
        km = settings["kernel_manager"]
        base_url = settings["base_url"]
        page_config = get_page_config(base_url=base_url, settings=settings, log=self.log,
                                      voila_configuration=self.voila_configuration)
        hook = self.voila_configuration.page_config_hook
        if hook:
            page_config = hook(page_config, base_url=base_url, settings=settings,
                               log=self.log, voila_configuration=self.voila_configuration,
                               notebook_path=path)
        mtime = self._mtime(path)
        renderer = NotebookRenderer(
            voila_configuration=self.voila_configuration,
            traitlet_config=self.traitlet_config, notebook_path=path,
            template_paths=self.template_paths, config_manager=settings["config_manager"],
            contents_manager=settings["contents_manager"], base_url=base_url,
            kernel_spec_manager=settings["kernel_spec_manager"], prelaunch_hook=None,
            page_config=page_config, mathjax_config=settings.get("mathjax_config"),
            mathjax_url=settings.get("mathjax_url"))
        renderer.prelaunch_hook = None     # nobody's page: the identity comes at adoption
        await renderer.initialize(template=None, theme=None)
        kernel_name = renderer.notebook.metadata.kernelspec.name
        kernel_id = await km.start_kernel(kernel_name=kernel_name, path=os.path.dirname(path),
                                          env=self._kernel_env())
        kernel = km.get_kernel(kernel_id)
        kernel.balise_pooled = True
        try:
            with self._exporter_for(renderer):
                parts = [html async for html, _ in
                         renderer.generate_content_generator(kernel_id, kernel)]
        except BaseException:
            await self._drop(kernel_id)
            raise
        html = "".join(parts)
        if self.render_once:
            await self._keep(path, renderer.notebook, kernel, kernel_id, html, mtime)
        return ReadyPage(kernel_id, html, mtime, time.monotonic())

    @contextlib.contextmanager
    def _exporter_for(self, renderer):
        """``renderer`` renders with an exporter that has already compiled its page
        templates, taken off the shelf and put back after; or, the first time (or while
        every one is rendering another page), with its own, put on the shelf after.

        Voila makes an exporter per page, and with it a Jinja environment that compiles
        the page's templates again: about 12 % of the server's CPU under load, measured
        at stop 30. Nothing in an exporter is a page's own (template, paths, base URL and
        settings are the server's; the notebook and its resources are given with each
        render), but a render reads its filters while it runs, so an exporter renders one
        page at a time: at most as many are compiled as pages are ever rendered at once.
        """
        key = (renderer.template_name, tuple(renderer.template_paths), renderer.theme)
        shelf = self._exporters.setdefault(key, [])
        if shelf:
            renderer.exporter = shelf.pop()
        try:
            yield renderer.exporter
        finally:
            shelf.append(renderer.exporter)

    async def _keep(self, path: str, notebook, kernel, kernel_id: str, html: str,
                    mtime: float) -> None:
        """Keep the page just rendered as the module's page rendered once, with the
        digest of its kernel's widgets (nothing run: an empty cell)."""
        try:
            digest = await self._run(kernel, "")
        except Exception as e:      # noqa: BLE001 - the next page is rendered through Voila
            self.log.warning("Balise: page of %s not kept to serve again: %s", path, e)
            return
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        self.once[path] = RenderedOnce(kernel_id, html, mtime, digest,
                                       notebook.metadata.kernelspec.name, code)

    def _mtime(self, path: str) -> float:
        root = Path(self.settings["serverapp"].root_dir)
        try:
            return (root / path).stat().st_mtime
        except OSError:
            return -1.0

    async def _drop(self, kernel_id: str) -> None:
        km = self.settings["kernel_manager"]
        if kernel_id in km:
            try:
                await km.shutdown_kernel(kernel_id, now=True)
            except Exception as e:    # noqa: BLE001 - already gone
                self.log.debug("Balise: pooled kernel %s: %s", kernel_id, e)

    # --- giving -------------------------------------------------------------------
    async def take(self, handler, path: str) -> str | None:
        """A ready page of ``path`` made hers, or None (then the page is rendered on demand).

        Only for a signed-in learner or staff member and a module of the catalogue:
        anything else takes Voila's own path, whose hook gives the plain refusal before
        any template is compiled.
        """
        user = handler.current_user
        context = handler.settings["balise"]
        module = Path(os.path.dirname(path)).name
        if not isinstance(user, BaliseUser) or module not in context.catalogue:
            return None
        await self._await_first(path)
        await self._await_render(path)
        queue = self.ready.get(path)
        km = self.settings["kernel_manager"]
        while queue:
            page = queue.popleft()            # no await before this: never given twice
            self._want(path, first=True)
            if page.kernel_id not in km or self._mtime(path) != page.notebook_mtime:
                self.log.info("Balise: page of %s dropped (kernel %s): kernel gone or "
                              "notebook changed", path, page.kernel_id)
                await self._drop(page.kernel_id)
                continue
            html = await self._give(handler, page, path)
            if html is not None:
                return html
        self._want(path, first=True)
        # None ready: her page made now from the module's page rendered once (a kernel
        # forked, the notebook run: well under a second), not rendered through Voila.
        clock = on_her_clock.set(True)   # her kernel keeps its priority until it is hers
        try:
            return await self._make_for_her(handler, path)
        finally:
            on_her_clock.reset(clock)

    async def _make_for_her(self, handler, path: str) -> str | None:
        """No page ready: hers made now as the pool makes its next (:meth:`_make`: from
        the module's page rendered once, else rendered as Voila would, with templates
        compiled once per process), and given to her."""
        if self.stopped:
            return None
        started = time.monotonic()
        try:
            page = await self._make(path)
        except Exception as e:        # noqa: BLE001 - Voila's own path says what failed
            self.log.warning("Balise: page of %s not made for her: %s", path, e)
            return None
        self.log.info("Balise: page of %s made for her (kernel %s) in %.0f ms, %s",
                      path, page.kernel_id, 1000 * (time.monotonic() - started), page.how)
        if self.stopped:
            await self._drop(page.kernel_id)
            return None
        return await self._give(handler, page, path)

    async def _give(self, handler, page: ReadyPage, path: str) -> str | None:
        """``page`` made the signed-in learner's (her token, sent by the server); its HTML,
        or None (the page dropped) if the kernel could not fill it in."""
        km = self.settings["kernel_manager"]
        user = handler.current_user
        context = handler.settings["balise"]
        module = Path(os.path.dirname(path)).name
        if page.kernel_id not in km:          # ended meanwhile (killed, culled)
            return None
        kernel = km.get_kernel(page.kernel_id)
        kernel.balise_owner = user.username
        kernel.balise_pooled = False
        token = tokens.sign(context.secret, user.username, module,
                            context.config.kernel_token_minutes)
        started = time.monotonic()
        adopted = await self._adopt(kernel, token, context.api_url(handler))
        if hasattr(kernel, "lower_priority_now"):
            kernel.lower_priority_now()       # hers (or dropped): it yields from now on
        if adopted:
            self.log.info("Balise: page of %s given (kernel %s), filled in %.0f ms",
                          path, page.kernel_id, 1000 * (time.monotonic() - started))
            return page.html
        self.log.info("Balise: page of %s dropped (kernel %s): not filled", path,
                      page.kernel_id)
        await self._drop(page.kernel_id)
        return None

    async def _await_first(self, path: str) -> None:
        """The module has no page rendered once yet: it is rendered next, and she waits
        for it (at most ``wait_for_first`` seconds), with whoever else opens it now."""
        if (not self.render_once or path in self.once or self.ready.get(path)
                or self.wait_for_first <= 0 or self.stopped or self._worker is None):
            return
        first = self._first.get(path)
        if first is None:
            first = self._first[path] = asyncio.get_running_loop().create_future()
        if self._rendering != path:
            while path in self._wanted:
                self._wanted.remove(path)
            self._wanted.appendleft(path)
            self._wake.set()
        await self._wait(first, self.wait_for_first, path, "not rendered once",
                         "for its first render")

    async def _await_render(self, path: str) -> None:
        """No page of ``path`` ready but one being rendered: wait for it, one learner per
        page and at most ``wait_for_render`` seconds."""
        if self.ready.get(path) or self._rendering != path or self._awaited \
                or self.wait_for_render <= 0:
            return
        self._awaited = True
        await self._wait(self._rendered, self.wait_for_render, path, "still rendering",
                         "while rendered")

    async def _wait(self, done: asyncio.Future, seconds: float, path: str, late: str,
                    waited_for: str) -> None:
        """Wait for ``done`` at most ``seconds`` (shielded: another may wait for it too),
        and say in the log how it went."""
        waited = time.monotonic()
        try:
            await asyncio.wait_for(asyncio.shield(done), seconds)
        except asyncio.TimeoutError:
            self.log.info("Balise: page of %s %s after %.0f s: on demand", path, late,
                          seconds)
        else:
            self.log.info("Balise: page of %s waited for %.0f ms %s", path,
                          1000 * (time.monotonic() - waited), waited_for)

    async def _adopt(self, kernel, token: str, api_url: str) -> bool:
        """Run ``balise.client.adopt`` in the kernel, on the server's own connection."""
        client = kernel.client()
        client.start_channels()
        try:
            reply = await client.execute(
                f"import balise.client\nbalise.client.adopt({token!r}, {api_url!r})",
                silent=True, store_history=False, allow_stdin=False, reply=True,
                timeout=self.adopt_timeout)
            ok = reply["content"]["status"] == "ok"
            if not ok:
                self.log.warning("Balise: a pre-rendered page could not be filled (%s)",
                                 reply["content"].get("ename"))
            return ok
        except Exception as e:     # noqa: BLE001 - timed out or kernel gone: on demand
            self.log.warning("Balise: a pre-rendered page could not be filled: %s", e)
            return False
        finally:
            client.stop_channels()


class PooledVoilaHandler(TornadoVoilaHandler):
    """Voila's ``/voila/render/<notebook>``: a page from the pool when one is ready."""

    @web.authenticated
    async def get(self, path=None):
        pool: PagePool | None = self.settings.get("balise_page_pool")
        html = await pool.take(self, path) if pool is not None and path else None
        if pool is not None and pool.stopped:
            # The server is stopping (its kernels are being shut down): a kernel started
            # now for this page would outlive it. Said plainly; she reloads in a moment.
            raise web.HTTPError(503, "the server is restarting / le serveur redémarre")
        if html is None:
            return await super().get(path)
        self.set_header("Content-Type", "text/html")
        self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
        self.set_header("Pragma", "no-cache")
        self.set_header("Expires", "0")
        self.finish(html)


def _voila(serverapp) -> tuple[VoilaConfiguration, list[str]]:
    """Voila's configuration and template paths, as its own handler gets them."""
    config = VoilaConfiguration(parent=serverapp)
    return config, collect_template_paths(["voila", "nbconvert"], config.template)


def render_route(serverapp) -> tuple:
    """The route taking the place of Voila's own (Balise's handlers come first), with
    the arguments Voila gives its handler."""
    config, template_paths = _voila(serverapp)
    return (r"/voila/render/(.*)", PooledVoilaHandler,
            {"config": serverapp.config, "voila_configuration": config,
             "template_paths": template_paths})


def make_pool(serverapp) -> PagePool:
    config, template_paths = _voila(serverapp)
    return PagePool(serverapp.web_app.settings, config, template_paths, serverapp.config,
                    parent=serverapp)
