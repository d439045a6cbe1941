"""The widgets' words and the page's language.

Words come from Balise's one pair of gettext catalogues (:mod:`balise.words`,
``balise/locale/<lang>/LC_MESSAGES/balise.po``), shared with the pages and the
certificates: the message id is the English text, the French catalogue
translates it. A course's own text comes bilingual from its module.yaml as
``{'fr': ..., 'en': ...}``.

The page has one language setting, :data:`LANGUAGE`: French and English
together (French first, the default: many learners read one better than the
other), French only, or English only. Widgets watch it and relabel
themselves; their answers are traits they keep, so switching loses nothing.
"""

from __future__ import annotations

import hashlib
import html
import re

import ipywidgets as w
from traitlets import Enum, HasTraits

from balise.widgets.shown import ShownHTML
from balise.words import LANGS, gettext, word

MODES = ("both", "fr", "en")


class Language(HasTraits):
    mode = Enum(MODES, default_value="both", help="'both' (French first), 'fr' or 'en'.")

    def langs(self) -> tuple[str, ...]:
        return LANGS if self.mode == "both" else (self.mode,)


# One per kernel, that is one per page.
LANGUAGE = Language()


def _shown_langs(text: dict[str, str], mode: str | None) -> tuple[str, ...]:
    """The languages to show: one when French and English write it the same ("Source")."""
    langs = LANGS if (mode or LANGUAGE.mode) == "both" else (mode or LANGUAGE.mode,)
    return langs[:1] if len(langs) > 1 and text["fr"] == text["en"] else langs


def say(msgid: str, mode: str | None = None) -> str:
    """A widget word in the page's language: 'Vérifier / Check', 'Vérifier' or 'Check'.

    Said once when both languages write it the same: 'Question', never 'Question / Question'.
    """
    words = {lang: gettext(msgid, lang) for lang in LANGS}
    return " / ".join(words[lang] for lang in _shown_langs(words, mode))


def plain(text: dict[str, str], mode: str | None = None) -> str:
    """Course text in the page's language, as plain text (for labels and options)."""
    return " / ".join(text[lang] for lang in _shown_langs(text, mode))


def rich(text: dict, tag: str = "p", mode: str | None = None) -> str:
    """Course text as HTML, escaped, each language tagged with its ``lang``.

    A word the text carries a note for (``text["terms"][lang]``, written by the
    build, see :mod:`balise.catalogue.glossary`) becomes a tap that shows what
    it means: :func:`with_terms`.
    """
    mode = mode or LANGUAGE.mode
    notes = text.get("terms") or {}
    parts = []
    for lang in _shown_langs(text, mode):
        muted = ' class="balise-second"' if lang == "en" and mode == "both" else ""
        words = with_terms(html.escape(text[lang]), notes.get(lang) or [], lang)
        parts.append(f'<{tag} lang="{lang}"{muted}>{words}</{tag}>')
    # Inline text needs a visible separator; block text sits on two lines.
    return ('<span aria-hidden="true"> / </span>' if tag == "span" else "").join(parts)


_TAG = re.compile(r"<[^>]*>")


def _found(markup: str, word: str) -> re.Match | None:
    """The first place of ``word`` (as a whole word) in the text of ``markup``, not in a tag."""
    forms = dict.fromkeys((html.escape(word), html.escape(word, quote=False)))
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, forms))})(?![\w-])")
    start = 0
    for tag in [*_TAG.finditer(markup), None]:
        end = tag.start() if tag else len(markup)
        match = pattern.search(markup, start, end)
        if match:
            return match
        start = tag.end() if tag else end
    return None


def term_tap(word_html: str, means: str, lang: str, ident: str) -> str:
    """A word she can tap (or reach with Tab and open with Enter) to read what it means.

    HTML only, no script: the button opens its popover (the browser's own
    ``popovertarget``); tapping outside, Escape or "Fermer" closes it. A browser
    without popovers shows the explanation after the word.
    """
    close = html.escape(gettext("Close", lang))
    return (f'<button type="button" class="balise-term" popovertarget="{ident}">{word_html}'
            f'</button><span id="{ident}" popover="auto" class="balise-term-note">'
            f'<strong>{word_html}</strong><br>{html.escape(means)}<br>'
            f'<button type="button" class="balise-term-close" popovertarget="{ident}" '
            f'popovertargetaction="hide">{close}</button></span>')


def with_terms(markup: str, notes: list[dict[str, str]], lang: str,
               place: str = "balise-term-") -> str:
    """``markup`` (HTML) with each noted word, at its first place, a :func:`term_tap`.

    ``notes`` are ``[{"word": as written, "means": the definition}]``; a word not
    found is left as it is. The taps' ids come from the text, so a page
    relabelled in another language keeps them, and two texts never share one; a
    second place showing the same text on the page (the score under the quiz) gives
    its own ``place`` so no id is used twice.
    """
    places, after = [], []
    for note in notes:
        match = _found(markup, note["word"])
        if match and all(match.end() <= a or match.start() >= b for a, b, _ in places):
            places.append((match.start(), match.end(), note))
        elif not match:
            after.append(note)

    def ident(note) -> str:
        return place + hashlib.sha256(
            f"{lang}\n{note['word']}\n{markup}".encode()).hexdigest()[:12]

    out, at = [], 0
    for start, end, note in sorted(places, key=lambda p: p[0]):
        out += [markup[at:start], term_tap(markup[start:end], note["means"], lang, ident(note))]
        at = end
    out.append(markup[at:])
    if after:       # first met on a button or in a list below: said here, as words to know
        taps = ", ".join(term_tap(html.escape(n["word"]), n["means"], lang, ident(n))
                         for n in after)
        said = html.escape(gettext("Word to know", lang)) + (" :" if lang == "fr" else ":")
        out.append(f' <span class="balise-words-to-know">({said} {taps})</span>')
    return "".join(out)


def source_note(source: str) -> str:
    """A fact's source as a small "Source" that unfolds, not a reference after every sentence."""
    if not source:
        return ""
    return (f'<details class="balise-source"><summary>{html.escape(say("Source"))}</summary>'
            f'<small>{html.escape(source)}</small></details>')


def word_rich(msgid: str, tag: str = "span", mode: str | None = None) -> str:
    """A widget word as HTML with its languages tagged."""
    return rich(word(msgid), tag, mode)


# Page rules per language: text tagged with the other language is hidden, in
# notebook text (markdown) and widgets alike; the <html> element's own lang is not.
HIDE = {
    "both": '.jp-RenderedHTMLCommon :is(h1, h2, h3) [lang="en"]::before { content: "/ "; }',
    "fr": '.jp-RenderedHTMLCommon [lang="en"], .widget-html [lang="en"] { display: none; }',
    "en": '.jp-RenderedHTMLCommon [lang="fr"], .widget-html [lang="fr"] { display: none; }',
}
BASE_CSS = """.balise-second { color: #4d4d4d; }
.balise-term { font: inherit; color: inherit; background: none; border: 0; margin: 0;
  padding: 0 1px; cursor: help; text-decoration: underline dotted 2px;
  text-underline-offset: 3px; }
.balise-term:focus-visible, .balise-term-close:focus-visible, .balise-source summary:focus-visible {
  outline: 3px solid #1a1a1a; outline-offset: 2px; box-shadow: 0 0 0 5px #f9a825; }
.balise-term-note { max-width: min(22em, 86vw); padding: 12px 16px; border: 2px solid #0b4f6c;
  border-radius: 8px; background: #fff; color: #1a1a1a; font-size: 18px; font-weight: normal;
  line-height: 1.4; text-align: left; }
.balise-term-note::backdrop { background: rgb(0 0 0 / 0.3); }
.balise-term-close { min-height: 44px; min-width: 88px; margin-top: 8px; font: inherit;
  color: #fff; background: #0b4f6c; border: 0; border-radius: 6px; }
@supports not selector(:popover-open) { .balise-term-close { display: none; } }
.balise-source { margin: 2px 0 12px; }
.balise-source summary { min-height: 24px; padding: 2px 0; cursor: pointer; font-size: 14px; }
.balise-source small { display: block; }"""


class LanguageSwitch(w.HBox):
    """FR+EN / FR / EN: changes every widget's words at once; no answer is lost.

    Also hides, in the page's text, what is tagged ``lang="en"`` (or ``"fr"``)
    when the other language alone is chosen.
    """

    def __init__(self, **kwargs):
        self.buttons = w.ToggleButtons(
            options=[("FR + EN", "both"), ("FR", "fr"), ("EN", "en")],
            value=LANGUAGE.mode, description="Langue / Language",
            style={"description_width": "initial", "button_width": "80px"},
            tooltips=["Français et anglais / French and English", "Français", "English"])
        self._rules = ShownHTML(layout=w.Layout(display="none"))
        super().__init__([self.buttons, self._rules], **kwargs)
        self.add_class("balise-language")
        self.buttons.observe(lambda change: setattr(LANGUAGE, "mode", change["new"]),
                             names="value")
        LANGUAGE.observe(self._follow, names="mode")
        self._follow({"new": LANGUAGE.mode})

    @property
    def value(self) -> str:
        return self.buttons.value

    @value.setter
    def value(self, mode: str) -> None:
        self.buttons.value = mode

    def _follow(self, change) -> None:
        self.buttons.value = change["new"]
        self._rules.value = f"<style>{BASE_CSS} {HIDE[change['new']]}</style>"
