"""A trainer's group in one look: each learner's route and what she must do next.

One entry per learner shown, those who have not begun first (they need the
trainer most), then those on their way, then those whose route is complete.
What comes next for each is her route progress
(:func:`balise.progress.journey.route_progress`), the one her own landing page
shows, never worked out a second way here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from balise.progress.journey import STATUS_COLUMNS, RouteProgress, progress_of
from balise.progress.routes import Route, route_for
from balise.progress.tables import attempts_count

STAGES = ("not_started", "in_progress", "complete")


@dataclass(frozen=True)
class Member:
    learner: str
    name: str
    team: str | None
    journey: RouteProgress | None            # None: her job family has no route
    last_attempt: date | None = None         # the day she last handed a module in
    to_check: list[str] = field(default_factory=list)   # modules with an attempt flagged

    @property
    def stage(self) -> str:
        """``not_started``, ``in_progress`` or ``complete`` (one of :data:`STAGES`)."""
        if self.journey is None:
            return "in_progress" if self.last_attempt is not None else "not_started"
        if self.journey.complete:
            return "complete"
        return "in_progress" if self.journey.started else "not_started"


def sort_key(name: str) -> str:
    """A name as a list sorts it: accents and case aside ("Élodie" beside "Eric")."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def group(learners: pd.DataFrame, routes: list[Route], status: pd.DataFrame,
          validations: pd.DataFrame, attempts: pd.DataFrame) -> list[Member]:
    """The learners shown, as :class:`Member`, not started first, then by name.

    ``learners`` has id, name, team_id, activity; ``status`` is
    :func:`balise.progress.status.module_status`'s frame, ``validations`` has
    learner and skill, ``attempts`` learner_id, module_id, submitted_at, flags.
    """
    mine = attempts[attempts.learner_id.isin(set(learners.id))] if not attempts.empty \
        else attempts
    last = ({} if mine.empty else
            pd.to_datetime(mine.groupby("learner_id").submitted_at.max()).dt.date.to_dict())
    counted = attempts_count(mine)
    flagged = counted[counted.flagged > 0].groupby("learner").module.agg(sorted).to_dict() \
        if not counted.empty else {}
    # Each learner's rows split once: filtering the group's frames per learner took
    # 0.35 s for a site of 94 at 1,300 people (benchmarks/report.py).
    rows_of: dict[str, dict[str, dict]] = {}
    if not status.empty:
        for row in status[STATUS_COLUMNS].to_dict("records"):
            rows_of.setdefault(row["learner"], {})[row["module"]] = row
    signed: dict[str, set[str]] = {}
    if not validations.empty:
        for learner, skill in zip(validations.learner, validations.skill):
            signed.setdefault(learner, set()).add(skill)
    members = []
    for row in learners.itertuples():
        route = route_for(routes, row.activity)
        journey = progress_of(route, rows_of.get(row.id, {}), signed.get(row.id, set())) \
            if route else None
        members.append(Member(row.id, row.name, None if pd.isna(row.team_id) else row.team_id,
                              journey, last.get(row.id), flagged.get(row.id, [])))
    return sorted(members, key=lambda m: (STAGES.index(m.stage), sort_key(m.name), m.learner))
