"""The dashboard's charts, drawn with matplotlib as inline SVG text (no files, no pyplot).

Each chart is an ``<svg role="img">`` whose ``<title>`` says what it shows, so
a screen reader announces it; the page prints the same figures as a table
beside it. Series differ by marker, line style or hatch as well as by colour
(Okabe-Ito, safe for colour-blind readers): colour is never the only signal.
Text stays text in the SVG (``svg.fonttype: none``): it scales and can be found.
Drawing takes a fifth of a second a chart, so a chart is remembered by its
input (:func:`remembered`): the dashboard seen again with the same figures is
not drawn again, and a changed figure draws a new chart.
A chart's figures are said once for both languages, so they are written the
French way (:mod:`balise.formats`): months "09/2026", ticks "2,5", bars "38 %".
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
import threading
from collections import OrderedDict
from typing import Callable

import pandas as pd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from balise.formats import decimal, month_short, percent

COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINES = ["-", "--", "-.", ":"]
HATCHES = ["", "//", "xx", "..", "\\\\", "++"]
NO_DATA = "Pas de données / No data"
SHARE_COLOURS = ["#009E73", "#E69F00", "#D55E00", "#56B4E9"]
SHARE_PARTS = {
    "certified_later": "Certifiés / Certified",
    "expiring_60": "Expire sous 60 jours / Expiring within 60 days",
    "overdue": "En retard / Overdue",
    "in_training": "En formation / In training",
}


_DRAWING = threading.Lock()
STYLE = {"font.size": 12, "axes.titlesize": 14, "svg.fonttype": "none"}
# The charts last drawn, newest last: the dashboard's three groupings show about six
# different charts, so 32 keep them all with room for a change of day.
REMEMBERED = 32
_drawn: OrderedDict[str, str] = OrderedDict()
_drawn_lock = threading.Lock()


def _fingerprint(value, digest) -> None:
    """Feed ``value`` to ``digest``: a frame by its columns, types, index and cells."""
    if isinstance(value, pd.DataFrame):
        digest.update(repr((list(value.columns), [str(t) for t in value.dtypes],
                            value.shape)).encode())
        try:
            digest.update(pd.util.hash_pandas_object(value, index=True).values.tobytes())
        except TypeError:                  # a cell pandas cannot hash (a list): its text
            digest.update(value.to_csv().encode())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}{len(value)}[".encode())
        for item in value:
            _fingerprint(item, digest)
        digest.update(b"]")
    elif isinstance(value, dict):
        _fingerprint(sorted(value.items(), key=repr), digest)
    else:
        digest.update(f"{type(value).__name__}:{value!r};".encode())


def remembered(chart: Callable[..., str]) -> Callable[..., str]:
    """``chart`` drawn once per input: the same frames, words and ids give the same SVG
    back without drawing; any changed cell, word or id draws anew. The last
    :data:`REMEMBERED` charts are kept, the least recently shown leaving first.
    """
    @functools.wraps(chart)
    def draw(*args, **kwargs) -> str:
        digest = hashlib.sha256(chart.__qualname__.encode())
        _fingerprint([list(args), kwargs], digest)
        key = digest.hexdigest()
        with _drawn_lock:
            if key in _drawn:
                _drawn.move_to_end(key)
                return _drawn[key]
        svg = chart(*args, **kwargs)
        with _drawn_lock:
            _drawn[key] = svg
            while len(_drawn) > REMEMBERED:
                _drawn.popitem(last=False)
        return svg
    return draw


def _chart(draw: Callable[[Axes], None], title: str, chart_id: str) -> str:
    """A figure drawn by ``draw(ax)`` under the dashboard's style, as inline SVG.

    One chart at a time: the style goes through matplotlib's global rcParams,
    and the server draws charts in threads.
    """
    with _DRAWING, rc_context(STYLE):
        fig = Figure(figsize=(9, 5), layout="constrained")
        ax = fig.add_subplot()
        draw(ax)
        ax.set_title(title)
        return _svg(fig, title, chart_id)


def _svg(fig: Figure, title: str, chart_id: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML, titled for assistive technology.

    The XML prologue and the metadata go (invalid or useless inside HTML);
    width and height go so the page's CSS sizes it, the viewBox keeping its
    shape. matplotlib numbers its ids from 1 in every figure (``axes_1``,
    ``patch_1``): each is prefixed with ``chart_id``, references included, so
    ids stay unique on a page with several charts.
    """
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    # matplotlib's stylesheet says ``*{...}``: inline, it would reach the whole page.
    text = text.replace("<style type=\"text/css\">*{", f'<style type="text/css">#{chart_id} *{{', 1)
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    text = re.sub(r'(\sid=")([^"]+)"', lambda m: f'{m[1]}{chart_id}-{m[2]}"', text)
    text = re.sub(r'#([A-Za-z_][\w.-]*)(?=[")])',
                  lambda m: f"#{chart_id}-{m[1]}" if m[1] in ids else m[0], text)
    head_end = text.index(">") + 1
    head = re.sub(r'\s(width|height)="[^"]*"', "", text[:head_end])
    head = head[:-1] + (f' id="{chart_id}" role="img" aria-labelledby="{chart_id}-title" '
                        f'class="balise-chart">')
    return (f'{head}\n<title id="{chart_id}-title">{html.escape(title)}</title>'
            f'{text[head_end:]}')


def _french_ticks(axis) -> None:
    """Tick numbers with a decimal comma: "2,5", not "2.5"."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: decimal(value)))


def _no_data(ax) -> None:
    ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", transform=ax.transAxes, fontsize=14)
    ax.set_xticks([])
    ax.set_yticks([])


@remembered
def rate_lines(rates: pd.DataFrame, months: list[str], value: str, title: str, ylabel: str,
               chart_id: str, names: dict[str, str] | None = None) -> str:
    """One line per site across ``months``: ``rates`` has site_id, month and ``value``.

    A month without hours worked has no rate and leaves a gap in its line.
    """
    names = names or {}
    sites = sorted(set(rates.site_id), key=lambda site: names.get(site, site))

    def draw(ax: Axes) -> None:
        drawn = False
        for i, site in enumerate(sites):
            series = (rates[rates.site_id == site].set_index("month")[value]
                      .reindex(months).astype(float))
            drawn = drawn or bool(series.notna().any())
            ax.plot(range(len(months)), series.values, label=names.get(site, site),
                    color=COLOURS[i % len(COLOURS)], marker=MARKERS[i % len(MARKERS)],
                    linestyle=LINES[i % len(LINES)], linewidth=2, markersize=8)
        if not drawn:
            return _no_data(ax)
        ax.set_xticks(range(len(months)), [month_short(m) for m in months], rotation=45,
                      ha="right")
        _french_ticks(ax.yaxis)
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.figure.legend(loc="outside lower center", ncols=2, frameon=False)

    return _chart(draw, title, chart_id)


@remembered
def quarter_hour_bars(rate: pd.DataFrame, title: str, chart_id: str) -> str:
    """The quarter-hour achievement rate by month, as bars labelled with their percent.

    ``rate`` has month, expected, held, rate (from
    :func:`balise.progress.indicators.quarter_hour_rate` with ``by_site=False``).
    """
    def draw(ax: Axes) -> None:
        if rate.empty or rate.expected.sum() == 0:
            return _no_data(ax)
        shown = (100 * rate.rate.astype(float)).fillna(0)
        bars = ax.bar(range(len(rate)), shown, color=COLOURS[0], edgecolor="#000000")
        ax.bar_label(bars, labels=[percent(p / 100) for p in shown], fontsize=10)
        ax.set_xticks(range(len(rate)), [month_short(m) for m in rate.month], rotation=45,
                      ha="right")
        _french_ticks(ax.yaxis)
        ax.set_ylim(0, 112)
        ax.set_ylabel("Équipes / Teams (%)")
        ax.grid(axis="y", alpha=0.3)

    return _chart(draw, title, chart_id)


@remembered
def certification_bars(shares: pd.DataFrame, by: str, title: str, chart_id: str,
                       names: dict[str, str] | None = None) -> str:
    """Stacked bars, one per group: certified, expiring within 60 days, overdue, in training.

    ``shares`` comes from :func:`balise.progress.indicators.certification_shares`;
    the parts add up to the group's learners and are drawn as percents of it,
    each with its own hatch.
    """
    shares = shares[shares.learners > 0]
    names = names or {}

    def draw(ax: Axes) -> None:
        if shares.empty:
            return _no_data(ax)
        parts = shares.assign(certified_later=shares.certified - shares.expiring_60)
        labels = [names.get(g, g) for g in shares[by].astype(str)]
        left = pd.Series(0.0, index=parts.index)
        for (column, legend), colour, hatch in zip(SHARE_PARTS.items(), SHARE_COLOURS,
                                                   HATCHES):
            share = 100 * parts[column] / parts.learners
            ax.barh(labels, share, left=left, label=legend, color=colour, hatch=hatch,
                    edgecolor="#000000")
            left = left + share
        ax.set_xlim(0, 100)
        _french_ticks(ax.xaxis)
        ax.set_xlabel("% des personnes / % of learners")
        ax.invert_yaxis()
        ax.figure.legend(loc="outside lower center", ncols=2, frameon=False)

    return _chart(draw, title, chart_id)
