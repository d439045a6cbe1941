"""Scenario widgets: each emits an ``answer`` trait and knows nothing of grading."""

from balise.widgets.choice import Choice
from balise.widgets.ordering import Ordering
from balise.widgets.quiz import Quiz

__all__ = ["Choice", "Ordering", "Quiz"]
