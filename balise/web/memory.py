"""The server's memory given back once pages are gone (issue 18, item 5).

A module page leaves cyclic garbage in the server when it ends: its kernel manager
and client, their ZMQ streams and futures, Voila's renderer and executor, all
pointing at one another. Python frees cycles only in a full collection, and a full
collection comes only when the objects made since the last one reach a quarter of
all those alive: in a server of about 300 MB that is rare, so the soak benchmark saw
the server grow by about 1.4 MB per page opened (292 -> 346 MB over 36 opens), every
page long gone. Collected every minute, the same run ended within 1 % of its start.

So, on the server's loop:

* once the server is up and the pool has rendered its pages, everything alive is
  collected and then frozen (``gc.freeze``: left out of later collections), as the
  grading worker does: what a server makes once is not walked again;
* then every ``interval`` seconds, if a kernel has ended since the last look (a page
  closed, culled or refused), a full collection, and glibc asked to hand its free
  pages back to the system (``malloc_trim``). A collection walks only what pages made
  since the freeze: a few milliseconds, logged.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import time

from traitlets import Float
from traitlets.config import LoggingConfigurable


def _malloc_trim():
    """glibc's ``malloc_trim``, or None elsewhere (musl, macOS): then only the collection."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


class MemoryKeeper(LoggingConfigurable):
    """Collects the server's cyclic garbage after pages end; see the module's docstring."""

    interval = Float(60.0, config=True, help="""Seconds between two looks: a full
        collection runs only if a kernel ended since the last one. 0 turns it off.
        Example: c.MemoryKeeper.interval = 60""")
    freeze_after = Float(5.0, config=True, help="""Seconds after the start of the server
        (and after the pool's first pages are ready) before what is alive is frozen.""")

    def __init__(self, kernel_manager, pool=None, **kwargs):
        super().__init__(**kwargs)
        self.kernel_manager = kernel_manager
        self.pool = pool
        self._task: asyncio.Task | None = None
        self._seen: set[str] = set()
        self._trim = _malloc_trim()

    def start(self) -> None:
        if self.interval > 0 and self._task is None:
            self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        """Freeze once the start is over; collect after pages have ended, every interval."""
        started = time.monotonic()
        next_look = started + self.interval
        frozen = False
        self._seen = set(self.kernel_manager.list_kernel_ids())
        while True:
            await asyncio.sleep(min(self.freeze_after, self.interval))
            now = time.monotonic()
            # Once the pool's first pages (one a module) are rendered, or after five
            # minutes: what the server makes once is alive then, and frozen.
            if not frozen and (self.pool is None or self.pool.filled_once
                               or now - started > 300):
                took = self.collect(freeze=True)
                frozen = True
                self.log.info("Balise: server memory collected and frozen once started "
                              "(%.0f ms)", 1000 * took)
            if now < next_look:
                continue
            next_look = now + self.interval
            kernels = set(self.kernel_manager.list_kernel_ids())
            ended = self._seen - kernels
            self._seen = kernels
            if ended:
                took = self.collect()
                self.log.info("Balise: memory collected after %d kernels ended (%.0f ms)",
                              len(ended), 1000 * took)

    def collect(self, freeze: bool = False) -> float:
        """A full collection (then a freeze if asked) and glibc's trim; seconds it took."""
        started = time.perf_counter()
        gc.collect()
        if freeze:
            gc.freeze()
        if self._trim is not None:
            self._trim(0)
        return time.perf_counter() - started
