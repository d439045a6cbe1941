"""A notebook's cells sent to a pooled kernel together, read back one by one as nbclient asks.

nbclient runs a notebook one cell at a time: it sends a cell, waits for its
reply and its outputs, then sends the next. Between two cells the kernel waits
for the worker and the worker for the kernel: thirteen such hand-offs a grade,
each paid again whenever another process holds the CPU (a 2-core machine also
serving pages). Here every cell nbclient is going to send is sent at its first
request; the kernel runs them in order, as before, while the worker reads the
outputs of the earlier ones. nbclient still asks for each cell in turn and
gets that request's id, then reads its reply and outputs as it always does:
it reads each channel up to the cell's last message (the reply on the shell
channel, the "idle" status on IOPub), and the kernel sends all of a cell's
messages before the next cell's, so the next cell's wait, unread, for their turn.

Only where no cell may stop the run: with nbgrader's ``allow_errors`` (every
cell is executed whatever the one before did) a request sent ahead is one
nbclient would have sent anyway. A request nbclient makes that is not the next
one sent ahead raises :class:`PipelineDiverged`: the grade fails (the worker's
max_failures, then a trainer is told) and its kernel is replaced; no grade is
ever given on cells run out of order.
"""

from __future__ import annotations

from collections import deque

# nbconvert's ExecutePreprocessor.preprocess_cell executes with store_history=True.
STORE_HISTORY = True


class PipelineDiverged(RuntimeError):
    """nbclient asked for a cell other than the next one sent ahead."""


def planned_requests(nb, client) -> list[tuple[str, dict]] | None:
    """The execute requests nbclient will make for ``nb``, in order; None if one may stop it.

    nbclient's own rules (NotebookClient.async_execute_cell): a code cell whose
    source is not blank and that does not carry ``skip_cells_with_tag``; a cell
    stops the run on error unless errors are allowed.
    """
    if client.force_raise_errors or not client.allow_errors:
        return None
    requests = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if client.skip_cells_with_tag in cell.metadata.get("tags", []):
            continue
        requests.append((cell.source, {"store_history": STORE_HISTORY, "stop_on_error": False}))
    return requests


class PipelinedClient:
    """A pooled kernel's client that sends a notebook's cells ahead (see the module's docstring).

    ``requests`` is :func:`planned_requests`' list; ``info`` the kernel's
    kernel_info reply, given to nbconvert without a round trip. Everything else
    is the client's own.
    """

    KNOWN_INFO = "balise-pooled-kernel-info"

    def __init__(self, kc, requests: list[tuple[str, dict]] | None, info: dict | None):
        self._kc = kc
        self.info = info
        self._plan = deque(requests or [])
        self._sent: deque[tuple[str, dict, str]] = deque()

    @property
    def unasked(self) -> int:
        """Requests sent ahead that nbclient never asked for (the run stopped early)."""
        return len(self._sent)

    def kernel_info(self) -> str:
        return self.KNOWN_INFO if self.info else self._kc.kernel_info()

    def execute(self, code: str, **kwargs) -> str:
        if self._plan:
            while self._plan:
                source, options = self._plan.popleft()
                msg_id = self._kc.execute(source, **options)
                self._sent.append((source, options, msg_id))
        if not self._sent:
            return self._kc.execute(code, **kwargs)
        source, options, msg_id = self._sent.popleft()
        if source != code or kwargs != options:
            raise PipelineDiverged("nbclient asked for a cell other than the next one sent "
                                   "to the grading kernel")
        return msg_id

    def __getattr__(self, name):
        return getattr(self._kc, name)
