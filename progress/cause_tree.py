"""An accident's cause tree (INRS ED 6163, *arbre des causes*), laid out for a phone.

The tree is read from two frames: ``facts`` (``id``, ``kind``, ``text``) and
``links`` (``effect_id``, ``cause_id``: the cause was needed for the effect to
happen). The facts that cause nothing are the tree's tops: the injury first,
then any fact not linked yet. Each fact's causes are drawn below it, indented,
one box a row, so a tree stays readable at 360 px whatever its width: the text
wraps in its box, and a deep tree only narrows the boxes down to a floor.

A fact that caused two things (the method allows it: the tree is a graph) is
drawn in full under its first effect, and as a short reference ("see no. 3")
under the others. :func:`text_version` says the same tree as nested items, for
a screen reader and for print: "X, because: Y, Z".

Everything here is a pure function of its arguments: the same facts and links
give the same layout, whatever order the rows come in.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

# The order of the tops: the injury the tree explains comes first.
TOP_FIRST = "injury"


@dataclass(frozen=True)
class Sizes:
    """The drawing's measures, in SVG pixels (the drawing scales to its box)."""

    width: int = 340            # the drawing's width: a 360 px phone less the page's margins
    indent: int = 18            # how far a cause sits right of its effect
    gap: int = 10               # between two boxes
    pad: int = 8                # inside a box
    font: int = 16              # the fact's text
    line: int = 20              # one line of it
    header: int = 18            # the box's first line: number and kind
    char: float = 0.56          # a character's mean width, in ``font`` units (system-ui, wide)
    narrowest: int = 190        # a box never gets narrower than this, however deep


@dataclass(frozen=True)
class Box:
    """One fact drawn: where, and its text in lines. ``repeat``: a reference to a fact drawn
    in full above; ``loose``: a top that is not the injury (a fact not linked yet)."""

    fact_id: int
    number: int
    kind: str
    lines: tuple[str, ...]
    x: int
    y: int
    width: int
    height: int
    depth: int
    repeat: bool = False
    loose: bool = False


@dataclass(frozen=True)
class Edge:
    """The line from an effect down to one of its causes: a polyline of points."""

    effect_id: int
    cause_id: int
    points: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Layout:
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int


@dataclass(frozen=True)
class Item:
    """One fact in the text version, with the facts that caused it."""

    fact_id: int
    number: int
    kind: str
    text: str
    causes: tuple[Item, ...] = field(default_factory=tuple)
    repeat: bool = False
    loose: bool = False


def numbers(facts: pd.DataFrame) -> dict[int, int]:
    """Each fact's number on the page, 1, 2, 3... in the order they were added (their id)."""
    return {int(fid): n for n, fid in enumerate(sorted(int(i) for i in facts["id"]), start=1)}


def _graph(facts: pd.DataFrame, links: pd.DataFrame):
    ids = set(numbers(facts))
    causes: dict[int, list[int]] = {fid: [] for fid in ids}
    effects: set[int] = set()
    for effect, cause in sorted(set(zip(links["effect_id"].astype(int),
                                        links["cause_id"].astype(int)))):
        if effect in ids and cause in ids and effect != cause:
            causes[effect].append(cause)
            effects.add(cause)
    kinds = {int(r.id): str(r.kind) for r in facts.itertuples()}
    tops = sorted((fid for fid in ids if fid not in effects),
                  key=lambda fid: (kinds[fid] != TOP_FIRST, fid))
    return causes, tops, kinds


def _walk(facts: pd.DataFrame, links: pd.DataFrame):
    """(fact id, depth, repeat, parent id) in drawing order: each top, then its causes below it.

    A fact met a second time is a repeat and its causes are not walked again, so a
    cycle (which the store refuses) could not loop here either.
    """
    causes, tops, kinds = _graph(facts, links)
    seen: set[int] = set()
    order: list[tuple[int, int, bool, int | None]] = []

    def visit(fid: int, depth: int, parent: int | None) -> None:
        if fid in seen:
            order.append((fid, depth, True, parent))
            return
        seen.add(fid)
        order.append((fid, depth, False, parent))
        for cause in causes[fid]:
            visit(cause, depth + 1, fid)

    for top in tops:
        visit(top, 0, None)
    # Facts only reachable through a cycle have no top: drawn as tops of their own.
    for fid in sorted(set(causes) - seen):
        visit(fid, 0, None)
    return order, kinds


def wrap(text: str, width_px: int, sizes: Sizes) -> tuple[str, ...]:
    """``text`` cut into lines that fit ``width_px`` at the sizes' font; a long word is cut."""
    chars = max(8, int(width_px / (sizes.font * sizes.char)))
    return tuple(textwrap.wrap(" ".join(str(text).split()), chars, break_long_words=True,
                               break_on_hyphens=False)) or ("",)


def layout(facts: pd.DataFrame, links: pd.DataFrame, sizes: Sizes = Sizes()) -> Layout:
    """Where each fact's box goes, top to bottom, and the lines between effects and causes."""
    order, kinds = _walk(facts, links)
    number = numbers(facts)
    texts = {int(r.id): str(r.text) for r in facts.itertuples()}
    deepest = max(0, (sizes.width - sizes.narrowest) // sizes.indent)
    boxes: list[Box] = []
    edges: list[Edge] = []
    parents: list[Box] = []                 # the box of each depth's latest full fact
    y = 0
    for fid, depth, repeat, parent in order:
        x = min(depth, deepest) * sizes.indent
        width = sizes.width - x
        lines = () if repeat else wrap(texts[fid], width - 2 * sizes.pad, sizes)
        # A repeat's one line says where the fact is drawn in full.
        height = 2 * sizes.pad + sizes.header + max(1, len(lines)) * sizes.line
        box = Box(fact_id=fid, number=number[fid], kind=kinds[fid], lines=lines, x=x, y=y,
                  width=width, height=height, depth=depth, repeat=repeat,
                  loose=depth == 0 and kinds[fid] != TOP_FIRST)
        boxes.append(box)
        if parent is not None:
            above = parents[depth - 1]
            stem = above.x + sizes.indent // 2
            middle = y + sizes.pad + sizes.header // 2
            edges.append(Edge(effect_id=parent, cause_id=fid, points=(
                (stem, above.y + above.height), (stem, middle), (x, middle))))
        del parents[depth:]
        parents.append(box)
        y += height + sizes.gap
    return Layout(boxes=tuple(boxes), edges=tuple(edges), width=sizes.width,
                  height=max(0, y - sizes.gap))


def text_version(facts: pd.DataFrame, links: pd.DataFrame) -> tuple[Item, ...]:
    """The tree as nested items, in the drawing's order: each top, and under it its causes."""
    order, kinds = _walk(facts, links)
    number = numbers(facts)
    texts = {int(r.id): str(r.text) for r in facts.itertuples()}

    def build(start: int) -> tuple[Item, int]:
        fid, depth, repeat, _ = order[start]
        children, k = [], start + 1
        while k < len(order) and order[k][1] > depth:
            child, k = build(k)
            children.append(child)
        return Item(fact_id=fid, number=number[fid], kind=kinds[fid], text=texts[fid],
                    causes=tuple(children), repeat=repeat,
                    loose=depth == 0 and kinds[fid] != TOP_FIRST), k

    items, k = [], 0
    while k < len(order):
        item, k = build(k)
        items.append(item)
    return tuple(items)


def reaches(links: Iterable[tuple[int, int]], start: int, goal: int) -> bool:
    """Whether ``goal`` is ``start`` or one of its causes, near or far, along ``links``
    ((effect, cause) pairs). A new link effect <- cause closes a loop exactly when
    ``reaches(links, cause, effect)``: the effect is already among the cause's causes."""
    causes: dict[int, set[int]] = {}
    for effect, cause in links:
        causes.setdefault(int(effect), set()).add(int(cause))
    seen, todo = set(), [int(start)]
    while todo:
        fid = todo.pop()
        if fid == goal:
            return True
        if fid not in seen:
            seen.add(fid)
            todo.extend(causes.get(fid, ()))
    return False
