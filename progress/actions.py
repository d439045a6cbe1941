"""The action plan's figures, as pure functions of the ``actions`` table read whole.

An action is *overdue* when it is still open and its due day has passed (due
today is not late yet). Per site and month, the plan's leading indicators:
actions opened (their ``created_at``), closed (their ``done_on``) and closed on
time (done on or before the due day). Months are ``"YYYY-MM"`` strings, as in
:mod:`balise.progress.indicators`. Nothing here reads a database or the clock.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from balise.progress.indicators import month_of, site_month_grid


def overdue(actions: pd.DataFrame, today: date) -> pd.DataFrame:
    """The open actions whose due day is before ``today``, the most late first."""
    due = pd.to_datetime(actions["due_on"])
    late = actions[(actions["state"] == "open") & (due < pd.Timestamp(today))]
    return late.sort_values(["due_on", "id"], kind="stable").reset_index(drop=True)


def action_counts(actions: pd.DataFrame, months: list[str],
                  sites: list[str] | None = None) -> pd.DataFrame:
    """Per site and month: ``opened``, ``closed`` and ``closed_on_time`` (0 when none).

    An action counts as opened in the month it was created and as closed in the month
    it was marked done; on time when done on or before its due day. Pass ``sites`` to
    list sites without any action too.
    """
    opened = actions.assign(month=month_of(actions["created_at"]))
    opened = opened[opened.month.isin(months)].groupby(["site_id", "month"]).size()
    done = actions[actions["state"] == "done"]
    done = done.assign(month=month_of(done["done_on"]),
                       on_time=pd.to_datetime(done["done_on"]) <= pd.to_datetime(done["due_on"]))
    done = done[done.month.isin(months)].groupby(["site_id", "month"]).agg(
        closed=("id", "size"), closed_on_time=("on_time", "sum"))
    found = list(sites if sites is not None else actions["site_id"].dropna().unique())
    out = (site_month_grid(found, months)
           .merge(opened.rename("opened"), left_on=["site_id", "month"], right_index=True,
                  how="left")
           .merge(done, left_on=["site_id", "month"], right_index=True, how="left"))
    counts = ["opened", "closed", "closed_on_time"]
    out[counts] = out[counts].fillna(0).astype(int)
    return out
