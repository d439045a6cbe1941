"""The pool's wipe between submissions: the namespace emptied, what it held collected.

The wipe freezes what survives it (``gc.freeze``) so that later wipes do not
walk every imported module again; these tests pin that nothing a submission
made is frozen with it, and that the freeze happens.
"""

import pytest

from balise.grading.pool import KernelPool

pytestmark = pytest.mark.slow

CYCLE = """\
import builtins, weakref
class Node:
    pass
leftover = Node()
leftover.me = leftover          # a reference cycle: only the garbage collector frees it
builtins._balise_probe = weakref.ref(leftover)
"""


@pytest.fixture
def pool(tmp_path):
    pool = KernelPool(size=1, home=str(tmp_path), sandbox="off", max_processes=0)
    pool.start()
    yield pool
    pool.shutdown()


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
