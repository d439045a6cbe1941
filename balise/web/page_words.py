"""The words of the pages: the Jinja globals ``w`` and ``wd`` over the one catalogue.

Every template says its words through these, with the English text as the id
(``{{ w("My modules") }}``), so each word of a page is in
``balise/locale/{fr,en}/LC_MESSAGES/balise.po``; ``tests/widgets/test_i18n.py``
fails on an id the catalogues lack and on a bilingual literal left in a template.

- ``w(msgid, **values)``: Markup in the pages' usual form, French then
  ``<span class="en" lang="en">/ English</span>``, said once when both are the same.
- ``wd(msgid, **values)``: the ``{'fr': ..., 'en': ...}`` dict, for a template that
  needs each language apart; as text (a title, an attribute) it reads ``fr / en``.

A value is filled in each language: a ``{'fr', 'en'}`` dict (or a ``(fr, en)`` pair)
gives each language its own; anything else is the same in both. ``w`` also says a
pair that is not in the catalogue, already in both languages (a module's title):
``w(module.title)``. Words and values are escaped; a Markup value is kept as is.
"""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup, escape

from balise.words import LANGS, word


class Said(dict):
    """One word in both languages; as text ``fr / en`` (once when both are the same)."""

    def __str__(self) -> str:
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


def wd(msgid, **values) -> Said:
    """``{'fr': ..., 'en': ...}`` for ``msgid``, its ``{names}`` filled in each language."""
    return Said({lang: str(text).format(**{k: _in(v, lang) for k, v in values.items()})
                 if values else str(text) for lang, text in _pair(msgid).items()})


def w(msgid, **values) -> Markup:
    """French, then ``<span class="en" lang="en">/ English</span>``, escaped; once if the same."""
    said = {lang: Markup(escape(text)).format(**{k: _in(v, lang) for k, v in values.items()})
            if values else escape(text) for lang, text in _pair(msgid).items()}
    if said["fr"] == said["en"]:
        return Markup(said["fr"])
    return Markup('{fr} <span class="en" lang="en">/ {en}</span>').format(**said)


GLOBALS = {"w": w, "wd": wd}
