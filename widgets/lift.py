"""Lift calculator: set a lift's hand positions with sliders and watch its limit move.

The task (load, pace, duration, grip) is fixed by the module; the learner moves
four sliders (H, V, D, A) and sees the recommended weight limit and lifting
index of the revised NIOSH equation change at once, computed in the kernel
with no server call. Whether a setting is good enough is for ``check`` to say.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
from traitlets import Dict, Int

from balise.widgets import niosh
from balise.widgets.base import Scenario, labelled
from balise.widgets.i18n import LANGS, LANGUAGE, say
from balise.widgets.measure import Measure
from balise.widgets.shown import ShownHTML

# Widget words are gettext message ids (the English text); French comes from the catalogue.
SLIDER_WORDS = {
    "H": "Hand distance from ankles (H, cm)",
    "V": "Hand height at start (V, cm)",
    "D": "Vertical travel (D, cm)",
    "A": "Twist angle (A, °)",
}
DURATION_WORDS = {"short": "1 hour or less", "moderate": "1 to 2 hours",
                  "long": "2 to 8 hours"}
COUPLING_WORDS = {"good": "good", "fair": "fair", "poor": "poor"}


def figure(value: float, lang_mode: str, places: int = 1) -> str:
    """A number as the page's language writes it: 12.3, or 12,3 on a French-only page."""
    if math.isinf(value):
        return "∞"
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang_mode == "fr" else text


def amount(value: float, lang_mode: str) -> str:
    """A task's figure as written by its author, without trailing zeros: 12, 12.5, 0.2."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang_mode == "fr" else text


def statement(msgid: str, value: str, mode: str | None = None) -> str:
    """'Charge / Load: 12 kg'; French alone takes a space before the colon."""
    mode = mode or LANGUAGE.mode
    return f"{say(msgid, mode)}{' :' if mode == 'fr' else ':'} {value}"


class LiftCalculator(Scenario):
    """Move the hands' position until the lift's limit is respected, then Check.

    Parameters
    ----------
    prompt : dict
        ``{'fr': ..., 'en': ...}``.
    task : dict
        ``{'weight_kg', 'frequency_per_min', 'duration', 'coupling'}``, as
        :func:`balise.widgets.niosh.assess` takes it; shown, never changed.
    measures : dict
        One slider each for ``'H'``, ``'V'``, ``'D'`` (cm) and ``'A'`` (degrees):
        ``{'min': int, 'max': int, 'value': int}``.
    check : callable, optional
        ``check(answer) -> {'right', 'practice', 'source'}``; see :class:`Scenario`.
    answer : dict, optional
        Measures saved earlier, shown as set when they fit the sliders.
    """

    answer = Dict(value_trait=Int(), help="The four measures {'H', 'V', 'D', 'A'}, whole cm "
                                          "and degrees, as the sliders stand.")

    def __init__(self, prompt, task, measures, check=None, answer=None, **kwargs):
        # A broken task fails here in plain words, before the page's language is watched.
        try:
            start = {name: measures[name]["value"] for name in niosh.MEASURES}
        except (KeyError, TypeError):
            raise ValueError("measures needs H, V, D and A, each {'min', 'max', 'value'}.") \
                from None
        niosh.assess(task, start)
        super().__init__(prompt=prompt, check=check, **kwargs)
        self._open = True
        self._task = dict(task)
        self._sliders: dict[str, Measure] = {}
        for name in niosh.MEASURES:
            spec = measures[name]
            saved = (answer or {}).get(name)
            fits = isinstance(saved, int) and not isinstance(saved, bool) and (
                spec["min"] <= saved <= spec["max"])
            slider = Measure(min=spec["min"], max=spec["max"],
                             value=saved if fits else spec["value"])
            slider.add_class(f"balise-measure-{name}")
            slider.observe(self._on_move, names="value")
            self._sliders[name] = slider
        self.answer = self._values()
        self._about = ShownHTML()
        self._about.add_class("balise-lift-task")
        self._readout = ShownHTML()
        self._readout.add_class("balise-lift-readout")
        self._check_button = w.Button(button_style="primary",
                                      layout=w.Layout(min_height="44px", width="auto"))
        self._check_button.add_class("balise-check")
        self._check_button.on_click(lambda _: self.check_answer())
        self._frame(self._about, w.VBox(list(self._sliders.values())), self._readout,
                    self._check_button)
        self._relabel()

    def close(self) -> None:
        """Close once: ipywidgets closes again when the widget is collected, and also
        collects a calculator whose task was refused before it was built."""
        if getattr(self, "_open", False):
            self._open = False
            super().close()

    def _values(self) -> dict[str, int]:
        return {name: slider.value for name, slider in self._sliders.items()}

    def _on_move(self, _change) -> None:
        self.answer = self._values()
        self._show_figures()

    def _task_lines(self, mode: str) -> list[str]:
        t = self._task
        return [
            statement("Load", f"{amount(t['weight_kg'], mode)} kg", mode),
            statement("Lifts per minute", amount(t["frequency_per_min"], mode), mode),
            statement("Duration", say(DURATION_WORDS[t["duration"]], mode), mode),
            statement("Grip", say(COUPLING_WORDS[t["coupling"]], mode), mode),
        ]

    def spoken_items(self) -> list[dict[str, str]]:
        lines = {lang: self._task_lines(lang) for lang in LANGS}
        return [{lang: lines[lang][n] for lang in LANGS} for n in range(len(lines["fr"]))]

    def _show_figures(self) -> None:
        result = niosh.assess(self._task, self.answer)
        mode = LANGUAGE.mode
        limit = statement("Recommended weight limit", f"{figure(result['rwl'], mode)} kg")
        index = statement("Lifting index", figure(result["li"], mode))
        # A polite live region: a screen reader hears the new figures as a slider moves.
        self._readout.value = (
            f'<div role="status" aria-live="polite"><p><strong>{html.escape(limit)}</strong></p>'
            f'<p><strong>{html.escape(index)}</strong></p></div>')

    def _relabel(self) -> None:
        for name, slider in self._sliders.items():
            slider.description = say(SLIDER_WORDS[name])
        items = "".join(f"<li>{html.escape(line)}</li>"
                        for line in self._task_lines(LANGUAGE.mode))
        self._about.value = f'<ul class="balise-lift-facts">{items}</ul>'
        self._show_figures()
        labelled(self._check_button, "Check")


__all__ = ["LiftCalculator"]
