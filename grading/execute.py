"""nbgrader's Execute step on a kernel from the pool instead of a new one.

Set through configuration, like any nbgrader step::

    c.Autograde.autograde_preprocessors = [PooledExecute, ...the rest as stock]

Everything else is nbgrader's and nbclient's own: cell timeouts, interrupt on
timeout, errors recorded in the outputs. Only where the kernel comes from, and
where it goes after, differ; nbconvert's kernel_info request is answered with
the reply the kernel gave when it started (the same each time); and the cells
are sent to the kernel together, read back one by one
(:mod:`balise.grading.pipeline`).
"""

from __future__ import annotations

from contextlib import contextmanager

from nbgrader.preprocessors import Execute
from traitlets import Any

from balise.grading.pipeline import PipelinedClient, planned_requests

TIMEOUT_ERROR = "CellTimeoutError"


class PooledExecute(Execute):
    pool = Any(
        None,
        allow_none=True,
        help="""The KernelPool to draw from; None runs stock nbgrader (a new kernel
        per notebook). The grading worker sets it.""",
    ).tag(config=True)

    def preprocess(self, nb, resources, km=None):
        if self.pool is None:
            return super().preprocess(nb, resources, km=km)
        kernel = self.pool.acquire()
        healthy = False
        self._client = None
        try:
            cwd = (resources or {}).get("metadata", {}).get("path") or self.pool.home
            if self.pool.hides(cwd):
                cwd = self.pool.home          # the submission's folder is out of sight
            # A kernel starts, and is returned by its wipe, in the pool's home.
            if cwd != self.pool.home and not kernel.run(
                    f"import os as _o; _o.chdir({cwd!r}); del _o"):
                raise RuntimeError("grading kernel did not answer")
            self._pooled = kernel
            nb, resources = super().preprocess(nb, resources, km=kernel.km)
            # A run that stopped before its last cell leaves requests queued in the kernel:
            # it is replaced, never handed to the next submission with them.
            healthy = (self._client is None or not self._client.unasked) and not any(
                out.get("ename") == TIMEOUT_ERROR
                for cell in nb.cells for out in cell.get("outputs", []))
            return nb, resources
        finally:
            self._pooled = None
            self._client = None
            self.pool.release(kernel, healthy)

    @contextmanager
    def setup_kernel(self, **kwargs):
        kernel = getattr(self, "_pooled", None)
        if kernel is None:
            with super().setup_kernel(**kwargs):
                yield
            return
        self.km = kernel.km
        self.kc = self._client = PipelinedClient(kernel.kc, planned_requests(self.nb, self),
                                                 kernel.info)
        yield

    def wait_for_reply(self, msg_id, cell=None):
        kernel = getattr(self, "_pooled", None)
        if msg_id == PipelinedClient.KNOWN_INFO and kernel is not None:
            return kernel.info
        return super().wait_for_reply(msg_id, cell)
