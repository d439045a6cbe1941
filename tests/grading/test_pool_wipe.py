"""The pool's wipe between submissions: the namespace emptied, what it held collected.

The wipe freezes what survives it (``gc.freeze``) so that later wipes do not
walk every imported module again; these tests pin that nothing a submission
made is frozen with it, and that the freeze happens.
"""

import pytest

pytestmark = pytest.mark.slow

CYCLE = """\
import builtins, weakref
class Node:
    pass
leftover = Node()
leftover.me = leftover          # a reference cycle: only the garbage collector frees it
builtins._balise_probe = weakref.ref(leftover)
"""


def next_submission(pool, kernel):
    pool.release(kernel, healthy=True)
    again = pool.acquire()
    assert again is kernel, "a one-kernel pool gives the same kernel back"
    return again


def test_what_a_submission_made_is_collected_not_frozen(pool):
    kernel = pool.acquire()
    assert kernel.run(CYCLE)
    assert kernel.run("assert builtins._balise_probe() is not None")
    kernel = next_submission(pool, kernel)
    assert kernel.run("assert 'leftover' not in globals() and 'Node' not in globals()")
    assert kernel.run("import builtins\nassert builtins._balise_probe() is None, 'kept alive'")


def test_the_wipe_freezes_what_survives_it(pool):
    kernel = pool.acquire()
    assert kernel.run("import gc\nassert gc.get_freeze_count() > 0")   # frozen at start
    assert kernel.run("import gc\ngc.unfreeze()\nassert gc.get_freeze_count() == 0")
    kernel = next_submission(pool, kernel)
    assert kernel.run("import gc\nassert gc.get_freeze_count() > 0")


def test_a_failed_check_reads_as_failed(pool):
    """The checks above would fail: a false assertion is reported as such."""
    kernel = pool.acquire()
    assert not kernel.run("assert False")


def test_a_pooled_grade_asks_no_kernel_info_and_records_the_kernels(pool):
    """nbconvert copies the kernel's language_info into the graded notebook: the pooled
    kernel's reply at start, the same a new request gets, without a round trip."""
    from jupyter_core.utils import run_sync
    from nbformat.v4 import new_code_cell, new_notebook

    from balise.grading.execute import PooledExecute

    kernel = pool.acquire()
    asked = kernel.reply(kernel.kc.kernel_info())
    pool.release(kernel, healthy=True)
    sent = []
    real = kernel.kc.kernel_info
    kernel.kc.kernel_info = lambda *a, **k: sent.append(1) or real(*a, **k)
    nb = new_notebook(cells=[new_code_cell("x = 1 + 1"), new_code_cell("assert x == 2")])
    nb, _ = PooledExecute(pool=pool).preprocess(nb, {})
    assert sent == []
    assert nb.metadata["language_info"] == asked["content"]["language_info"]
    assert nb.metadata["language_info"]["name"] == "python"
    assert [c.outputs for c in nb.cells] == [[], []]
    assert run_sync(kernel.km.is_alive)()
