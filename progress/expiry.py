"""Who expires, by name: the people behind the dashboard's "expiring" and "overdue" counts.

A coordinator who reads "3 expiring within 30 days" must be able to call those
three. The lists come from the same frames as the counts:
:func:`balise.progress.indicators.learner_certification` for certificates (so the
30-day list of a site has exactly as many names as the dashboard's count) and
:func:`balise.progress.status.module_status` for each module's pass.

Four lists, each a row per person and thing:
- ``expired``: her certification lapsed, or a module's pass expired;
- ``within_30``: it expires within 30 days (a module then shows as *expiring*);
- ``within_60``: it expires in 31 to 60 days (the dashboard's 60 counts both lists);
- ``overdue``: not certified when she should be (see ``learner_certification``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from balise.progress.indicators import OVERDUE_DAYS

LISTS = ("expired", "within_30", "within_60", "overdue")
COLUMNS = ["list", "learner", "name", "site_id", "kind", "item", "on"]


def _window(until, today: date) -> str | None:
    days = (pd.Timestamp(until).date() - today).days
    if days < 0:
        return "expired"
    if days <= 30:
        return "within_30"
    if days <= 60:
        return "within_60"
    return None


def who_expires(learners: pd.DataFrame, status: pd.DataFrame, today: date,
                overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """The four lists, as one frame: list, learner, name, site_id, kind, item, on.

    ``learners`` is :func:`~balise.progress.indicators.learner_certification`'s frame
    (current learners only: someone whose placement ended is in no list); ``status``
    is :func:`~balise.progress.status.module_status`'s. ``kind`` is ``certificate``
    (``item`` None) or ``module`` (``item`` its id); ``on`` the day it expires or
    expired, or for an overdue learner the day she should have been certified by.
    Sorted by list, then by day, most urgent first.
    """
    rows = []
    for p in learners.itertuples():
        who = (p.id, getattr(p, "name", p.id), getattr(p, "site_id", None))
        if p.certified and not pd.isna(p.until):
            window = _window(p.until, today)
            if window in ("within_30", "within_60"):
                rows.append((window, *who, "certificate", None, pd.Timestamp(p.until).date()))
        if p.overdue:
            if p.lapsed:
                rows.append(("expired", *who, "certificate", None, pd.Timestamp(p.until).date()))
            else:
                start = pd.Timestamp(p.placement_start).date()
                rows.append(("overdue", *who, "certificate", None,
                             start + timedelta(days=overdue_days)))
    who_of = {p.id: (p.id, getattr(p, "name", p.id), getattr(p, "site_id", None))
              for p in learners.itertuples()}
    held = status[status.learner.isin(who_of) & status.expires_on.notna()]
    for m in held.itertuples():
        # A module's list follows its status, as the coordinator's count of "expired"
        # passes does (balise.progress.indicators.site_certification).
        window = {"expired": "expired", "expiring": "within_30"}.get(m.status)
        if window is None and _window(m.expires_on, today) == "within_60":
            window = "within_60"
        if window is not None:
            rows.append((window, *who_of[m.learner], "module", m.module,
                         pd.Timestamp(m.expires_on).date()))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["list"] = pd.Categorical(out["list"], categories=LISTS, ordered=True)
    out = out.sort_values(["list", "on", "name"]).reset_index(drop=True)
    out["item"] = out["item"].astype(object).where(out["item"].notna(), None)
    return out
