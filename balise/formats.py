"""Numbers and dates as each language writes them, through Babel.

A French page says "5,5 kg", "38 %" and "3 décembre 2026"; an English one
"5.5 kg", "38%" and "3 December 2026". Every page, PDF and kernel message
formats through here, so no ISO date or decimal point reaches a French reader.

The rule on a bilingual page: **a value takes the form of the language of the
text it sits in.** Everything outside a ``lang="en"`` element is French; so

- in a sentence said in both languages, the French sentence carries the
  French form and the English one, after it, the English form: « valable
  jusqu'au 3 décembre 2026 / valid until 3 December 2026 »
  (:func:`date_words`, :func:`number_words`, :func:`month_words`). So do the
  dates a certificate is about (its verification page, its PDF): said in
  French words, then in English in the English span or grey line;
- a value said once for both languages, under a bilingual heading (a table
  cell, a chart's tick or bar, the date that starts a list line), is in the
  page's French and written the French way, short: "45,3", "510,20", "38 %",
  "03/12/2026", "03/12/2026 14:05", "12/2026" (:func:`decimal`,
  :func:`percent`, :func:`short_date`, :func:`date_time`, :func:`month_short`).
  Day-month-year is also the order an English reader in Europe writes.

ISO dates (2026-12-03) stay for machines only: ``<input type="date">`` values,
file names, JSON. A missing value is written :data:`MISSING` in every form.
The French spaces (before "%", between thousands) are the ones Babel gives.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

LANGS = ("fr", "en")
MISSING = "—"
# A rate, or the hours, of a month whose hours worked were not entered: neither zero nor
# infinity, and said so, on every page and in every file that shows one.
HOURS_MISSING = ("heures manquantes", "hours missing")


def _missing(value) -> bool:
    """None, NaN, NaT or pandas' NA: nothing to write."""
    try:
        return value is None or bool(value != value)
    except TypeError:                       # pd.NA refuses to be a bool
        return True


def _day(value) -> date:
    """A date from a date, a datetime (pandas' Timestamp too) or a month ``"YYYY-MM"``."""
    if isinstance(value, str):
        return date.fromisoformat(f"{value}-01" if len(value) == 7 else value)
    return value.date() if isinstance(value, datetime) else value


def number_words(value: float) -> dict[str, str]:
    """A number as each language writes it: "5,5" in French, "5.5" in English."""
    from babel.numbers import format_decimal

    return {lang: format_decimal(value, locale=lang) for lang in LANGS}


def decimal(value, lang: str = "fr", digits: int = 2, fixed: bool = False) -> str:
    """A number with at most ``digits`` decimals, thousands grouped: "45,3", "12 345";
    ``fixed`` writes all ``digits``, so a column of rates lines up: "510,20", "0,00"."""
    from babel.numbers import format_decimal

    if _missing(value):
        return MISSING
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits > 0 else "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _decimal(float(value), pattern, lang)
    return format_decimal(value, format=pattern, locale=lang)


@lru_cache(maxsize=8192)
def _decimal(value: float, pattern: str, lang: str) -> str:
    """The same figures come back on every view of a page (rates, shares, hours): each
    written once by babel, whose formatting costs about 60 microseconds a number."""
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=lang)


def percent(share, lang: str = "fr") -> str:
    """A share (0.38) as a whole percent: "38 %" in French, "38%" in English."""
    from babel.numbers import format_percent

    return MISSING if _missing(share) else format_percent(share, locale=lang)


def date_words(day: date) -> dict[str, str]:
    """A day as each language writes it in full: "3 décembre 2026", "3 December 2026".

    The first of a month is "1er juin 2026" in French, as France writes it (CLDR's
    pattern has no ordinal for it).
    """
    from babel.dates import format_date

    day = _day(day)
    patterns = {"fr": "d'er' MMMM y" if day.day == 1 else "d MMMM y", "en": "d MMMM y"}
    return {lang: format_date(day, patterns[lang], locale=lang) for lang in LANGS}


def short_date(day, lang: str = "fr") -> str:
    """A day in figures, as a table cell shows it: "03/12/2026" in French."""
    from babel.dates import format_date

    return MISSING if _missing(day) else format_date(_day(day), "short", locale=lang)


def date_time(moment: datetime, lang: str = "fr") -> str:
    """A moment to the minute, as it was recorded (no time zone moved): "03/12/2026 14:05"."""
    from babel.dates import format_datetime

    if _missing(moment):
        return MISSING
    if hasattr(moment, "to_pydatetime"):
        moment = moment.to_pydatetime()
    return format_datetime(moment, "short", locale=lang)


def month_short(month, lang: str = "fr") -> str:
    """A month (``"2026-12"`` or a day in it) in figures: "12/2026"."""
    if _missing(month):
        return MISSING
    day = _day(month)
    return _month_short(day.year, day.month, lang)


@lru_cache(maxsize=1024)
def _month_short(year: int, month: int, lang: str) -> str:
    """Babel's skeleton, worked out once per month and language: a dashboard writes the
    same twelve months some seventy times a view, at half a millisecond each."""
    from babel.dates import format_skeleton

    return format_skeleton("yMM", date(year, month, 1), locale=lang)


def month_words(month) -> dict[str, str]:
    """A month (``"2026-12"`` or a day in it) in words: "décembre 2026", "December 2026"."""
    from babel.dates import format_date

    return {lang: format_date(_day(month), "MMMM y", locale=lang) for lang in LANGS}


def since_words(day, today: date) -> dict[str, str]:
    """How long ago ``day`` was, as each language says it, rounded as Babel rounds:
    "il y a 3 jours", "3 days ago"; "il y a 7 mois"; "aujourd'hui", "today"."""
    from babel.dates import format_timedelta

    from balise.words import word

    days = (today - _day(day)).days
    if days <= 0:
        return word("today")
    return {lang: format_timedelta(-timedelta(days=days), granularity="day", add_direction=True,
                                   locale=lang) for lang in LANGS}
