"""Words she may not know: a noted word is a tap that shows what it means, and nothing else moves.

The build notes the terms (``balise.catalogue.glossary``); these tests pin what a
page makes of a note: a button and its popover (HTML only, no script), the
first place of the word only, the same words read aloud, and a note on every
text the build may note (``SHOWN_AS_TEXT``), so none is written where no tap
can show it.
"""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as w
import pytest

from balise.catalogue.glossary import SHOWN_AS_TEXT
from balise.catalogue.modules import load_module
from balise.widgets.base import Scenario
from balise.widgets.factory import make
from balise.widgets.i18n import BASE_CSS, LANGUAGE, rich, say, source_note
from balise.widgets.instructions import Instructions

REPO = Path(__file__).resolve().parents[2]
GALLERY = load_module(REPO / "widgets" / "gallery")
CARISTE = {"fr": "Le cariste recule. Un autre cariste attend.",
           "en": "The forklift driver reverses.",
           "terms": {"fr": [{"word": "cariste", "means": "Personne qui conduit un chariot."}],
                     "en": [{"word": "forklift driver",
                             "means": "A person who drives a forklift."}]}}
TAP = re.compile(r'<button type="button" class="balise-term" popovertarget="([\w-]+)">([^<]+)'
                 r'</button><span id="([\w-]+)" popover="auto" class="balise-term-note">')


def taps(markup: str) -> list[tuple[str, str]]:
    """(word, popover id) of each tap, checking each button opens the popover beside it."""
    found = TAP.findall(markup)
    assert all(target == ident for target, _, ident in found)
    return [(word, ident) for _, word, ident in found]


def test_a_noted_word_is_a_tap_at_its_first_place_only():
    markup = rich(CARISTE)
    assert [word for word, _ in taps(markup)] == ["cariste", "forklift driver"]
    assert markup.count("cariste") == 3           # the tap, its title in the box, the second
    assert "Personne qui conduit un chariot." in markup and "Fermer" in markup
    assert 'popovertargetaction="hide">Close</button>' in markup
    assert "<script" not in markup and "onclick" not in markup


def test_one_language_shows_its_own_tap_and_keeps_its_ids():
    both = dict(taps(rich(CARISTE)))
    try:
        LANGUAGE.mode = "fr"
        french = rich(CARISTE)
    finally:
        LANGUAGE.mode = "both"
    assert taps(french) == [("cariste", both["cariste"])]
    assert "forklift" not in french


def test_a_note_is_escaped_and_never_found_inside_markup():
    text = {"fr": "<b>quai</b> : le quai", "en": "dock",
            "terms": {"fr": [{"word": "quai", "means": "Un <i>bord</i>."}]}}
    markup = rich(text, mode="fr")
    assert "<b>" not in markup and "<i>" not in markup and "Un &lt;i&gt;bord" in markup
    assert [word for word, _ in taps(markup)] == ["quai"]
    assert markup.startswith('<p lang="fr">&lt;b&gt;<button')


def test_a_word_noted_but_not_in_the_text_is_said_after_it_as_a_word_to_know():
    """The build notes so a word first met on a button or a list (which cannot open a note)
    below the prompt: the prompt keeps its words and says the word after them."""
    text = {"fr": "Un quai", "en": "A dock", "terms": {"fr": [{"word": "rayonnage", "means": "x"}]}}
    shown = rich(text)
    assert shown.startswith('<p lang="fr">Un quai <span class="balise-words-to-know">'
                            '(Mot à connaître : ')
    assert taps(shown) and taps(shown)[0][0] == "rayonnage"
    assert shown.endswith(rich({"fr": "Un quai", "en": "A dock"}).split("</p>", 1)[1])


def test_the_same_word_in_both_languages_is_said_once():
    assert say("Question") == "Question" and say("Source") == "Source"
    assert say("Check") == "Vérifier / Check"
    assert rich({"fr": "15", "en": "15"}, "span") == '<span lang="fr">15</span>'


def test_a_source_unfolds_from_a_small_source_link():
    markup = source_note("Code du travail, art. R4323-56")
    assert markup.startswith('<details class="balise-source"><summary>Source</summary>')
    assert "Code du travail, art. R4323-56" in markup and "Source / Source" not in markup
    assert source_note("") == ""


def test_an_instruction_shows_its_tap_and_folds_its_source():
    item = {"id": "i1", "fr": "Lisez la plaque de charge.", "en": "Read the load plate.",
            "picture": "data:image/svg+xml;base64,", "alt": {"fr": "a", "en": "b"},
            "source": "NF EN 15635",
            "terms": {"fr": [{"word": "plaque de charge", "means": "Une plaque."}]}}
    cards = Instructions([item])
    box = next(c for c in cards.children if "balise-instruction" in c._dom_classes)
    text = box.children[0].value
    assert [word for word, _ in taps(text)] == ["plaque de charge"]
    assert "<summary>Source</summary><small>NF EN 15635</small></details>" in text
    assert "Source :" not in text
    assert cards.all_spoken("fr") == ["Lisez la plaque de charge."]
    cards.close()


def test_feedback_folds_its_source():
    widget = Scenario(prompt={"fr": "Q ?", "en": "Q?"})
    widget.show_feedback({"right": False, "practice": {"fr": "Reculez.", "en": "Step back."},
                          "source": "Code du travail, art. R4323-52"})
    value = widget._feedback.value
    assert "<summary>Source</summary><small>Code du travail, art. R4323-52</small>" in value
    assert "Source / Source" not in value and "Source :" not in value
    widget.close()


def shown_html(widget: w.Widget) -> str:
    """Every HTML the widget shows (HTML widgets, sortable rows), its children's included."""
    out = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()):
        out.append(shown_html(child))
    return "\n".join(out)


def noted(text: dict, n: int) -> dict:
    """``text`` with a note on its first French word, named for its place."""
    first = re.match(r"[\wÀ-ÿ]+", text["fr"]).group(0)
    return {**text, "terms": {"fr": [{"word": first, "means": f"note {n}"}]}}


@pytest.mark.parametrize("scenario", GALLERY.scenarios, ids=lambda s: s.kind)
def test_every_text_the_build_may_note_shows_its_tap(scenario):
    """SHOWN_AS_TEXT names where a page shows a scenario's words as text: each gets its tap."""
    public, n = scenario.public(), 0
    for field in SHOWN_AS_TEXT[scenario.kind]:
        value = public.get(field)
        items = value if isinstance(value, list) else [value]
        if field == "nodes":              # a story shows its first step; the rest come later
            items = items[:1]
        for k, item in enumerate(items):
            n += 1
            item = noted(item, n)
            if isinstance(value, list):
                public[field] = [item if j == k else x for j, x in enumerate(public[field])]
            else:
                public[field] = item
    widget = make(public, assets=GALLERY.folder / "assets")
    shown = shown_html(widget)
    assert sorted(int(m) for m in re.findall(r"<br>note (\d+)<br>", shown)) == list(
        range(1, n + 1))
    widget.close()


@pytest.mark.parametrize("scenario", GALLERY.scenarios, ids=lambda s: s.kind)
def test_notes_change_nothing_a_listen_button_says(scenario):
    """Recordings are made from the module's own words: a noted page must say the same."""
    public = scenario.public()
    plain = make(public, assets=GALLERY.folder / "assets")
    fields = {f: ([noted(x, 1) for x in public[f]] if isinstance(public[f], list)
                  else noted(public[f], 1)) for f in SHOWN_AS_TEXT[scenario.kind] if f in public}
    tapped = make({**public, **fields}, assets=GALLERY.folder / "assets")
    for lang in ("fr", "en"):
        assert tapped.all_spoken(lang) == plain.all_spoken(lang)
    plain.close()
    tapped.close()


PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width"><title>Termes</title>
<style>{css} body {{ font: 16px sans-serif; margin: 12px; }}</style></head>
<body><main><h1>Circuler</h1>{body}</main></body></html>"""


@pytest.mark.browser
def test_a_tap_opens_the_explanation_on_a_phone_without_script(browser):
    """At 360 px, JavaScript off: a tap opens the box, Escape closes it, the keyboard too."""
    from a11y import assert_accessible

    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True,
                                  is_mobile=True, java_script_enabled=False)
    page = context.new_page()
    body = rich(CARISTE) + source_note("Code du travail, art. R4323-56")
    page.set_content(PAGE.format(css=BASE_CSS, body=body))
    note = page.locator(".balise-term-note").first
    assert not note.is_visible()
    page.get_by_role("button", name="cariste").tap()
    assert note.is_visible()
    assert "Personne qui conduit un chariot." in note.inner_text()
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.keyboard.press("Escape")
    assert not note.is_visible()
    page.get_by_role("button", name="cariste").focus()
    page.keyboard.press("Enter")
    assert note.is_visible()
    note.get_by_role("button", name="Fermer").click()
    assert not note.is_visible()
    context.close()
    # axe-core needs script: the same page, checked closed and open.
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_content(PAGE.format(css=BASE_CSS, body=body))
    assert_accessible(page, "a text with a term")
    page.get_by_role("button", name="cariste").click()
    assert_accessible(page, "a term's explanation, open")
    context.close()
