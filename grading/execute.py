"""nbgrader's Execute step on a kernel from the pool instead of a new one.

Set through configuration, like any nbgrader step::

    c.Autograde.autograde_preprocessors = [PooledExecute, ...the rest as stock]

Everything else is nbgrader's and nbclient's own: cell timeouts, interrupt on
timeout, errors recorded in the outputs. Only where the kernel comes from,
and where it goes after, differ.
"""

from __future__ import annotations

from contextlib import contextmanager

from nbgrader.preprocessors import Execute
from traitlets import Any

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
            healthy = not any(out.get("ename") == TIMEOUT_ERROR
                              for cell in nb.cells for out in cell.get("outputs", []))
            return nb, resources
        finally:
            self._pooled = None
            self.pool.release(kernel, healthy)

    @contextmanager
    def setup_kernel(self, **kwargs):
        kernel = getattr(self, "_pooled", None)
        if kernel is None:
            with super().setup_kernel(**kwargs):
                yield
            return
        self.km, self.kc = kernel.km, kernel.kc
        yield
