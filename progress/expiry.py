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

from datetime import date

import pandas as pd

from balise.progress.indicators import OVERDUE_DAYS

LISTS = ("expired", "within_30", "within_60", "overdue")
COLUMNS = ["list", "learner", "name", "site_id", "kind", "item", "on"]


def _windows(days: pd.Series) -> pd.Series:
    """The list a day falls in, from the days left until it (None past 60)."""
    out = pd.Series(None, index=days.index, dtype=object)
    out[days <= 60] = "within_60"
    out[days <= 30] = "within_30"
    out[days < 0] = "expired"
    return out


def _days(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.normalize()


def _rows(frame: pd.DataFrame, lists, kind: str, items, on: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"list": lists, "learner": frame.learner, "name": frame.name,
                         "site_id": frame.site_id, "kind": kind, "item": items,
                         "on": [d.date() for d in on]}, columns=COLUMNS)


def who_expires(learners: pd.DataFrame, status: pd.DataFrame, today: date,
                overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """The four lists, as one frame: list, learner, name, site_id, kind, item, on.

    ``learners`` is :func:`~balise.progress.indicators.learner_certification`'s frame
    (current learners only: someone whose placement ended is in no list); ``status``
    is :func:`~balise.progress.status.module_status`'s. ``kind`` is ``certificate``
    (``item`` None) or ``module`` (``item`` its id); ``on`` the day it expires or
    expired, or for an overdue learner the day she should have been certified by.
    Sorted by list, then by day, most urgent first. Worked out by whole columns: a loop
    over the rows took 0.3 s for the group of 1,300 (``benchmarks/report.py``).
    """
    now = pd.Timestamp(today)
    who = pd.DataFrame({
        "learner": learners.id,
        "name": learners.name if "name" in learners else learners.id,
        "site_id": learners.site_id if "site_id" in learners else None})

    def flag(column: str) -> pd.Series:
        return learners[column].astype(object).fillna(False).astype(bool)

    until = _days(learners.until) if "until" in learners else pd.Series(pd.NaT,
                                                                         index=learners.index)
    window = _windows((until - now).dt.days)
    held = flag("certified") & until.notna() & window.isin(["within_30", "within_60"])
    lapsed = flag("overdue") & flag("lapsed")
    late = flag("overdue") & ~flag("lapsed")
    start = _days(learners.placement_start[late]) if late.any() else until[late]
    parts = [_rows(who[held], window[held], "certificate", None, until[held]),
             _rows(who[lapsed], "expired", "certificate", None, until[lapsed]),
             _rows(who[late], "overdue", "certificate", None,
                   start + pd.Timedelta(days=overdue_days))]
    mine = status[status.learner.isin(set(who.learner)) & status.expires_on.notna()]
    if not mine.empty:
        expires = _days(mine.expires_on)
        lists = mine.status.map({"expired": "expired", "expiring": "within_30"})
        # A module's list follows its status, as the coordinator's count of "expired"
        # passes does (balise.progress.indicators.site_certification).
        later = lists.isna() & (_windows((expires - now).dt.days) == "within_60")
        lists = lists.where(~later, "within_60")
        keep = lists.notna()
        them = who.drop_duplicates("learner").set_index("learner").loc[mine.learner[keep]]
        parts.append(_rows(them.reset_index().set_index(mine.index[keep]), lists[keep],
                           "module", mine.module[keep], expires[keep]))
    parts = [part for part in parts if not part.empty]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    out["list"] = pd.Categorical(out["list"], categories=LISTS, ordered=True)
    out = out.sort_values(["list", "on", "name"]).reset_index(drop=True)
    out["item"] = out["item"].astype(object).where(out["item"].notna(), None)
    return out
