"""The cause tree's drawing and text version (INRS ED 6163), as pure functions."""

import pandas as pd

from balise.progress.cause_tree import Sizes, layout, numbers, reaches, text_version

FACTS = pd.DataFrame({
    "id": [11, 12, 13, 14, 15],
    "kind": ["injury", "task", "equipment", "who", "environment"],
    "text": ["Coupure profonde à la main gauche", "Ouvrir les cartons au cutter, vite",
             "Cutter sans lame rétractable", "Nouvelle arrivée, pas formée au cutter",
             "Pas de table : carton posé par terre"]})
LINKS = pd.DataFrame({"effect_id": [11, 12, 12, 11, 13], "cause_id": [12, 13, 14, 15, 14]})


def test_the_injury_is_on_top_and_each_cause_below_its_effect_indented():
    drawn = layout(FACTS, LINKS)
    first = drawn.boxes[0]
    assert (first.fact_id, first.kind, first.x, first.y) == (11, "injury", 0, 0)
    where = {b.fact_id: b for b in drawn.boxes if not b.repeat}
    for effect, cause in zip(LINKS.effect_id, LINKS.cause_id):
        shown = [b for b in drawn.boxes if b.fact_id == cause]
        assert any(b.y > where[effect].y for b in shown)
    assert where[12].x > where[11].x and where[13].x > where[12].x
    # Every box within the drawing's width, none overlapping the next.
    assert all(b.x + b.width <= drawn.width for b in drawn.boxes)
    assert all(a.y + a.height < b.y for a, b in zip(drawn.boxes, drawn.boxes[1:]))
    assert drawn.height == drawn.boxes[-1].y + drawn.boxes[-1].height
    assert len(drawn.edges) == len(LINKS)


def test_a_fact_with_two_effects_is_drawn_once_and_referred_to_once():
    drawn = layout(FACTS, LINKS)
    fours = [b for b in drawn.boxes if b.fact_id == 14]
    assert [b.repeat for b in fours] == [False, True]
    assert fours[1].lines == ()


def test_long_text_wraps_to_the_box_at_360_px():
    long = FACTS.assign(text=["mot " * 60] + list(FACTS.text[1:]))
    drawn = layout(long, LINKS, Sizes(width=328))
    box = drawn.boxes[0]
    assert len(box.lines) > 3
    most = int((box.width - 2 * Sizes().pad) / (Sizes().font * Sizes().char))
    assert max(len(line) for line in box.lines) <= most
    # A very deep chain keeps its boxes wide enough to read.
    chain = pd.DataFrame({"id": range(1, 31), "kind": ["injury"] + ["task"] * 29,
                          "text": ["un fait"] * 30})
    links = pd.DataFrame({"effect_id": range(1, 30), "cause_id": range(2, 31)})
    assert min(b.width for b in layout(chain, links).boxes) >= Sizes().narrowest


def test_the_layout_is_pure_and_does_not_depend_on_row_order():
    before = (FACTS.copy(), LINKS.copy())
    once = layout(FACTS, LINKS)
    assert layout(FACTS, LINKS) == once
    shuffled = layout(FACTS.iloc[::-1].reset_index(drop=True),
                      LINKS.iloc[[3, 1, 4, 0, 2]].reset_index(drop=True))
    assert shuffled == once
    assert FACTS.equals(before[0]) and LINKS.equals(before[1])
    assert text_version(FACTS, LINKS) == text_version(FACTS.iloc[::-1], LINKS.iloc[::-1])


def test_the_text_version_lists_every_fact_with_its_causes():
    items = text_version(FACTS, LINKS)

    def walk(its):
        for it in its:
            yield it
            yield from walk(it.causes)

    flat = list(walk(items))
    assert {it.fact_id for it in flat} == set(FACTS.id)
    top = items[0]
    assert (top.number, top.kind) == (1, "injury")
    assert [c.fact_id for c in top.causes] == [12, 15]
    assert [c.fact_id for c in top.causes[0].causes] == [13, 14]
    assert [it.repeat for it in flat if it.fact_id == 14] == [False, True]


def test_a_fact_not_linked_yet_is_a_top_of_its_own_marked_loose():
    facts = pd.concat([FACTS, pd.DataFrame({"id": [16], "kind": ["who"],
                                            "text": ["Seule sur le quai"]})])
    items = text_version(facts, LINKS)
    assert [(i.fact_id, i.loose) for i in items] == [(11, False), (16, True)]
    assert numbers(facts)[16] == 6


def test_reaches_finds_a_loop_before_it_is_made():
    pairs = list(zip(LINKS.effect_id, LINKS.cause_id))
    assert reaches(pairs, 11, 14)           # 14 is among 11's causes: 14 <- 11 would loop
    assert not reaches(pairs, 14, 11)       # 11 <- 14 exists already, not a loop
    assert reaches(pairs, 13, 13)
