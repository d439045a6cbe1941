"""Where each person stands on each module and route: pure functions of frames.

A pass lasts the module's validity (12 months unless module.yaml says
otherwise); in its last 30 days it is *expiring*, after that *expired* and a
refresher is due. A route is certified when every module holds (passed or
expiring) and every field validation is done.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta

from balise.progress.routes import Route

STATUSES = ("not_started", "in_progress", "passed", "expiring", "expired")
EXPIRING_DAYS = 30


def module_status(learners: list[str], modules: dict[str, int], scores: pd.DataFrame,
                  attempts: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per learner and module: status, percent, passed_on, expires_on.

    ``modules`` maps module id to validity in months; ``scores`` has learner,
    module, percent, date, passed (the counted score); ``attempts`` has
    learner_id, module_id (any attempt, graded or not).
    """
    tried = set(zip(attempts.get("learner_id", []), attempts.get("module_id", [])))
    counted = {(r.learner, r.module): r for r in scores.itertuples()} if not scores.empty else {}
    rows = []
    for learner in learners:
        for module, months in modules.items():
            score = counted.get((learner, module))
            status, passed_on, expires_on, percent = "not_started", None, None, None
            if score is not None:
                percent = float(score.percent)
            if score is not None and bool(score.passed):
                passed_on = pd.Timestamp(score.date).date()
                expires_on = passed_on + relativedelta(months=months)
                if expires_on <= today:
                    status = "expired"
                elif (expires_on - today).days <= EXPIRING_DAYS:
                    status = "expiring"
                else:
                    status = "passed"
            elif score is not None or (learner, module) in tried:
                status = "in_progress"
            rows.append((learner, module, status, percent, passed_on, expires_on))
    return pd.DataFrame(rows, columns=["learner", "module", "status", "percent", "passed_on",
                                       "expires_on"])


def certification(status: pd.DataFrame, validations: pd.DataFrame, routes: list[Route],
                  people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner and route: certified, modules and validations missing, and until
    when the certification holds (the earliest expiry of its modules).

    ``validations`` has learner, skill (field validations signed off by a
    trainer). With ``people`` (id, activity), each learner is measured
    against the route of her job family only; without, against every route.
    """
    holds = status[status.status.isin(["passed", "expiring"])]
    done = set(zip(validations.get("learner", []), validations.get("skill", [])))
    activity = {} if people is None else dict(zip(people.id, people.get("activity", [])))
    rows = []
    for learner in status.learner.unique():
        mine = holds[holds.learner == learner]
        have = dict(zip(mine.module, mine.expires_on))
        for route in routes:
            if people is not None and activity.get(learner) not in route.jobs:
                continue
            missing = [m for m in route.modules if m not in have]
            missing_skills = [s for s in route.skills if (learner, s) not in done]
            certified = not missing and not missing_skills
            until = min((have[m] for m in route.modules), default=None) if certified else None
            rows.append((learner, route.id, certified, missing, missing_skills, until))
    return pd.DataFrame(rows, columns=["learner", "route", "certified", "missing_modules",
                                       "missing_validations", "valid_until"])
