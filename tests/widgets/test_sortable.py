"""Drag to reorder without a kernel: a drop from the page moves the step."""

from balise.widgets import Ordering
from balise.widgets.sortable import SortableRow, sortable_rows

PROMPT = {"fr": "Dans l'ordre ?", "en": "In order?"}
STEPS = [{"id": s, "fr": f"fr-{s}", "en": f"en-{s}"} for s in ("a", "b", "c", "d")]


def drop(row: SortableRow, target) -> None:
    """What the front-end sends when a row is dropped on the row at ``target``."""
    row._handle_custom_msg({"event": "drop", "to": target}, [])


def test_a_step_dropped_lower_takes_that_place_and_the_others_close_up():
    o = Ordering(PROMPT, STEPS)
    drop(o._labels[0], 2)
    assert o.answer == ["b", "c", "a", "d"]
    assert "<strong>3.</strong>" in o._labels[2].value and "fr-a" in o._labels[2].value
    assert o._ups[2].tooltip.endswith(": fr-a / en-a")


def test_a_step_dropped_higher_takes_that_place():
    o = Ordering(PROMPT, STEPS)
    drop(o._labels[3], 1)
    assert o.answer == ["a", "d", "b", "c"]


def test_buttons_and_drops_change_the_same_order():
    o = Ordering(PROMPT, STEPS)
    o._downs[0].click()
    drop(o._labels[3], 0)
    assert o.answer == ["d", "b", "a", "c"]
    assert "fr-d" in o._labels[0].value


def test_a_drop_outside_the_list_or_malformed_changes_nothing():
    o = Ordering(PROMPT, STEPS, answer=["d", "c", "b", "a"])
    for target in (-1, 4, 99, "2", None, True, 1.5):
        drop(o._labels[1], target)
    o._labels[1]._handle_custom_msg({"event": "other", "to": 0}, [])
    o._labels[1]._handle_custom_msg(["drop"], [])
    drop(o._labels[2], 2)
    assert o.answer == ["d", "c", "b", "a"]


def test_check_receives_the_order_after_a_drop():
    seen = []
    o = Ordering(PROMPT, STEPS, check=lambda answer: seen.append(answer) or {
        "right": answer == ["b", "a", "c", "d"], "source": "L4121-2",
        "practice": {"fr": "", "en": ""}})
    drop(o._labels[1], 0)
    o._check_button.click()
    assert seen == [["b", "a", "c", "d"]] and o.status == "right"


def test_the_rows_keep_the_classes_the_page_and_its_tests_use():
    o = Ordering(PROMPT, STEPS)
    assert [r._dom_classes for r in o._labels] == [(f"balise-step-{n}",) for n in range(1, 5)]
    assert "balise-up-2" in o._ups[1]._dom_classes
    assert "balise-down-4" in o._downs[3]._dom_classes


def test_rows_of_one_list_share_a_group_and_know_their_places():
    first, second = sortable_rows(3, on_drop=None), sortable_rows(2, on_drop=None)
    assert len({r.group for r in first}) == 1 and first[0].group != second[0].group
    assert [r.position for r in first] == [0, 1, 2]
    state = first[0].get_state()
    assert "export default" in state["_esm"] and ".balise-grip" in state["_css"]

