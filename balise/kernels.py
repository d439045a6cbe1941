"""Kernels of module pages: whose each one is, and what a page may say to it.

Voila starts one kernel per open page and lets the page's browser talk to it
over Jupyter's kernel websocket. Two things Jupyter does not check are
checked here:

* ownership: the person whose page started a kernel is recorded with it
  (:class:`PageKernelManager`), and only she may reach it over the websocket,
  the kernel REST API or Voila's shutdown route (:func:`owns`);
* messages: a page needs widget comms and ``kernel_info`` only, so
  :class:`PageKernelConnection` refuses ``execute_request`` and every other
  message that would run code or read the kernel, with a plain message back.

Set in ``jupyter_config.py``::

    c.ServerApp.kernel_manager_class = "balise.kernels.PageKernelManager"
    c.ServerApp.kernel_websocket_connection_class = "balise.kernels.PageKernelConnection"
"""

from __future__ import annotations

import json
from contextvars import ContextVar

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

# Set by Voila's prelaunch hook (:mod:`balise.voila_hook`) in the request that
# then starts the kernel: the same asyncio task, so no other request sees it.
page_owner: ContextVar[str | None] = ContextVar("balise_page_owner", default=None)

# What a Voila page sends (recorded in chromium on postures; the browser tests open
# every module and the gallery): the widget manager's comms and the kernel_info
# handshake. Nothing else reaches a kernel.
PAGE_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_open",
                           "comm_msg", "comm_close"})
REFUSED = ("Refusé : cette page ne peut pas exécuter de code. / "
           "Refused: this page cannot run code.")
NOT_YOURS = {"error": "Cette session n'est pas la vôtre. / This session is not yours."}


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
    """Jupyter's kernel manager that remembers whose page started each kernel."""

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.get_kernel(kernel_id).balise_owner = page_owner.get()
        return kernel_id


class PageKernelConnection(ZMQChannelsWebsocketConnection):
    """The websocket between a page and its kernel, passing only what a page needs."""

    def message_type(self, incoming) -> tuple[str | None, dict | None]:
        """The message's type and header, for both of Jupyter's websocket protocols."""
        try:
            if self.subprotocol == "v1.kernel.websocket.jupyter.org":
                _, parts = deserialize_msg_from_ws_v1(incoming)
                header = json.loads(parts[0])
            elif isinstance(incoming, bytes):
                header = deserialize_binary_message(incoming)["header"]
            else:
                header = json.loads(incoming)["header"]
            return str(header.get("msg_type")), header
        except (ValueError, TypeError, IndexError, KeyError, AttributeError):
            return None, None

    def handle_incoming_message(self, incoming_msg) -> None:
        msg_type, header = self.message_type(incoming_msg)
        if msg_type in PAGE_MESSAGES:
            return super().handle_incoming_message(incoming_msg)
        user = getattr(self.websocket_handler.current_user, "username", "?")
        self.log.warning("Refused %r from %s's page to kernel %s", msg_type, user,
                         self.kernel_id)
        if self.channels:
            self.write_stderr(REFUSED, header or {})


class PageKernelShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's ``/voila/api/shutdown/<kernel>`` (sent when a page closes), for the owner only."""

    @web.authenticated
    async def post(self, kernel_id):
        if not owns(self, kernel_id):
            self.log.warning("Refused shutdown of kernel %s by %s", kernel_id,
                             getattr(self.current_user, "username", "?"))
            self.set_status(403)
            self.set_header("Content-Type", "application/json")
            return self.finish(json.dumps(NOT_YOURS, ensure_ascii=False))
        await super().post(kernel_id)

