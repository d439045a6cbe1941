"""The words of the pages: the Jinja globals ``w`` and ``wd`` over the one catalogue.

Every template says its words through these, with the English text as the id
(``{{ w("My modules") }}``), so each word of a page is in
``balise/locale/{fr,en}/LC_MESSAGES/balise.po``; ``tests/widgets/test_i18n.py``
fails on an id the catalogues lack and on a bilingual literal left in a template.

- ``w(msgid, **values)``: Markup in the pages' usual form, French then
  ``<span class="en" lang="en">/ English</span>``, said once when both are the same.
- ``wd(msgid, **values)``: the ``{'fr': ..., 'en': ...}`` dict, for a template that
  needs each language apart; as text (a title, an attribute) it reads ``fr / en``.

Both follow the reader's choice of language (``reading`` in the template's
context: ``both``, ``fr`` or ``en``, kept for the person in ``people.reading``
and set on every page by :meth:`balise.web.pages.Page.show`): with ``fr`` or
``en`` only that language is said, on Balise's pages as on the module pages.

A value is filled in each language: a ``{'fr', 'en'}`` dict (or a ``(fr, en)`` pair)
gives each language its own; anything else is the same in both. ``w`` also says a
pair that is not in the catalogue, already in both languages (a module's title):
``w(module.title)``. Words and values are escaped; a Markup value is kept as is.
"""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import pass_context
from markupsafe import Markup, escape

from balise.words import LANGS, word

READINGS = ("both", "fr", "en")


def reading_of(context) -> str:
    """The reader's choice in a template's context: ``both`` unless she chose one language."""
    reading = context.get("reading") if context is not None else None
    return reading if reading in READINGS else "both"


class Said(dict):
    """One word in both languages; as text ``fr / en`` (once when both are the same),
    or the one language of ``reading`` when the reader chose one."""

    reading = "both"

    def __str__(self) -> str:
        if self.reading in LANGS:
            return self[self.reading]
        fr, en = self["fr"], self["en"]
        return fr if fr == en else f"{fr} / {en}"


def _in(value, lang: str):
    if isinstance(value, Mapping) and set(LANGS) <= set(value):
        return value[lang]
    if isinstance(value, (tuple, list)) and len(value) == len(LANGS):
        return value[LANGS.index(lang)]
    if not isinstance(value, str) and all(hasattr(value, code) for code in LANGS):
        return getattr(value, lang)
    return value


def _pair(msgid) -> dict:
    """The two texts of ``msgid``: a catalogue id, or a pair already in both languages."""
    if isinstance(msgid, str):
        return word(msgid)
    return {lang: _in(msgid, lang) for lang in LANGS}


def said(msgid, reading: str = "both", **values) -> Said:
    """``{'fr': ..., 'en': ...}`` for ``msgid``, its ``{names}`` filled in each language."""
    out = Said({lang: str(text).format(**{k: _in(v, lang) for k, v in values.items()})
                if values else str(text) for lang, text in _pair(msgid).items()})
    out.reading = reading
    return out


def markup(msgid, reading: str = "both", **values) -> Markup:
    """French, then ``<span class="en" lang="en">/ English</span>``, escaped; once if the same;
    only the chosen language when ``reading`` is ``fr`` or ``en``."""
    texts = {lang: Markup(escape(text)).format(**{k: _in(v, lang) for k, v in values.items()})
             if values else escape(text) for lang, text in _pair(msgid).items()}
    if reading == "fr" or texts["fr"] == texts["en"]:
        return Markup(texts["fr"])
    if reading == "en":
        return Markup('<span lang="en">{en}</span>').format(**texts)
    return Markup('{fr} <span class="en" lang="en">/ {en}</span>').format(**texts)


@pass_context
def wd(context, msgid, **values) -> Said:
    """:func:`said` in the reader's choice of language (from the template's context)."""
    return said(msgid, reading_of(context), **values)


@pass_context
def w(context, msgid, **values) -> Markup:
    """:func:`markup` in the reader's choice of language (from the template's context)."""
    return markup(msgid, reading_of(context), **values)


def termed(text: Mapping, lang: str) -> Markup:
    """One language of a course text, escaped, each word it carries a note for a tap that
    shows what it means (:func:`balise.widgets.i18n.with_terms`; the page includes
    ``term_css``)."""
    from balise.widgets.i18n import with_terms

    notes = (text.get("terms") or {}).get(lang) or []
    return Markup(with_terms(str(escape(text[lang])), notes, lang))


def _term_css() -> Markup:
    from balise.widgets.i18n import BASE_CSS

    return Markup(BASE_CSS)


GLOBALS = {"w": w, "wd": wd, "termed": termed, "term_css": _term_css}
