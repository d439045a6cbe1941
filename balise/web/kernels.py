"""Kernels of module pages: whose each one is, and what a page may say to it.

Voila starts one kernel per open page and lets the page's browser talk to it
over Jupyter's kernel websocket. Three things Jupyter does not check are
checked here:

* ownership: the person whose page started a kernel is recorded with it
  (:class:`PageKernelManager`), and only she may reach it over the websocket,
  the kernel REST API or Voila's shutdown route (:func:`owns`);
* messages: a page needs widget comms and ``kernel_info`` only, so
  :class:`PageKernelConnection` refuses ``execute_request`` and every other
  message that would run code or read the kernel, with a plain message back;
* widgets: a ``comm_msg`` or ``comm_close`` naming a comm this kernel does not
  have (another learner's widget, read from her page, or a made-up id) is
  refused the same way. The kernel would only ignore it, silently: the page
  gets a plain answer instead, and the log says who tried.

Knowing a kernel's comms without slowing widgets: Voila runs the notebook
before the page connects, so the comm_open of its widgets never crosses the
websocket, and a page may send a ``comm_msg`` for a widget embedded in its HTML
before it ever asks ``comm_info``. The connection therefore remembers what it
sees (the kernel's ``comm_open`` and ``comm_info_reply``, the page's own
``comm_open``, closes from either side) and, for an id it has not seen, asks the
kernel itself on a shell socket of its own, so the answer never reaches the
page. The page's later messages wait behind that question so the kernel
still gets them in the page's order; no answer in time means refused.

Set in ``jupyter_config.py``::

    c.ServerApp.kernel_manager_class = "balise.web.kernels.PageKernelManager"
    c.ServerApp.kernel_websocket_connection_class = "balise.web.kernels.PageKernelConnection"
"""

from __future__ import annotations

import asyncio
import hmac
import json
from collections import deque
from contextvars import ContextVar

from jupyter_client.session import Session
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.websocket import WebSocketClosedError
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

from balise.web.warm_kernels import WarmProcess

# Set by Voila's prelaunch hook (:mod:`balise.web.voila_hook`) in the request that
# then starts the kernel: the same asyncio task, so no other request sees it.
page_owner: ContextVar[str | None] = ContextVar("balise_page_owner", default=None)

# What a Voila page sends (recorded in chromium on postures; the browser tests open
# every module and the gallery): the widget manager's comms and the kernel_info
# handshake. Nothing else reaches a kernel.
PAGE_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_open",
                           "comm_msg", "comm_close"})
# Those that name an existing comm, so must name one of this kernel's.
TO_A_COMM = frozenset({"comm_msg", "comm_close"})
REFUSED = ("Refusé : cette page ne peut pas exécuter de code. / "
           "Refused: this page cannot run code.")
NOT_ON_PAGE = ("Refusé : ce widget n'est pas sur cette page. / "
               "Refused: this widget is not on this page.")
NOT_YOURS = {"error": "Cette session n'est pas la vôtre. / This session is not yours."}
# A kernel answers comm_info at once unless a widget callback is running; one
# slower than this is stuck, and the widget message waiting for it is refused.
COMM_INFO_TIMEOUT = 10.0


def owner_of(kernel_manager, kernel_id: str | None) -> str | None:
    """Who started the kernel from a module page; None if unknown or not started by a page."""
    if not kernel_id or kernel_id not in kernel_manager:
        return None
    return getattr(kernel_manager.get_kernel(kernel_id), "balise_owner", None)


def owns(handler, kernel_id: str | None = None) -> bool:
    """Is the kernel (``kernel_id``, else the handler's path argument) the signed-in person's?"""
    kernel_id = (kernel_id or handler.path_kwargs.get("kernel_id")
                 or getattr(handler, "kernel_id", None))
    owner = owner_of(handler.settings["kernel_manager"], kernel_id)
    return owner is not None and owner == getattr(handler.current_user, "username", None)


class PageKernelManager(AsyncMappingKernelManager):
    """Jupyter's kernel manager that remembers whose page started each kernel.

    It is the server's: every kernel it holds is a page's (grading kernels are the
    workers')."""

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        kernel = self.get_kernel(kernel_id)
        kernel.balise_owner = page_owner.get()
        # Never restarted: a page kernel restarted blank has none of the page's widgets,
        # so the page would look alive and answer nothing. Dead at the first look
        # (jupyter_client's restarter polls every ``time_to_dead``, 3 s), it is shut down.
        restarter = getattr(kernel, "_restarter", None)
        if restarter is not None:
            restarter.restart_limit = 0
        return kernel_id

    def start_watching_activity(self, kernel_id: str) -> None:
        """Jupyter's watch of a kernel's IOPub (for culling), reading less of each message.

        Jupyter's reads every message a page kernel sends, for its type and its parent's:
        header, parent header and metadata decoded, and each header's dates parsed with
        dateutil. That was 12 % of the server's CPU under load (benchmarks/load.py, py-spy:
        every widget message of every page goes through it), half of it parsing dates no
        one reads. Here: the signature checked as Jupyter does, the two headers decoded,
        no date parsed, the content only for status messages; the same ``last_activity``
        and ``execution_state`` (tests/balise/test_page_kernels.py compares the two).
        """
        kernel = self._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        session = Session(config=kernel.session.config, key=kernel.session.key)

        def record_activity(msg_list) -> None:
            try:
                _, parts = session.feed_identities(msg_list)
                parts = [bytes(part) for part in parts[:5]]
                if session.auth is not None and not hmac.compare_digest(
                        parts[0], session.sign(parts[1:5])):
                    self.log.warning("Balise: kernel %s: an IOPub message with a wrong "
                                     "signature ignored", kernel_id)
                    return
                msg_type = json.loads(parts[1]).get("msg_type")
                parent_msg_type = json.loads(parts[2]).get("msg_type")
            except (ValueError, IndexError, AttributeError) as e:
                self.log.warning("Balise: kernel %s: an IOPub message not read: %s",
                                 kernel_id, e)
                return
            if (self.track_message_type(msg_type) or self.track_message_type(parent_msg_type)
                    or kernel.execution_state == "busy"):
                self.last_kernel_activity = kernel.last_activity = utcnow()
            if msg_type == "status":
                state = json.loads(parts[4]).get("execution_state")
                if self.track_message_type(parent_msg_type):
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"

        kernel._activity_stream.on_recv(record_activity)

    def _handle_kernel_died(self, kernel_id: str) -> None:
        """A page kernel died (killed, out of memory): shut it down, files and sockets too.

        Jupyter only forgets it. Its page was told (status ``dead``, which kernel-gone.js
        turns into a plain message and a reload button); once shut down, the kernel API
        answers 403 for it as for any unknown kernel. Answers are saved as given: the
        reloaded page has them."""
        self.log.warning("Page kernel %s of %s died: shut down, not restarted", kernel_id,
                         owner_of(self, kernel_id) or "nobody (rendered ahead)")
        asyncio.ensure_future(self._shut_down_dead(kernel_id))

    async def _shut_down_dead(self, kernel_id: str) -> None:
        try:
            await self.shutdown_kernel(kernel_id, now=True)
        except Exception:
            self.log.exception("Dead page kernel %s not shut down cleanly: forgotten", kernel_id)
            self.remove_kernel(kernel_id)

    async def cull_kernel_if_idle(self, kernel_id):
        """A page rendered ahead (:mod:`balise.web.page_pool`) waits for its learner
        without a connection by design: idle, never culled; once given, like any page."""
        kernel = self._kernels.get(kernel_id)
        if kernel is not None and getattr(kernel, "balise_pooled", False):
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_all(self, now: bool = False) -> None:
        """When the server stops, every kernel is killed at once rather than asked first.

        A page kernel holds nothing to save (answers are stored as they are given).
        Asked politely, kernels still starting or busy on a saturated machine took
        seconds each to go (request, 2.5 s, SIGTERM, 2.5 s, SIGKILL): `balise serve`
        must be gone within 10 s of SIGTERM, its grading workers stopped first.

        A kernel may end while the others are shut down (a page being rendered ahead is
        dropped as the pool stops, a dead one is shut down): one already gone is no
        failure. Jupyter's own gave up at the first, and the server then hung on."""
        # Those still starting too (jupyter_client lists them apart until they are up).
        kernel_ids = list(dict.fromkeys([*self.list_kernel_ids(),
                                         *getattr(self, "_pending_kernels", {})]))
        results = await asyncio.gather(
            *(self.shutdown_kernel(kernel_id, now=True) for kernel_id in kernel_ids),
            return_exceptions=True)
        for kernel_id, result in zip(kernel_ids, results):
            if isinstance(result, Exception) and kernel_id in self:
                self.log.error("Page kernel %s not shut down as the server stops: %s",
                               kernel_id, result)
        await WarmProcess.close()


class PageKernelConnection(ZMQChannelsWebsocketConnection):
    """The websocket between a page and its kernel, passing only what a page needs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._comms: set[str] = set()   # comm ids this kernel is known to have
        self._held: deque = deque()     # page messages waiting for the kernel's comm list
        self._arrived = 0               # page messages so far
        self._asked = -1                # how many had arrived when the kernel was last asked
        self._draining: asyncio.Future | None = None
        self._protocol: str | None = None

    @property
    def subprotocol(self):
        """The websocket's subprotocol, remembered once seen.

        Jupyter reads it from the websocket handler, which says None once the page has
        closed; a message held for the kernel's comm list and passed on after that was
        then parsed with the wrong protocol and dropped ("Widget message check failed",
        struct.error): a learner's last answer, given as she left the page, was lost."""
        protocol = super().subprotocol
        if protocol is not None:
            self._protocol = protocol
        return protocol if protocol is not None else self._protocol

    def connect(self):
        """Jupyter's connect, and the kernel's comm list asked for at once: a page given
        from the pool talks to widgets its kernel made before the page connected, and
        each first message to one would otherwise wait for that question."""
        result = super().connect()
        if self._asked < 0:
            asyncio.ensure_future(self._ask_kernel_comms())
        return result

    def _read(self, incoming) -> tuple[str | None, dict | None, object]:
        """Type, header and comm id, for both of Jupyter's websocket protocols.

        In the binary v1 protocol only the header is parsed, and the content of
        comm messages: widget traffic is most of what a page sends."""
        try:
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                _, parts = deserialize_msg_from_ws_v1(incoming)
                header = json.loads(parts[0])
                msg_type = str(header.get("msg_type"))
                content = json.loads(parts[3]) if msg_type.startswith("comm_") else {}
            else:
                msg = (deserialize_binary_message(incoming) if isinstance(incoming, bytes)
                       else json.loads(incoming))
                header, content = msg["header"], msg.get("content")
                msg_type = str(header.get("msg_type"))
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            return None, None, None
        comm_id = content.get("comm_id") if isinstance(content, dict) else None
        return msg_type, header, comm_id

    def handle_incoming_message(self, incoming_msg) -> None:
        self._arrived += 1
        msg_type, header, comm_id = self._read(incoming_msg)
        unknown = (msg_type in TO_A_COMM and isinstance(comm_id, str)
                   and comm_id not in self._comms)
        if self._held or unknown:
            self._held.append((self._arrived, incoming_msg, msg_type, header, comm_id))
            if self._draining is None or self._draining.done():
                self._draining = asyncio.ensure_future(self._drain())
            return
        self._pass_or_refuse(incoming_msg, msg_type, header, comm_id)

    def _pass_or_refuse(self, incoming_msg, msg_type, header, comm_id) -> None:
        if msg_type not in PAGE_MESSAGES:
            return self._refuse(REFUSED, header, repr(msg_type))
        if msg_type in TO_A_COMM and comm_id not in self._comms:
            return self._refuse(NOT_ON_PAGE, header, msg_type,
                                f": comm {comm_id!r} is not one of this kernel's")
        if msg_type == "comm_open" and isinstance(comm_id, str):
            self._comms.add(comm_id)
        elif msg_type == "comm_close":
            self._comms.discard(comm_id)
        return super().handle_incoming_message(incoming_msg)

    def _refuse(self, text: str, header: dict | None, what: str, why: str = "") -> None:
        user = getattr(self.websocket_handler.current_user, "username", "?")
        self.log.warning("Refused %s from %s's page to kernel %s%s", what, user,
                         self.kernel_id, why)
        if self.channels:
            try:
                self.write_stderr(text, header or {})
            except WebSocketClosedError:
                pass

    async def _drain(self) -> None:
        """Pass or refuse held messages in order, asking the kernel about unseen comm ids."""
        while self._held:
            arrived, incoming_msg, msg_type, header, comm_id = self._held[0]
            try:
                # A question asked after this message arrived already covers it.
                if (msg_type in TO_A_COMM and isinstance(comm_id, str)
                        and comm_id not in self._comms and arrived > self._asked):
                    await self._ask_kernel_comms()
                self._held.popleft()
                self._pass_or_refuse(incoming_msg, msg_type, header, comm_id)
            except Exception:       # never let one message stop the page's others
                self.log.exception("Widget message check failed on kernel %s", self.kernel_id)
                if self._held and self._held[0][1] is incoming_msg:
                    self._held.popleft()

    async def _ask_kernel_comms(self) -> None:
        """Learn the kernel's comms with a comm_info_request on a shell socket of our own."""
        self._asked = self._arrived
        if not self.channels:
            return
        try:
            shell = self.kernel_manager.connect_shell()
        except Exception:       # kernel gone or restarting: the id stays unknown, so refused
            self.log.warning("Cannot ask kernel %s for its comms", self.kernel_id, exc_info=True)
            return
        request = self.session.msg("comm_info_request", {})
        answer: asyncio.Future = asyncio.get_running_loop().create_future()

        def on_reply(msg_list):
            try:
                _, msg_list = self.session.feed_identities(msg_list)
                reply = self.session.deserialize(msg_list)
            except Exception:
                return
            if (reply["parent_header"].get("msg_id") == request["header"]["msg_id"]
                    and not answer.done()):
                answer.set_result(reply["content"])

        shell.on_recv(on_reply)
        try:
            self.session.send(shell, request)
            comms = (await asyncio.wait_for(answer, COMM_INFO_TIMEOUT)).get("comms") or {}
            self._comms.update(comms)
            self.log.debug("Kernel %s has %d comms", self.kernel_id, len(comms))
        except asyncio.TimeoutError:
            self.log.warning("No comm_info_reply from kernel %s in %ss", self.kernel_id,
                             COMM_INFO_TIMEOUT)
        finally:
            shell.close()

    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        self._learn_comms(stream, outgoing_msg)
        super().handle_outgoing_message(stream, outgoing_msg)

    def _learn_comms(self, stream, outgoing_msg) -> None:
        """Note comms the kernel opens, lists or closes; other messages cost a substring test."""
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        if channel not in ("iopub", "shell"):
            return
        try:
            _, parts = self.session.feed_identities(outgoing_msg)
            raw_header = bytes(parts[1])
            if b"comm_" not in raw_header:
                return
            msg_type = self.session.unpack(raw_header).get("msg_type")
            if msg_type not in ("comm_open", "comm_close", "comm_info_reply"):
                return
            content = self.session.unpack(bytes(parts[4]))
        except Exception:
            return
        if msg_type == "comm_info_reply":
            self._comms.update(content.get("comms") or {})
        elif isinstance(content.get("comm_id"), str):
            if msg_type == "comm_open":
                self._comms.add(content["comm_id"])
            else:
                self._comms.discard(content["comm_id"])

    def on_kernel_restarted(self):
        self._comms.clear()       # a restarted kernel has none of its former widgets
        super().on_kernel_restarted()


async def drain_shell(kernel_manager, kernel_id: str, close_wait: float = 2.0,
                      reply_wait: float = 5.0) -> bool:
    """Wait until the kernel has handled every message its page sent, before it is shut down.

    A learner who ticks an answer and at once reloads or leaves the page: her browser
    sends the widget's change on the kernel's websocket, then the page's shutdown
    beacon on another connection. Jupyter shuts a kernel down on its control channel,
    which ipykernel serves ahead of the shell queue: the change could still be waiting
    there, and be dropped with the kernel (measured: the last answer lost on two
    immediate reloads in four, with Voila's front-end as with Balise's page script).
    So: first the page's websocket is let close (the browser closes it as the page
    goes; every frame it carried has then reached the kernel's queue), then a
    ``kernel_info_request`` goes through the shell queue; its reply means every change
    before it was handled, and the kernel's own saves were queued (balise.client
    sends them before it exits). True if the reply came in time.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + close_wait
    while (kernel_manager._kernel_connections.get(kernel_id, 0) > 0
           and loop.time() < deadline):
        await asyncio.sleep(0.05)
    try:
        kernel = kernel_manager.get_kernel(kernel_id)
    except KeyError:
        return False
    client = kernel.client()
    client.start_channels()
    try:
        await client.kernel_info(reply=True, timeout=reply_wait)
        return True
    except Exception:      # noqa: BLE001 - timed out, or the kernel died meanwhile
        return False
    finally:
        client.stop_channels()


class PageKernelShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's ``/voila/api/shutdown/<kernel>`` (sent when a page closes), for the owner
    only, once the kernel has handled what the page sent (:func:`drain_shell`)."""

    @web.authenticated
    async def post(self, kernel_id):
        if not owns(self, kernel_id):
            self.log.warning("Refused shutdown of kernel %s by %s", kernel_id,
                             getattr(self.current_user, "username", "?"))
            self.set_status(403)
            self.set_header("Content-Type", "application/json")
            return self.finish(json.dumps(NOT_YOURS, ensure_ascii=False))
        if not await drain_shell(self.kernel_manager, kernel_id):
            self.log.info("Balise: kernel %s did not answer before its shutdown", kernel_id)
        await super().post(kernel_id)
