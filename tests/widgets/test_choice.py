"""The A/B/C choice without a kernel: a wrong pick is marked wrong, letter and words apart."""

import pytest

from balise.widgets import LANGUAGE, Choice

PROMPT = {"fr": "Quoi ?", "en": "What?"}
OPTIONS = [{"id": "a", "fr": "Je travaille sans la grille.", "en": "I work without the guard."},
           {"id": "b", "fr": "J'arrête.", "en": "I stop."}]


@pytest.fixture(autouse=True)
def both_languages():
    LANGUAGE.mode = "both"
    yield
    LANGUAGE.mode = "both"


def check(answer):
    return {"right": answer == "b", "source": "L4131-1",
            "practice": {"fr": "Une protection cassée est un danger.", "en": "A broken guard."}}


def test_a_wrong_pick_is_marked_wrong_and_a_right_one_right():
    c = Choice(PROMPT, OPTIONS, check=check)
    c._buttons.value = "a"
    assert "balise-picked-0-wrong" in c._dom_classes
    assert c._buttons.tooltips[0].startswith("✘ Choisi / Chosen")
    assert "Pas tout à fait" in c._feedback.value
    assert "Une protection cassée est un danger." in c._feedback.value
    c._buttons.value = "b"
    assert "balise-picked-1-right" in c._dom_classes
    assert "balise-picked-0-wrong" not in c._dom_classes
    assert list(c._buttons.tooltips) == [OPTIONS[0]["fr"] + " / " + OPTIONS[0]["en"],
                                   "✔ Choisi / Chosen : J'arrête. / I stop."]


def test_a_pick_not_checked_is_chosen_not_right():
    c = Choice(PROMPT, OPTIONS, answer="a")
    assert c._buttons.tooltips[0].startswith("● ")
    assert not [k for k in c._dom_classes if k.startswith("balise-picked-")]
    failed = Choice(PROMPT, OPTIONS, check=lambda answer: {"error": "unreachable"})
    failed._buttons.value = "a"
    assert failed.status == "error" and failed._buttons.tooltips[0].startswith("● ")


def test_the_wrong_mark_is_drawn_for_the_picked_place_only():
    c = Choice(PROMPT, OPTIONS, check=check)
    style = c.children[3].value
    assert '.balise-picked-0-wrong .widget-toggle-button[value="0"].mod-active::before' in style
    assert 'content: "✘ " / ""' in style and 'content: "● " / ""' in style


def test_the_letter_and_the_words_are_apart():
    c = Choice(PROMPT, OPTIONS)
    assert "<strong>A</strong> <span" in c._cards[0].value
    assert c._cards[0].layout.width == "100%"          # words alone: the screen's width
