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

import html

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


def say(msgid: str, mode: str | None = None) -> str:
    """A widget word in the page's language: 'Vérifier / Check', 'Vérifier' or 'Check'."""
    langs = LANGS if (mode or LANGUAGE.mode) == "both" else (mode or LANGUAGE.mode,)
    return " / ".join(gettext(msgid, lang) for lang in langs)


def plain(text: dict[str, str], mode: str | None = None) -> str:
    """Course text in the page's language, as plain text (for labels and options)."""
    mode = mode or LANGUAGE.mode
    return f"{text['fr']} / {text['en']}" if mode == "both" else text[mode]


def rich(text: dict[str, str], tag: str = "p", mode: str | None = None) -> str:
    """Course text as HTML, escaped, each language tagged with its ``lang``."""
    mode = mode or LANGUAGE.mode
    parts = []
    for lang in (LANGS if mode == "both" else (mode,)):
        muted = ' class="balise-second"' if mode == "both" and lang == "en" else ""
        parts.append(f'<{tag} lang="{lang}"{muted}>{html.escape(text[lang])}</{tag}>')
    # Inline text needs a visible separator; block text sits on two lines.
    return ('<span aria-hidden="true"> / </span>' if tag == "span" else "").join(parts)


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
BASE_CSS = ".balise-second { color: #4d4d4d; }"


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
