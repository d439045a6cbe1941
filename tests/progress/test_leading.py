"""Leading indicators on hand-made rows: each count is its one function's, side by side."""

from datetime import date, datetime

import pandas as pd

from balise.progress.leading import hazard_counts, leading_indicators, totals

MONTHS = ["2026-10", "2026-11"]
SITES = ["lille", "lyon"]
REPORTS = pd.DataFrame(
    [(1, "lyon", "closed", datetime(2026, 10, 3, 9)), (2, "lyon", "new", datetime(2026, 10, 9)),
     (3, "lyon", "in_hand", datetime(2026, 11, 2)), (4, "lyon", "new", datetime(2026, 9, 30))],
    columns=["id", "site_id", "state", "created_at"])
VISITS = pd.DataFrame([(1, "lyon", date(2026, 11, 5), None), (2, "lille", date(2026, 11, 6),
                                                             "postures")],
                      columns=["id", "site_id", "on", "module_id"])
ACTIONS = pd.DataFrame(
    [(1, "lyon", "done", datetime(2026, 10, 1), date(2026, 10, 20), date(2026, 10, 15)),
     (2, "lyon", "done", datetime(2026, 10, 1), date(2026, 10, 10), date(2026, 11, 2)),
     (3, "lille", "open", datetime(2026, 11, 1), date(2026, 12, 1), None)],
    columns=["id", "site_id", "state", "created_at", "due_on", "done_on"])


def test_reports_are_counted_in_the_month_they_were_made():
    out = hazard_counts(REPORTS, MONTHS, SITES).set_index(["site_id", "month"])
    assert out.loc[("lyon", "2026-10")].tolist() == [2, 1]      # the September one is out
    assert out.loc[("lyon", "2026-11")].tolist() == [1, 0]
    assert out.loc[("lille", "2026-10")].tolist() == [0, 0]     # every site listed


def test_leading_indicators_side_by_side_and_the_share_on_time():
    out = leading_indicators(REPORTS, VISITS, ACTIONS, MONTHS, SITES)
    lyon = out.set_index(["site_id", "month"]).loc[("lyon", "2026-11")]
    assert lyon[["reports", "visits", "actions_opened", "actions_closed",
                 "actions_on_time"]].tolist() == [1, 1, 0, 1, 0]
    by_site = totals(out, "site_id").set_index("site_id")
    assert by_site.loc["lyon", "actions_closed"] == 2 and by_site.loc["lyon",
                                                                      "on_time_share"] == 0.5
    assert pd.isna(by_site.loc["lille", "on_time_share"])      # none closed: no share
