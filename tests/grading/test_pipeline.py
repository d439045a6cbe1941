"""A notebook's cells sent to a pooled kernel together: the same outputs, each in its own cell.

The pooled run is compared with nbgrader's own Execute on a kernel of its own
(stock), on a notebook whose cells print (one of them 300 lines), fail,
display, write to stderr, are blank, markdown or tagged to be skipped; and
every request is sent before the first cell's reply is read. A request
nbclient makes that is not the next one sent ahead is refused, never run out
of order. Timeouts and a kernel that dies mid-run: test_pooled_semantics.
"""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from balise.grading.execute import PooledExecute
from balise.grading.pipeline import PipelinedClient, PipelineDiverged, planned_requests

pytestmark = pytest.mark.slow

CELLS = [
    new_code_cell("x = 1\nprint('one', x)"),
    new_markdown_cell("Not run."),
    new_code_cell("   \n"),
    new_code_cell("import sys\nprint('to stderr', file=sys.stderr)\nx += 1\nx"),
    new_code_cell("raise ValueError('cell three fails')"),
    new_code_cell("print('never', x)", metadata={"tags": ["skip-execution"]}),
    new_code_cell("from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))\n"
                  "print('after the failure', x)"),
    new_code_cell("for i in range(300):\n    print(i)"),
    new_code_cell("x * 10"),
]


def notebook():
    return new_notebook(cells=[cell.copy() for cell in CELLS],
                        metadata={"kernelspec": {"name": "python3", "language": "python",
                                                 "display_name": "Python 3"}})


def outputs(nb):
    """Each cell's outputs, without what differs between two kernels (execution counts)."""
    return [[{k: v for k, v in out.items() if k != "execution_count"} for out in cell.get(
        "outputs", [])] for cell in nb.cells]


def test_cells_sent_together_get_the_outputs_stock_gives(pool, tmp_path):
    stock, _ = PooledExecute(timeout=30).preprocess(notebook(), {})
    pooled, _ = PooledExecute(pool=pool, timeout=30).preprocess(notebook(), {})
    assert outputs(pooled) == outputs(stock)
    texts = outputs(pooled)
    assert texts[0] == [{"output_type": "stream", "name": "stdout", "text": "one 1\n"}]
    assert texts[4][0]["ename"] == "ValueError"
    assert texts[5] == []                                     # skipped, as nbclient skips it
    assert texts[6][1]["text"] == "after the failure 2\n"
    assert texts[7][0]["text"].split() == [str(i) for i in range(300)]
    assert texts[8][0]["data"]["text/plain"] == "20"


def test_every_cell_is_sent_before_the_first_reply_is_read(pool):
    kernel = pool.acquire()
    pool.release(kernel, healthy=True)
    sent, seen = [], []
    real = kernel.kc.execute
    kernel.kc.execute = lambda *a, **k: sent.append(a[0]) or real(*a, **k)
    step = PooledExecute(pool=pool, timeout=30,
                         on_cell_complete=lambda **kw: seen.append(len(sent)))
    step.preprocess(notebook(), {})
    run = [c.source for c in CELLS if c.cell_type == "code" and c.source.strip()
           and "skip-execution" not in c.metadata.get("tags", [])]
    assert sent[:len(run)] == run            # then the wipe, when the kernel is released
    assert seen == [len(run)] * len(run)     # at each cell, all were sent already


class FakeClient:
    def __init__(self):
        self.sent = []
        self.shell_channel = self.iopub_channel = None

    def execute(self, code, **kwargs):
        self.sent.append(code)
        return f"id-{len(self.sent)}"


def test_a_request_other_than_the_next_sent_is_refused():
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("b = 2")])
    step = PooledExecute()
    client = PipelinedClient(FakeClient(), planned_requests(nb, step), None)
    assert client.execute("a = 1", store_history=True, stop_on_error=False) == "id-1"
    with pytest.raises(PipelineDiverged):
        client.execute("c = 3", store_history=True, stop_on_error=False)


def test_nothing_is_sent_ahead_where_a_cell_may_stop_the_run():
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("b = 2")])
    assert planned_requests(nb, PooledExecute(allow_errors=False)) is None
    assert planned_requests(nb, PooledExecute(force_raise_errors=True)) is None
    assert len(planned_requests(nb, PooledExecute())) == 2
