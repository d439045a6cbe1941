"""Every word Balise shows, French first: one pair of gettext catalogues.

The words of the pages, the certificates, the trainer tools and the widgets
live in ``balise/locale/<lang>/LC_MESSAGES/balise.po``, read with Babel. The
message id is the English text; ``fr`` translates it, ``en`` keeps it. This
module is the one reader: it imports nothing of Balise, so every part (web,
widgets, grading, progress) may use it without reaching up.

A word with values to fill names them in braces, in the id and in each
translation alike: ``word("Note too long: {most} characters at most.", most=500)``.
``tests/widgets/test_i18n.py`` fails on any id used in the code and missing
from a catalogue, so an id is written as a literal where it is used: said with
:func:`word` (or the widgets' ``say``), or marked with :func:`N_` in a table.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LANGS = ("fr", "en")
LOCALE = Path(__file__).parent / "locale"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for one language; an id without a translation is left out."""
    from babel.messages.pofile import read_po

    with open(LOCALE / lang / "LC_MESSAGES" / "balise.po", "rb") as f:
        po = read_po(f, locale=lang)
    return {m.id: m.string for m in po if m.id and isinstance(m.id, str) and m.string}


def gettext(msgid: str, lang: str) -> str:
    """One language's words for ``msgid``; the id itself (English) when it has none."""
    return catalogue(lang).get(msgid, msgid)


def word(msgid: str, **values) -> dict[str, str]:
    """``{'fr': ..., 'en': ...}`` for ``msgid``, with its ``{names}`` filled from ``values``;
    a value given per language (``{'fr': ..., 'en': ...}``, a date in words) fills each
    language with its own."""
    found = {lang: gettext(msgid, lang) for lang in LANGS}
    if not values:
        return found
    return {lang: text.format(**{name: value[lang] if isinstance(value, dict) else value
                                 for name, value in values.items()})
            for lang, text in found.items()}


def N_(msgid: str) -> str:
    """Marks an id kept in a table to be said later (gettext's convention); returns it as is."""
    return msgid
