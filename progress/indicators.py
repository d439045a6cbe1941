"""The coordinator's indicators, as pure functions of frames.

Inputs are the programme's tables read whole (:meth:`balise.store.models.Store.frame`)
and the certification frame of :func:`balise.progress.status.certification`;
nothing here reads a database or the clock, so every figure can be checked by
hand in a test. Months are ``"YYYY-MM"`` strings: they sort, print and join
the same way in tables, charts and tests.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from balise.progress.tables import current

GROUPINGS = {"site": "site_id", "activity": "activity", "cohort": "cohort"}
RATE_KEYS = ("site_id", "activity", "month")
UNKNOWN = "—"
OVERDUE_DAYS = 90


def last_months(today: date, count: int = 12) -> list[str]:
    """The ``count`` months ending with today's, oldest first; the last one is not over."""
    first = today.replace(day=1)
    return [(first - relativedelta(months=n)).strftime("%Y-%m") for n in range(count - 1, -1, -1)]


_LABELS = pd.Series(pd.to_datetime([])).dt.strftime("%Y-%m").dtype   # strftime's own dtype


def month_of(dates: pd.Series) -> pd.Series:
    """Dates (or first days of months) as ``"YYYY-MM"``; a missing date stays missing.

    Each distinct month is written once and mapped: ``strftime`` on every date was a
    tenth of the dashboard's time, for a dozen distinct labels."""
    when = pd.to_datetime(dates)
    codes = when.dt.year * 100 + when.dt.month
    labels = {code: f"{int(code) // 100:04d}-{int(code) % 100:02d}"
              for code in codes.dropna().unique()}
    return codes.map(labels).astype(_LABELS)


def cohort_of(starts: pd.Series) -> pd.Series:
    """The quarter a placement started in, French style: ``"2026-T1"`` (trimestre 1).

    People who joined in the same quarter were trained together and are
    compared with each other; a missing start date gives ``"—"``.
    """
    when = pd.to_datetime(starts)
    label = when.dt.year.astype("Int64").astype(str) + "-T" + when.dt.quarter.astype(
        "Int64").astype(str)
    return label.where(when.notna(), UNKNOWN)


def learner_certification(people: pd.DataFrame, cert: pd.DataFrame, today: date,
                          overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """One row per current learner: where her certification stands on ``today``.

    Who counts: people whose role is ``learner``, not archived (see
    :func:`balise.progress.tables.current`) and whose placement has not ended
    before ``today`` (someone who left can no longer be trained).

    - *certified*: every route of her job certified in ``cert`` and still valid
      on ``today`` (``valid_until`` is the earliest expiry of its modules);
    - *expiring_30*, *expiring_60*: certified, and ``until`` within 30
      (resp. 60) days of ``today``; the 60 includes the 30, so a refresher can
      be planned a month ahead of the urgent ones;
    - *lapsed*: a certification that has lapsed (``until`` before ``today``);
    - *overdue*: not certified when she should be: lapsed, or a placement started
      more than ``overdue_days`` (90) days ago without one. A learner with no route
      for her job, or no start date, is not overdue: nobody can say by when.

    Columns: id, name, site_id, activity, cohort, placement_start, has_route, certified,
    until, lapsed, expiring_30, expiring_60, overdue. :func:`certification_shares`
    counts these; the lists of names (:mod:`balise.progress.expiry`) show them.
    """
    learners = current(people)
    learners = learners[learners.role == "learner"] if "role" in learners else learners
    if "placement_end" in learners:
        ended = pd.to_datetime(learners.placement_end) < pd.Timestamp(today)
        learners = learners[~ended]
    learners = learners.assign(cohort=cohort_of(learners.placement_start))
    now = pd.Timestamp(today)
    until = pd.to_datetime(cert.valid_until)
    holds = cert.certified.astype(bool) & ~(until < now)
    per = (cert.assign(holds=holds, until=until, lapsed=until < now)
           .groupby("learner").agg(holds=("holds", "all"), until=("until", "min"),
                                   lapsed=("lapsed", "any")))
    keep = [c for c in ("id", "name", "site_id", "activity", "cohort", "placement_start")
            if c in learners]
    frame = learners[keep].merge(per, left_on="id", right_index=True, how="left")
    frame["has_route"] = frame.holds.notna()
    frame["certified"] = frame.holds.fillna(False).astype(bool)
    frame["lapsed"] = frame.lapsed.fillna(False).astype(bool)
    days_left = (frame.until - now).dt.days
    frame["expiring_30"] = frame.certified & (days_left <= 30)
    frame["expiring_60"] = frame.certified & (days_left <= 60)
    started = pd.to_datetime(frame.placement_start)
    late = frame.has_route & (started <= now - timedelta(days=overdue_days))
    frame["overdue"] = ~frame.certified & (frame.lapsed | late)
    return frame.drop(columns="holds").reset_index(drop=True)


def certification_shares(people: pd.DataFrame, cert: pd.DataFrame, by: str, today: date,
                         overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """Per site, activity or cohort: learners, certified, expiring, overdue: the counts of
    :func:`learner_certification` (who counts, and what each word means, is said there).

    - *in_training*: the rest, neither certified nor overdue.

    ``certified_share`` and ``overdue_share`` are fractions of the learners.
    ``by`` is ``"site"``, ``"activity"`` or ``"cohort"`` (the quarter of the
    placement start, see :func:`cohort_of`); the group column takes that name.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    frame = learner_certification(people, cert, today, overdue_days)
    frame[by] = frame[GROUPINGS[by]].fillna(UNKNOWN).astype(str)
    out = (frame.groupby(by).agg(learners=("id", "size"), certified=("certified", "sum"),
                                 expiring_30=("expiring_30", "sum"),
                                 expiring_60=("expiring_60", "sum"), overdue=("overdue", "sum"))
           .reset_index())
    return shares_of(out, by)


COUNTS = ["learners", "certified", "expiring_30", "expiring_60", "overdue"]


def shares_of(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """:data:`COUNTS` per group (``by`` and its groups in order) made into the shares'
    table: the counts as integers, ``in_training`` and the two shares beside them. Shared
    by :func:`certification_shares` and the counts the database makes
    (:func:`balise.store.certification.certification_counts`)."""
    out = counts.copy()
    out[COUNTS] = out[COUNTS].astype(int)
    out["in_training"] = out.learners - out.certified - out.overdue
    out["certified_share"] = out.certified / out.learners
    out["overdue_share"] = out.overdue / out.learners
    return out[[by, *COUNTS, "in_training", "certified_share", "overdue_share"]].reset_index(
        drop=True)


def site_certification(people: pd.DataFrame, sites: pd.DataFrame, status: pd.DataFrame,
                       cert: pd.DataFrame, today: date,
                       overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
    """Per site (every site, by name): the coordinator's page's table.

    Learners, certified, expiring within 30 days and overdue are the counts of
    :func:`certification_shares` by site, the same numbers as the dashboard and the
    lists of names: who counts and what each word means is said once, in
    :func:`learner_certification`. Beside them, for the same learners,
    ``modules_passed`` (module passes that hold on ``today``) and ``modules_expired``
    (passes to take again). ``status`` comes from
    :func:`balise.progress.status.module_status`, ``cert`` from
    :func:`balise.progress.status.certification`.
    """
    counted = learner_certification(people, cert, today, overdue_days)
    shares = certification_shares(people, cert, "site", today, overdue_days).set_index("site")
    mine = status.merge(counted[["id", "site_id"]], left_on="learner", right_on="id")
    held = mine[mine.status.isin(["passed", "expiring"])].groupby("site_id").size()
    lapsed = mine[mine.status == "expired"].groupby("site_id").size()
    rows = []
    for site in sites.itertuples():
        row = shares.loc[site.id] if site.id in shares.index else None
        rows.append((site.name, *(0 if row is None else int(row[k]) for k in
                                  ("learners", "certified", "expiring_30", "overdue")),
                     int(held.get(site.id, 0)), int(lapsed.get(site.id, 0))))
    return pd.DataFrame(rows, columns=["site", "learners", "certified", "expiring_30",
                                       "overdue", "modules_passed", "modules_expired"])


def site_month_grid(sites: list[str], months: list[str]) -> pd.DataFrame:
    """Every site with every month, so that a month with nothing shows as 0, not as a gap."""
    return pd.MultiIndex.from_product([sorted(sites), months],
                                      names=["site_id", "month"]).to_frame(index=False)


def _team_events(teams: pd.DataFrame, events: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Events (team_id, on) with their team's site and their month, within ``months``."""
    events = events.assign(month=month_of(events["on"]))
    events = events[events.month.isin(months)]
    return events.merge(teams[["id", "site_id"]], left_on="team_id", right_on="id",
                        suffixes=("", "_team"))


def quarter_hour_rate(teams: pd.DataFrame, quarter_hours: pd.DataFrame, months: list[str],
                      by_site: bool = True) -> pd.DataFrame:
    """Per site (unless ``by_site`` is false) and month: teams expected, teams that held one,
    and the achievement rate, held / expected.

    Every team is expected to hold one safety quarter-hour each month; a team
    that held two in a month counts once. A site without teams has no rate
    (NaN), rather than 0% or 100%.
    """
    held = _team_events(teams, quarter_hours, months).drop_duplicates(["team_id", "month"])
    grid = site_month_grid(list(teams.site_id.unique()), months)
    expected = teams.groupby("site_id").size().rename("expected")
    out = (grid.merge(expected, left_on="site_id", right_index=True, how="left")
           .merge(held.groupby(["site_id", "month"]).size().rename("held"),
                  left_on=["site_id", "month"], right_index=True, how="left"))
    out[["expected", "held"]] = out[["expected", "held"]].fillna(0).astype(int)
    if not by_site:
        out = out.groupby("month", as_index=False)[["expected", "held"]].sum()
        out = out.set_index("month").reindex(months, fill_value=0).reset_index()
    out["rate"] = out.held / out.expected.where(out.expected > 0)
    return out


def warm_ups_held(teams: pd.DataFrame, warm_ups: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Per site and month: warm-ups held, and how many teams held at least one.

    The daily warm-up is a habit; the count of teams shows whether it has
    spread or rests on one keen team. Sites come from ``teams``.
    """
    held = _team_events(teams, warm_ups, months)
    counts = held.groupby(["site_id", "month"]).agg(warm_ups=("team_id", "size"),
                                                    teams=("team_id", "nunique"))
    out = site_month_grid(list(teams.site_id.unique()), months).merge(
        counts, left_on=["site_id", "month"], right_index=True, how="left")
    out[["warm_ups", "teams"]] = out[["warm_ups", "teams"]].fillna(0).astype(int)
    return out


def safety_visits(visits: pd.DataFrame, months: list[str],
                  sites: list[str] | None = None) -> pd.DataFrame:
    """Per site and month: behavioural safety visits, and how many sent a module as a refresher.

    A finding linked to a module (``module_id``) turned into training; the
    share of those shows whether visits lead to action. Pass ``sites`` to list
    sites without any visit too.
    """
    visits = visits.assign(month=month_of(visits["on"]))
    visits = visits[visits.month.isin(months)]
    linked = visits.module_id.notna() & (visits.module_id.astype(str) != "")
    counts = (visits.assign(linked=linked).groupby(["site_id", "month"])
              .agg(visits=("site_id", "size"), with_module=("linked", "sum")))
    every = list(sites if sites is not None else visits.site_id.unique())
    out = site_month_grid(every, months).merge(
        counts, left_on=["site_id", "month"], right_index=True, how="left")
    out[["visits", "with_module"]] = out[["visits", "with_module"]].fillna(0).astype(int)
    return out


def _rate(accidents: pd.DataFrame, hours: pd.DataFrame, by: list[str], name: str,
          counted: pd.Series, factor: int) -> pd.DataFrame:
    unknown = [k for k in by if k not in RATE_KEYS]
    if unknown or not by:
        raise ValueError(f"by must be a list among {', '.join(RATE_KEYS)}, not {by!r}")
    accidents = accidents.assign(month=month_of(accidents["on"]), **{name: counted})
    hours = hours.assign(month=month_of(hours["month"]))
    top = accidents.groupby(by)[name].sum()
    bottom = hours.groupby(by)["hours"].sum()
    out = pd.concat([top, bottom], axis=1).reset_index()
    out[name] = out[name].fillna(0).astype(int)
    out["hours"] = out["hours"].fillna(0.0).astype(float)
    out["rate"] = out[name] * factor / out.hours.where(out.hours > 0)
    return out.sort_values(by).reset_index(drop=True)


def frequency_rate(accidents: pd.DataFrame, hours: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Frequency rate TF = lost-time accidents × 1,000,000 / hours worked, per group.

    The French *taux de fréquence*: how many accidents with time off work per
    million hours, so sites and months of different size compare. ``by`` is a
    list among ``site_id``, ``activity``, ``month`` (the accident's ``on``, the
    hours' ``month``). Columns: the keys, ``lost_time`` (accidents), ``hours``,
    ``tf``. A group with no hours worked has no rate (NaN, never infinity),
    even if it has accidents: the hours are missing, not zero risk.
    """
    lost = accidents["lost_time"].fillna(False).astype(bool).astype(int)
    return _rate(accidents, hours, by, "lost_time", lost, 1_000_000).rename(
        columns={"rate": "tf"})


def severity_rate(accidents: pd.DataFrame, hours: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Severity rate TG = days lost × 1,000 / hours worked, per group.

    The French *taux de gravité*: days off work per thousand hours, all
    accidents' ``days_lost`` added up. Same ``by`` and same rule as
    :func:`frequency_rate`: no hours gives NaN. Columns: the keys,
    ``days_lost``, ``hours``, ``tg``.
    """
    days = pd.to_numeric(accidents["days_lost"]).fillna(0)
    return _rate(accidents, hours, by, "days_lost", days, 1_000).rename(columns={"rate": "tg"})


def in_months(frame: pd.DataFrame, column: str, months: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose date ``column`` falls in one of ``months``."""
    return frame[month_of(frame[column]).isin(months)]
