"""Numbers and dates as each language writes them, through Babel.

A French page says "5,5 kg" and "3 décembre 2026"; an English one "5.5 kg" and
"3 December 2026". Every page, PDF and kernel message formats through here, so
no ISO date or decimal point reaches a French reader.
"""

from __future__ import annotations

from datetime import date

LANGS = ("fr", "en")


def number_words(value: float) -> dict[str, str]:
    """A number as each language writes it: "5,5" in French, "5.5" in English."""
    from babel.numbers import format_decimal

    return {lang: format_decimal(value, locale=lang) for lang in LANGS}


def date_words(day: date) -> dict[str, str]:
    """A day as each language writes it in full: "3 décembre 2026", "3 December 2026"."""
    from babel.dates import format_date

    return {lang: format_date(day, "d MMMM y", locale=lang) for lang in LANGS}
