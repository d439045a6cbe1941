"""A learner's route in one look: where she stands, and the one thing to do next.

Her landing page shows her route's modules in route order, each with its state,
a count ("3 modules sur 6 ; 1 validation sur 2"), and one button to the next
thing to do. What comes next is decided here, from the module statuses
(:func:`balise.progress.status.module_status`) and her field validations, so the
page and anything else that says "next" agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from balise.progress.routes import Route

HOLDS = ("passed", "expiring")
# What to do first when several are open: a lapsed pass, then one begun, then a new one.
URGENCY = {"expired": 0, "in_progress": 1, "not_started": 2}


@dataclass(frozen=True)
class RouteProgress:
    route: Route
    modules: list[dict] = field(default_factory=list)      # {module, status, passed_on, ...}
    validations: list[dict] = field(default_factory=list)  # {id, fr, en, done}
    next_module: str | None = None

    @property
    def modules_done(self) -> int:
        return sum(m["status"] in HOLDS for m in self.modules)

    @property
    def validations_done(self) -> int:
        return sum(v["done"] for v in self.validations)

    @property
    def complete(self) -> bool:
        return (self.modules_done == len(self.modules)
                and self.validations_done == len(self.validations))

    @property
    def started(self) -> bool:
        """She has begun: a module tried (passed or not) or a field validation signed off."""
        return (any(m["status"] != "not_started" for m in self.modules)
                or self.validations_done > 0)

    @property
    def next_validation(self) -> dict | None:
        """Once every module holds, the field validation to ask her trainer for: the first
        of the route not done. None while a module is open, or when all are done."""
        if self.next_module is not None:
            return None
        return next((v for v in self.validations if not v["done"]), None)


def route_progress(route: Route, status: pd.DataFrame, validations: pd.DataFrame,
                   learner: str) -> RouteProgress:
    """Her route: each module's state in route order, each validation done or not, what next.

    ``status`` is :func:`module_status`'s frame (any learners), ``validations`` has
    learner and skill. The next module is the first of the route, in route order,
    among the most urgent open ones: expired, then in progress, then not started.
    """
    mine = status[status.learner == learner] if not status.empty else status
    done = set(validations.loc[validations.learner == learner, "skill"]) \
        if not validations.empty else set()
    return progress_of(route, rows_by_module(mine), done)


STATUS_COLUMNS = ["learner", "module", "status", "percent", "passed_on", "expires_on"]


def rows_by_module(status: pd.DataFrame) -> dict[str, dict]:
    """One learner's status rows as plain dicts by module."""
    if status.empty:
        return {}
    return {row["module"]: row for row in status[STATUS_COLUMNS].to_dict("records")}


def progress_of(route: Route, mine: dict[str, dict], done: set[str]) -> RouteProgress:
    """:func:`route_progress` from her rows by module (:func:`rows_by_module`) and the skills
    signed off for her: a group's are split once, not filtered per learner."""
    modules = []
    for module_id in route.modules:
        row = mine.get(module_id)
        modules.append({
            "module": module_id,
            "status": "not_started" if row is None else row["status"],
            "percent": None if row is None or pd.isna(row["percent"])
            else float(row["percent"]),
            "passed_on": None if row is None else row["passed_on"],
            "expires_on": None if row is None else row["expires_on"]})
    checks = [{**v, "done": v["id"] in done} for v in route.validations]
    open_ = [(URGENCY[m["status"]], n, m["module"]) for n, m in enumerate(modules)
             if m["status"] in URGENCY]
    return RouteProgress(route, modules, checks, min(open_)[2] if open_ else None)
