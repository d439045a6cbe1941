"""Who is due for erasure: people whose placement ended more than ``months`` months ago.

The end is the day a trainer or coordinator ended the placement (``ended_on``), else its
planned end (``placement_end``) once past. A pure function of the people frame and a
day, for the coordinator's page and ``balise person retention`` alike.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from dateutil.relativedelta import relativedelta


def due_for_erasure(people: pd.DataFrame, today: date, months: int) -> pd.DataFrame:
    """id, name, site_id, ended: those whose end is on or before ``today - months``, the
    longest gone first; nobody when ``months`` is 0."""
    columns = ["id", "name", "site_id", "ended"]
    if months <= 0 or people.empty:
        return pd.DataFrame(columns=columns)
    ended = pd.to_datetime(people.get("ended_on")).fillna(
        pd.to_datetime(people.get("placement_end")))
    limit = pd.Timestamp(today - relativedelta(months=months))
    gone = people.assign(ended=ended)[ended.notna() & (ended <= limit)]
    gone = gone[~gone.id.str.startswith("effacé-")]
    return gone.sort_values(["ended", "name"])[columns].reset_index(drop=True)
