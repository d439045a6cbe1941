"""The coordinator's indicators, each on small frames whose figures are worked out by hand."""

from datetime import date

import pandas as pd
import pytest

from balise.progress.indicators import (
    certification_shares,
    cohort_of,
    frequency_rate,
    last_months,
    quarter_hour_rate,
    safety_visits,
    severity_rate,
    warm_ups_held,
)

TODAY = date(2026, 11, 25)
MONTHS = ["2026-09", "2026-10", "2026-11"]

PEOPLE = pd.DataFrame(
    # id, role, site, activity, placement start, placement end
    [("a", "learner", "lyon", "logistics", date(2026, 1, 10), None),
     ("b", "learner", "lyon", "logistics", date(2026, 2, 1), None),
     ("c", "learner", "lyon", "transport", date(2026, 4, 1), None),
     ("j", "learner", "lyon", "logistics", date(2025, 3, 1), None),
     ("g", "learner", "lyon", "logistics", date(2025, 6, 1), date(2026, 6, 30)),   # left
     ("d", "learner", "paris", "logistics", date(2026, 5, 1), None),
     ("e", "learner", "paris", "transport", date(2026, 10, 1), None),
     ("f", "learner", "paris", "digital", date(2025, 1, 1), None),
     ("i", "learner", "paris", "logistics", None, None),
     ("nadia", "trainer", "lyon", None, None, None)],
    columns=["id", "role", "site_id", "activity", "placement_start", "placement_end"])
CERT = pd.DataFrame(
    # learner, route, certified, valid until
    [("a", "logistics", True, date(2027, 6, 1)),       # 188 days left: certified
     ("b", "logistics", True, date(2026, 12, 10)),     # 15 days: expiring in 30 (and 60)
     ("c", "transport", True, date(2027, 1, 10)),      # 46 days: expiring in 60 only
     ("j", "logistics", True, date(2026, 11, 1)),      # lapsed 24 days ago: overdue
     ("g", "logistics", False, None),
     ("d", "logistics", False, None),                  # started 208 days ago: overdue
     ("e", "transport", False, None),                  # started 55 days ago: in training
     ("i", "logistics", False, None)],                 # no start date: in training
    columns=["learner", "route", "certified", "valid_until"])       # f: no route for digital


def shares(by):
    return certification_shares(PEOPLE, CERT, by, TODAY).set_index(by)


def test_cohort_is_the_quarter_the_placement_started():
    starts = pd.Series([date(2026, 1, 10), date(2026, 4, 1), date(2025, 12, 31), None])
    assert list(cohort_of(starts)) == ["2026-T1", "2026-T2", "2025-T4", "—"]


def test_last_months_end_with_the_current_one():
    assert last_months(TODAY, 3) == MONTHS
    assert last_months(date(2026, 1, 31), 2) == ["2025-12", "2026-01"]


def test_certification_shares_by_site():
    out = shares("site")
    # lyon: a, b, c certified (b expires in 15 days, c in 46), j lapsed; g has left.
    assert out.loc["lyon", ["learners", "certified", "expiring_30", "expiring_60", "overdue",
                            "in_training"]].tolist() == [4, 3, 1, 2, 1, 0]
    assert out.loc["lyon", "certified_share"] == pytest.approx(0.75)
    # paris: d overdue (208 days, no certificate); e too recent; f no route; i no start date.
    assert out.loc["paris", ["learners", "certified", "overdue", "in_training"]].tolist() == \
        [4, 0, 1, 3]
    assert out.loc["paris", "overdue_share"] == pytest.approx(0.25)


def test_certification_shares_by_activity_and_cohort():
    act = shares("activity")
    # logistics: a, b certified; d and j overdue; i in training.
    assert act.loc["logistics", ["learners", "certified", "overdue"]].tolist() == [5, 2, 2]
    assert act.loc["digital", ["learners", "certified", "overdue"]].tolist() == [1, 0, 0]
    cohort = shares("cohort")
    assert cohort.loc["2026-T1", ["learners", "certified", "expiring_30"]].tolist() == [2, 2, 1]
    assert cohort.loc["2026-T2", ["learners", "certified", "overdue"]].tolist() == [2, 1, 1]
    assert cohort.loc["2025-T1", ["learners", "overdue", "in_training"]].tolist() == [2, 1, 1]
    assert cohort.loc["—", "learners"] == 1
    assert cohort.learners.sum() == 8                   # every current learner, once


def test_a_learner_with_one_route_missing_is_not_certified():
    cert = pd.DataFrame([("a", "logistics", True, date(2027, 6, 1)),
                         ("a", "transport", False, None)],
                        columns=["learner", "route", "certified", "valid_until"])
    out = certification_shares(PEOPLE[PEOPLE.id == "a"], cert, "site", TODAY)
    assert out.certified.tolist() == [0] and out.overdue.tolist() == [1]   # started in January


def test_certification_shares_with_nobody_certified_yet():
    empty = pd.DataFrame(columns=["learner", "route", "certified", "missing_modules",
                                  "missing_validations", "valid_until"])
    out = certification_shares(PEOPLE, empty, "site", TODAY).set_index("site")
    assert out.certified.sum() == 0 and out.overdue.sum() == 0      # no route: nobody is late
    assert out.loc["lyon", "learners"] == 4


def test_unknown_grouping_is_refused():
    with pytest.raises(ValueError, match="site, activity, cohort"):
        certification_shares(PEOPLE, CERT, "colour", TODAY)


TEAMS = pd.DataFrame([("quai", "lyon", "Quai", "logistics"),
                      ("livraison", "lyon", "Livraison", "transport"),
                      ("nord", "marseille", "Nord", "construction")],
                     columns=["id", "site_id", "name", "activity"])
QUARTER_HOURS = pd.DataFrame(
    [(1, "quai", date(2026, 9, 5)), (2, "quai", date(2026, 9, 20)),   # twice: counts once
     (3, "livraison", date(2026, 9, 12)), (4, "nord", date(2026, 10, 3)),
     (5, "quai", date(2026, 10, 7)), (6, "quai", date(2026, 8, 30))],  # August: not shown
    columns=["id", "team_id", "on"])


def test_quarter_hour_rate_by_site_and_month():
    out = quarter_hour_rate(TEAMS, QUARTER_HOURS, MONTHS).set_index(["site_id", "month"])
    assert out.loc[("lyon", "2026-09"), ["expected", "held"]].tolist() == [2, 2]
    assert out.loc[("lyon", "2026-09"), "rate"] == 1.0
    assert out.loc[("lyon", "2026-10"), "rate"] == 0.5              # quai only
    assert out.loc[("marseille", "2026-09"), "rate"] == 0.0
    assert out.loc[("marseille", "2026-10"), "rate"] == 1.0


def test_quarter_hour_rate_by_month_counts_a_month_without_any_as_zero():
    out = quarter_hour_rate(TEAMS, QUARTER_HOURS, MONTHS, by_site=False).set_index("month")
    # September: quai and livraison of 3 teams; October: nord and quai; November: none.
    assert out.loc["2026-09", "rate"] == pytest.approx(2 / 3)
    assert out.loc["2026-10", "rate"] == pytest.approx(2 / 3)
    assert out.loc["2026-11", ["expected", "held", "rate"]].tolist() == [3, 0, 0.0]


def test_quarter_hour_rate_without_teams_has_no_rate():
    out = quarter_hour_rate(TEAMS.iloc[:0], QUARTER_HOURS.iloc[:0], MONTHS, by_site=False)
    assert out.expected.tolist() == [0, 0, 0] and out.rate.isna().all()


def test_warm_ups_held_by_site_and_month():
    warm = pd.DataFrame([(1, "quai", date(2026, 9, 1)), (2, "quai", date(2026, 9, 2)),
                         (3, "livraison", date(2026, 9, 2)), (4, "nord", date(2026, 10, 1))],
                        columns=["id", "team_id", "on"])
    out = warm_ups_held(TEAMS, warm, MONTHS).set_index(["site_id", "month"])
    assert out.loc[("lyon", "2026-09"), ["warm_ups", "teams"]].tolist() == [3, 2]
    assert out.loc[("marseille", "2026-10"), ["warm_ups", "teams"]].tolist() == [1, 1]
    assert out.loc[("lyon", "2026-11"), ["warm_ups", "teams"]].tolist() == [0, 0]
    assert len(out) == 6                                            # 2 sites x 3 months


def test_safety_visits_count_those_that_sent_a_module():
    visits = pd.DataFrame([(1, "lyon", date(2026, 9, 3), "postures"),
                           (2, "lyon", date(2026, 9, 15), None),
                           (3, "paris", date(2026, 10, 10), "postures"),
                           (4, "lyon", date(2026, 8, 31), "postures")],   # August: not shown
                          columns=["id", "site_id", "on", "module_id"])
    out = safety_visits(visits, MONTHS, ["lyon", "paris", "lille"]).set_index(
        ["site_id", "month"])
    assert out.loc[("lyon", "2026-09"), ["visits", "with_module"]].tolist() == [2, 1]
    assert out.loc[("paris", "2026-10"), ["visits", "with_module"]].tolist() == [1, 1]
    assert out.loc[("lille", "2026-09"), ["visits", "with_module"]].tolist() == [0, 0]
    assert out.visits.sum() == 3


ACCIDENTS = pd.DataFrame(
    [(1, "lyon", "logistics", date(2026, 9, 10), True, 30),
     (2, "lyon", "logistics", date(2026, 10, 2), True, 15),
     (3, "lyon", "transport", date(2026, 10, 20), False, 0),       # no time off: not in TF
     (4, "paris", "logistics", date(2026, 9, 5), True, 10)],       # paris: no hours entered
    columns=["id", "site_id", "activity", "on", "lost_time", "days_lost"])
HOURS = pd.DataFrame([("lyon", "logistics", date(2026, 9, 1), 60_000.0),
                      ("lyon", "logistics", date(2026, 10, 1), 60_000.0),
                      ("lyon", "transport", date(2026, 10, 1), 10_000.0),
                      ("marseille", "construction", date(2026, 9, 1), 5_000.0)],
                     columns=["site_id", "activity", "month", "hours"])


def test_frequency_and_severity_rates_by_site_and_activity():
    tf = frequency_rate(ACCIDENTS, HOURS, ["site_id", "activity"]).set_index(
        ["site_id", "activity"])
    tg = severity_rate(ACCIDENTS, HOURS, ["site_id", "activity"]).set_index(
        ["site_id", "activity"])
    # Lyon logistics: 2 lost-time accidents, 45 days, 120,000 hours.
    assert tf.loc[("lyon", "logistics"), "lost_time"] == 2
    assert tf.loc[("lyon", "logistics"), "tf"] == pytest.approx(16.67, abs=0.005)  # 2e6 / 120e3
    assert tg.loc[("lyon", "logistics"), "tg"] == pytest.approx(0.375)             # 45e3 / 120e3
    assert tf.loc[("lyon", "transport"), "tf"] == 0.0               # an accident, no time off


def test_rates_by_site():
    tf = frequency_rate(ACCIDENTS, HOURS, ["site_id"]).set_index("site_id")
    tg = severity_rate(ACCIDENTS, HOURS, ["site_id"]).set_index("site_id")
    assert tf.loc["lyon", "tf"] == pytest.approx(15.38, abs=0.005)    # 2e6 / 130e3
    assert tg.loc["lyon", "tg"] == pytest.approx(0.346, abs=0.0005)   # 45e3 / 130e3
    assert tf.loc["marseille", "tf"] == 0.0 and tg.loc["marseille", "tg"] == 0.0
    # Paris: one lost-time accident but no hours entered: no rate, not infinity.
    assert tf.loc["paris", "lost_time"] == 1 and tf.loc["paris", "hours"] == 0
    assert pd.isna(tf.loc["paris", "tf"]) and pd.isna(tg.loc["paris", "tg"])


def test_rates_by_month():
    tf = frequency_rate(ACCIDENTS, HOURS, ["month"]).set_index("month")
    tg = severity_rate(ACCIDENTS, HOURS, ["month"]).set_index("month")
    # September: accidents 1 and 4 (40 days), 65,000 hours; October: accident 2, 70,000 hours.
    assert tf.loc["2026-09", "tf"] == pytest.approx(30.77, abs=0.005)   # 2e6 / 65e3
    assert tg.loc["2026-09", "tg"] == pytest.approx(0.615, abs=0.0005)  # 40e3 / 65e3
    assert tf.loc["2026-10", "tf"] == pytest.approx(14.29, abs=0.005)   # 1e6 / 70e3
    assert tg.loc["2026-10", "tg"] == pytest.approx(0.214, abs=0.0005)  # 15e3 / 70e3


def test_rates_without_accidents_are_zero_and_without_hours_are_missing():
    tf = frequency_rate(ACCIDENTS.iloc[:0], HOURS, ["site_id", "month"])
    assert (tf.tf == 0).all() and len(tf) == 3                      # lyon x 2 months, marseille
    tg = severity_rate(ACCIDENTS, HOURS.iloc[:0], ["site_id"])
    assert tg.tg.isna().all() and tg.days_lost.sum() == 55


def test_rates_refuse_an_unknown_grouping():
    with pytest.raises(ValueError):
        frequency_rate(ACCIDENTS, HOURS, ["team_id"])
    with pytest.raises(ValueError):
        severity_rate(ACCIDENTS, HOURS, [])
