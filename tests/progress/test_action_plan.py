"""The action plan's figures, checked by hand on a small table."""

from datetime import date, datetime

import pandas as pd

from balise.progress.actions import action_counts, overdue

TODAY = date(2026, 12, 7)
COLUMNS = ["id", "site_id", "state", "due_on", "done_on", "created_at"]


def plan(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


ACTIONS = plan(
    (1, "lyon", "open", date(2026, 12, 6), None, datetime(2026, 11, 3, 9)),      # late by a day
    (2, "lyon", "open", date(2026, 12, 7), None, datetime(2026, 11, 20, 9)),     # due today
    (3, "lyon", "done", date(2026, 11, 30), date(2026, 11, 28), datetime(2026, 11, 5, 9)),
    (4, "lyon", "done", date(2026, 11, 10), date(2026, 11, 25), datetime(2026, 10, 30, 9)),
    (5, "lille", "open", date(2026, 10, 1), None, datetime(2026, 9, 1, 9)),      # late, older
    (6, "lille", "done", date(2026, 10, 1), date(2026, 12, 1), datetime(2026, 9, 2, 9)),
)


def test_overdue_is_open_and_due_before_today_most_late_first():
    late = overdue(ACTIONS, TODAY)
    assert list(late.id) == [5, 1]          # due today is not late; done is never late


def test_overdue_of_an_empty_plan_is_empty():
    assert overdue(plan(), TODAY).empty


def test_counts_per_site_and_month_opened_closed_and_on_time():
    counts = action_counts(ACTIONS, ["2026-11", "2026-12"]).set_index(["site_id", "month"])
    assert counts.loc[("lyon", "2026-11")].to_dict() == {
        "opened": 3, "closed": 2, "closed_on_time": 1}     # 3 on time, 4 done after its day
    assert counts.loc[("lyon", "2026-12")].to_dict() == {
        "opened": 0, "closed": 0, "closed_on_time": 0}
    assert counts.loc[("lille", "2026-12")].to_dict() == {
        "opened": 0, "closed": 1, "closed_on_time": 0}


def test_a_site_without_actions_counts_zero_when_named():
    counts = action_counts(plan(), ["2026-11"], sites=["marseille"])
    assert counts.to_dict("records") == [{"site_id": "marseille", "month": "2026-11",
                                          "opened": 0, "closed": 0, "closed_on_time": 0}]
