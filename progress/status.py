"""Where each person stands on each module and route: pure functions of frames.

A pass lasts the module's validity (12 months unless module.yaml says
otherwise); in its last 30 days it is *expiring*, after that *expired* and a
refresher is due. A route is certified when every module holds (passed or
expiring) and every field validation is done.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from balise.progress.routes import Route

STATUSES = ("not_started", "in_progress", "passed", "expiring", "expired")
EXPIRING_DAYS = 30


def module_status(learners: list[str], modules: dict[str, int], scores: pd.DataFrame,
                  attempts: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per learner and module: status, percent, passed_on, expires_on.

    ``modules`` maps module id to validity in months; ``scores`` has learner,
    module, percent, date, passed (the counted score); ``attempts`` has
    learner_id, module_id (any attempt, graded or not).

    Whole columns at once: a loop over learners and modules took 40 s for the
    dashboard at 100,000 learners (``benchmarks/report.py``).
    """
    columns = ["learner", "module", "status", "percent", "passed_on", "expires_on"]
    names = list(modules)
    if not learners or not names:
        return pd.DataFrame(columns=columns)
    grid = pd.DataFrame({"learner": np.repeat(np.asarray(learners, dtype=object), len(names)),
                         "module": np.tile(np.asarray(names, dtype=object), len(learners))})
    if not scores.empty:
        counted = (scores[["learner", "module", "percent", "date", "passed"]]
                   .drop_duplicates(["learner", "module"], keep="last"))
        grid = grid.merge(counted, on=["learner", "module"], how="left", indicator="scored")
        scored = (grid.pop("scored") == "both").to_numpy()
    else:
        grid = grid.assign(percent=np.nan, date=None, passed=False)
        scored = np.zeros(len(grid), dtype=bool)
    passed = scored & grid.passed.fillna(False).astype(bool).to_numpy()
    passed_on = pd.to_datetime(grid.date.where(passed)).dt.normalize()
    if passed_on.dt.tz is not None:
        passed_on = passed_on.dt.tz_localize(None)
    expires = pd.Series(pd.NaT, index=grid.index, dtype="datetime64[ns]")
    validity = grid.module.map(modules)
    for months in validity[passed].unique():
        rows = passed & (validity == months).to_numpy()
        expires[rows] = passed_on[rows] + pd.DateOffset(months=int(months))
    now = pd.Timestamp(today)
    tried = np.zeros(len(grid), dtype=bool)
    if "learner_id" in attempts and "module_id" in attempts and not attempts.empty:
        pairs = pd.MultiIndex.from_arrays([attempts.learner_id, attempts.module_id])
        tried = pd.MultiIndex.from_arrays([grid.learner, grid.module]).isin(pairs)
    left = (expires - now).dt.days.to_numpy()
    status = np.select(
        [passed & (expires <= now).to_numpy(), passed & (left <= EXPIRING_DAYS), passed,
         scored | tried],
        ["expired", "expiring", "passed", "in_progress"], "not_started")
    dates = {}
    for name, values in (("passed_on", passed_on), ("expires_on", expires)):
        out = np.full(len(grid), None, dtype=object)
        out[passed] = values[passed].dt.date.to_numpy()
        dates[name] = out
    percent = grid.percent.astype(float).where(scored)
    return pd.DataFrame({"learner": grid.learner, "module": grid.module, "status": status,
                         "percent": percent, **dates})[columns]


def certification(status: pd.DataFrame, validations: pd.DataFrame, routes: list[Route],
                  people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner and route: certified, modules and validations missing, and until
    when the certification holds (the earliest expiry of its modules).

    ``validations`` has learner, skill (field validations signed off by a
    trainer). With ``people`` (id, activity), each learner is measured
    against the route of her job family only; without, against every route.
    Rows come learner by learner (in ``status``'s order), each learner's routes in order.
    """
    columns = ["learner", "route", "certified", "missing_modules", "missing_validations",
               "valid_until"]
    learners = pd.Index(status.learner.unique())
    holds = status[status.status.isin(["passed", "expiring"])]
    expiry = (pd.to_datetime(holds.expires_on)
              .groupby([holds.learner.to_numpy(), holds.module.to_numpy()]).min()
              .unstack() if not holds.empty else pd.DataFrame())
    done = set(zip(validations.get("learner", []), validations.get("skill", [])))
    activity = (None if people is None else
                dict(zip(people.id, people.get("activity", [None] * len(people)))))
    parts = []
    for number, route in enumerate(routes):
        mine = learners
        if activity is not None:
            jobs = pd.Series(learners).map(activity).isin(list(route.jobs))
            mine = learners[np.asarray(jobs, dtype=bool)]
        if mine.empty:
            continue
        have = expiry.reindex(index=mine, columns=list(route.modules))
        held = have.notna().to_numpy()
        modules = list(route.modules)
        missing = [[m for m, h in zip(modules, row) if not h] for row in held]
        skills = [[s for s in route.skills if (who, s) not in done] for who in mine]
        certified = np.array([not m and not k for m, k in zip(missing, skills)], dtype=bool)
        until = np.full(len(mine), None, dtype=object)
        if modules and certified.any():
            until[certified] = have.min(axis=1)[certified].dt.date.to_numpy()
        parts.append(pd.DataFrame({
            "learner": mine, "route": route.id, "certified": certified,
            "missing_modules": missing, "missing_validations": skills, "valid_until": until,
            "_order": learners.get_indexer(mine) * (len(routes) + 1) + number}))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True).sort_values("_order", kind="stable")
    return out[columns].reset_index(drop=True)
