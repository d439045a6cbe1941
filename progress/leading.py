"""Leading indicators: what is done to prevent accidents, beside the rates that count them.

The frequency and severity rates (:mod:`balise.progress.indicators`) lag: they move
months after the habits that change them. Hazard and near-miss reports, safety visits
and actions closed on time move first. Each count comes from its own one function
(:func:`hazard_counts` here, :func:`balise.progress.indicators.safety_visits`,
:func:`balise.progress.actions.action_counts`); this module only sets them side by side.
Pure functions of frames; months are ``"YYYY-MM"``.
"""

from __future__ import annotations

import pandas as pd

from balise.progress.actions import action_counts
from balise.progress.indicators import month_of, safety_visits, site_month_grid

KEYS = ["site_id", "month"]
COUNTS = ["reports", "reports_closed", "visits", "actions_opened", "actions_closed",
          "actions_on_time"]


def hazard_counts(reports: pd.DataFrame, months: list[str],
                  sites: list[str] | None = None) -> pd.DataFrame:
    """Per site and month: hazard and near-miss reports made (their ``created_at``), and
    how many of those are closed now. 0 where none; pass ``sites`` to list every site."""
    made = reports.assign(month=month_of(reports["created_at"]),
                          closed=reports["state"] == "closed")
    made = made[made.month.isin(months)].groupby(KEYS).agg(
        reports=("id", "size"), reports_closed=("closed", "sum"))
    found = list(sites if sites is not None else reports["site_id"].dropna().unique())
    out = site_month_grid(found, months).merge(made, left_on=KEYS, right_index=True,
                                               how="left")
    out[["reports", "reports_closed"]] = out[["reports", "reports_closed"]].fillna(0).astype(int)
    return out


def leading_indicators(reports: pd.DataFrame, visits: pd.DataFrame, actions: pd.DataFrame,
                       months: list[str], sites: list[str]) -> pd.DataFrame:
    """Per site and month: ``reports``, ``reports_closed``, ``visits``, ``actions_opened``,
    ``actions_closed`` and ``actions_on_time`` (closed on or before the due day)."""
    seen = safety_visits(visits, months, sites)[[*KEYS, "visits"]]
    acted = action_counts(actions, months, sites).rename(columns={
        "opened": "actions_opened", "closed": "actions_closed",
        "closed_on_time": "actions_on_time"})
    out = (hazard_counts(reports, months, sites).merge(seen, on=KEYS, how="left")
           .merge(acted, on=KEYS, how="left"))
    out[COUNTS] = out[COUNTS].fillna(0).astype(int)
    return out[[*KEYS, *COUNTS]]


def totals(leading: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`leading_indicators` added up by ``site_id`` or ``month``, with the share of
    actions closed on time (NaN when none was closed: no share, rather than 0 %)."""
    out = leading.groupby(by, as_index=False)[COUNTS].sum()
    out["on_time_share"] = out.actions_on_time / out.actions_closed.where(out.actions_closed > 0)
    return out
