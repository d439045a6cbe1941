"""The server's memory given back once pages end (balise.web.memory, issue 18 item 5)."""

from __future__ import annotations

import asyncio
import gc

from balise.web.memory import MemoryKeeper


class Kernels:
    """The kernel manager, as far as the keeper looks at it: the ids alive."""

    def __init__(self, ids):
        self.ids = set(ids)

    def list_kernel_ids(self):
        return list(self.ids)


def test_collected_once_frozen_then_only_after_a_page_ended():
    kernels = Kernels({"a", "b"})
    keeper = MemoryKeeper(kernels, None, interval=0.2, freeze_after=0.05)
    looks: list[bool] = []
    real = keeper.collect

    def collect(freeze=False):
        looks.append(freeze)
        return real(freeze)

    keeper.collect = collect

    async def scenario():
        keeper.start()
        await asyncio.sleep(0.5)             # started: frozen once, nothing ended
        before = list(looks)
        kernels.ids.discard("a")             # a page closed or culled
        await asyncio.sleep(0.5)
        keeper.stop()
        return before

    try:
        before = asyncio.run(scenario())
    finally:
        gc.unfreeze()
    assert before == [True]                  # the freeze, and no collection without cause
    assert looks == [True, False]            # one collection after the page ended


def test_a_cycle_left_by_a_page_is_freed_by_the_collection():
    """What the keeper is for: garbage in cycles outlives its page until a full collection."""
    class Node:
        pass

    gc.disable()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        ids = {id(a), id(b)}
        del a, b
        alive = lambda: sum(id(o) in ids for o in gc.get_objects() if isinstance(o, Node))  # noqa: E731
        assert alive() == 2
        MemoryKeeper(Kernels(()), None).collect()
        assert alive() == 0
    finally:
        gc.enable()
