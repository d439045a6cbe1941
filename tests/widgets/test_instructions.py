"""Key instructions: a drawn picture with bilingual alternative text, the rule, a Listen button."""

from pathlib import Path

from balise.catalogue.modules import load_module
from balise.grading.build import public_instructions, spoken_texts
from balise.widgets.i18n import LANGUAGE
from balise.widgets.instructions import Instructions

HEIGHTS = load_module(Path(__file__).resolve().parents[2] / "courses" / "heights")


def test_each_card_has_its_picture_words_source_and_listen_button():
    items = public_instructions(HEIGHTS)
    cards = Instructions(items)
    boxes = [c for c in cards.children if "balise-instruction" in c._dom_classes]
    assert len(boxes) == len(HEIGHTS.instructions) >= 3
    for item, box in zip(HEIGHTS.instructions, boxes):
        text, listen = box.children
        assert item.text["fr"].replace("'", "&#x27;") in text.value
        assert f'alt="{item.alt["fr"]}'.replace("'", "&#x27;") in text.value
        assert item.alt["en"].replace("'", "&#x27;") in text.value
        assert 'src="data:image/svg+xml;base64,' in text.value
        assert item.source in text.value
        assert "balise-read-aloud" in listen._dom_classes
    assert cards.all_spoken("en") == [i.text["en"] for i in HEIGHTS.instructions]


def test_language_switch_relabels_the_cards():
    cards = Instructions(public_instructions(HEIGHTS))
    first = [c for c in cards.children if "balise-instruction" in c._dom_classes][0].children[0]
    try:
        LANGUAGE.mode = "en"
        assert 'lang="fr"' not in first.value and 'lang="en"' in first.value
    finally:
        LANGUAGE.mode = "both"
    assert 'lang="fr"' in first.value and 'lang="en"' in first.value


def test_build_records_every_instruction_in_both_languages():
    texts = spoken_texts(HEIGHTS)
    for item in HEIGHTS.instructions:
        assert (item.text["fr"], "fr") in texts and (item.text["en"], "en") in texts
