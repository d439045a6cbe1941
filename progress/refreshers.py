"""Refreshers: what each person should take again, and when, as pure functions of frames.

Four reasons send a module back to a learner:
- ``expired``: her pass has lapsed (a certificate holds 12 months, or the module's setting);
- ``visit``: a behavioural safety visit found a problem linked to the module, in her team;
- ``accident``: an accident linked to the module happened in her team;
- ``spaced``: questions she got wrong come back 2, 7 and 30 days after her attempt
  (spaced repetition), until she answers them right.
No LMS closes this loop: the programme's own findings choose what is taught next.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd

COLUMNS = ["learner", "module", "reason", "due_on", "questions"]
SPACING_DAYS = (2, 7, 30)
# A team's members get a visit's or an accident's refresher this many days after it.
LOOP_DELAY_DAYS = 7


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def expired(status: pd.DataFrame) -> pd.DataFrame:
    """One refresher per expired pass, due the day it expired."""
    lapsed = status[status.status == "expired"]
    return _frame([(r.learner, r.module, "expired", r.expires_on, "[]")
                   for r in lapsed.itertuples()])


def from_events(people: pd.DataFrame, events: pd.DataFrame, reason: str,
                since: date | None = None) -> pd.DataFrame:
    """Visits or accidents linked to a module → that module for every member of the team.

    ``events`` has team_id, on, module_id; events without a team or a module, or
    before ``since``, send nothing. Only learners placed when it happened count.
    """
    rows = []
    linked = events[events.module_id.notna() & events.team_id.notna()]
    if since is not None:
        linked = linked[pd.to_datetime(linked.on).dt.date >= since]
    learners = people[people.role == "learner"]
    for event in linked.itertuples():
        on = pd.Timestamp(event.on).date()
        team = learners[learners.team_id == event.team_id]
        for person in team.itertuples():
            start = getattr(person, "placement_start", None)
            if start is not None and not pd.isna(start) and pd.Timestamp(start).date() > on:
                continue
            rows.append((person.id, event.module_id, reason,
                         on + timedelta(days=LOOP_DELAY_DAYS), "[]"))
    return _frame(rows).drop_duplicates(["learner", "module", "reason", "due_on"])


def spaced(grades: pd.DataFrame) -> pd.DataFrame:
    """Each learner's wrong questions of her latest graded submission, due 2, 7 and 30 days on.

    ``grades`` is nbgrader's (learner, module, question, score, max_score, timestamp).
    """
    wrong = grades[grades.score < grades.max_score]
    rows = []
    for (learner, module, when), group in wrong.groupby(["learner", "module", "timestamp"]):
        day = pd.Timestamp(when).date()
        questions = json.dumps(sorted(group.question))
        rows += [(learner, module, "spaced", day + timedelta(days=n), questions)
                 for n in SPACING_DAYS]
    return _frame(rows)


def due(refreshers: pd.DataFrame, scores: pd.DataFrame, today: date) -> pd.DataFrame:
    """Refreshers due by ``today`` and not yet done.

    A module refresher is done once the module is passed on or after the day
    it became due; a spaced one once the module's latest score is dated on or
    after its due day with none of its questions still wrong (``scores`` has
    learner, module, date, passed; ``wrong`` optional: set of question ids).
    """
    if refreshers.empty:
        return refreshers.assign(done=pd.Series(dtype=bool))
    out = refreshers[pd.to_datetime(refreshers.due_on).dt.date <= today].copy()
    latest = {(r.learner, r.module): r for r in scores.itertuples()} if not scores.empty else {}

    def done(row) -> bool:
        if getattr(row, "done_on", None) is not None and not pd.isna(row.done_on):
            return True                                  # answered right on its page
        score = latest.get((row.learner, row.module))
        if score is None or pd.isna(score.date):
            return False
        after = pd.Timestamp(score.date).date() >= pd.Timestamp(row.due_on).date()
        if row.reason == "spaced":
            still_wrong = getattr(score, "wrong", None) or set()
            return after and not (set(json.loads(row.questions)) & set(still_wrong))
        return after and bool(score.passed)

    out["done"] = [done(r) for r in out.itertuples()]
    return out[~out.done].reset_index(drop=True)
