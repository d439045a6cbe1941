"""Scenario widgets: each emits an ``answer`` trait and knows nothing of grading.

The eight kinds: :class:`Choice`, :class:`MultiChoice`, :class:`Ordering`,
:class:`HazardHunt`, :class:`Matching`, :class:`Story`, :class:`LiftCalculator`
and :class:`PPEPicker`; :class:`Quiz` shows the graded questions and
:class:`LanguageSwitch` the page's language.
"""

from balise.widgets.choice import Choice, MultiChoice
from balise.widgets.i18n import LANGUAGE, LanguageSwitch
from balise.widgets.matching import Matching
from balise.widgets.ordering import Ordering
from balise.widgets.ppe import PPEPicker
from balise.widgets.quiz import Quiz
from balise.widgets.story import Story

__all__ = ["Choice", "MultiChoice", "Ordering", "Matching", "Story", "PPEPicker", "Quiz",
           "LANGUAGE", "LanguageSwitch", "HazardHunt", "LiftCalculator"]


def __getattr__(name):
    """The kinds with front-ends of their own (anywidget) or with maths, loaded when used."""
    if name == "HazardHunt":
        from balise.widgets.hazard import HazardHunt

        return HazardHunt
    if name == "LiftCalculator":
        from balise.widgets.lift import LiftCalculator

        return LiftCalculator
    raise AttributeError(name)
