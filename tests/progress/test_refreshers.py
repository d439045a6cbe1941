"""Refreshers from expiry, visits, accidents and wrong answers: hand-checked cases."""

import json
from datetime import date

import pandas as pd

from balise.progress import refreshers as rules

TODAY = date(2026, 11, 25)
PEOPLE = pd.DataFrame([
    ("amina", "learner", "quai", date(2026, 1, 5)),
    ("yusuf", "learner", "quai", date(2026, 10, 1)),     # placed after the March visit
    ("lea", "learner", "tri", date(2026, 1, 5)),
    ("nadia", "trainer", "quai", None),
], columns=["id", "role", "team_id", "placement_start"])


def test_an_expired_pass_is_due_the_day_it_expired():
    status = pd.DataFrame([("amina", "postures", "expired", date(2026, 11, 1)),
                           ("lea", "postures", "passed", date(2027, 5, 1))],
                          columns=["learner", "module", "status", "expires_on"])
    out = rules.expired(status)
    assert out[["learner", "module", "reason", "due_on"]].values.tolist() == [
        ["amina", "postures", "expired", date(2026, 11, 1)]]


def test_a_visit_linked_to_a_module_sends_it_to_the_team_placed_then():
    visits = pd.DataFrame([(1, "quai", date(2026, 3, 10), "postures"),
                           (2, "quai", date(2026, 11, 2), "postures"),
                           (3, "quai", date(2026, 11, 3), None),          # no module: nothing
                           (4, None, date(2026, 11, 4), "postures"),      # no team: nothing
                           (5, "tri", date(2026, 11, 5), "ppe")],
                          columns=["id", "team_id", "on", "module_id"])
    out = rules.from_events(PEOPLE, visits, "visit")
    got = sorted(map(tuple, out[["learner", "module", "due_on"]].values.tolist()))
    assert got == [("amina", "postures", date(2026, 3, 17)),
                   ("amina", "postures", date(2026, 11, 9)),
                   ("lea", "ppe", date(2026, 11, 12)),
                   ("yusuf", "postures", date(2026, 11, 9))]            # not for March: not placed
    assert set(out.reason) == {"visit"}


def test_wrong_questions_come_back_after_2_7_and_30_days():
    grades = pd.DataFrame([
        ("amina", "postures", "q1", 1.0, 1.0, pd.Timestamp("2026-11-01 10:00")),
        ("amina", "postures", "q2", 0.0, 1.0, pd.Timestamp("2026-11-01 10:00")),
        ("amina", "postures", "q5", 0.0, 1.0, pd.Timestamp("2026-11-01 10:00")),
        ("lea", "postures", "q1", 1.0, 1.0, pd.Timestamp("2026-11-01 10:00")),
    ], columns=["learner", "module", "question", "score", "max_score", "timestamp"])
    out = rules.spaced(grades)
    assert out.due_on.tolist() == [date(2026, 11, 3), date(2026, 11, 8), date(2026, 12, 1)]
    assert set(out.learner) == {"amina"}
    assert json.loads(out.questions.iloc[0]) == ["q2", "q5"]


def test_due_drops_the_future_and_what_was_done_since():
    refreshers = pd.DataFrame([
        ("amina", "postures", "visit", date(2026, 11, 9), "[]"),
        ("amina", "postures", "spaced", date(2026, 11, 3), '["q2"]'),
        ("amina", "postures", "spaced", date(2026, 12, 1), '["q2"]'),      # not yet due
        ("lea", "ppe", "visit", date(2026, 11, 12), "[]"),
    ], columns=rules.COLUMNS)
    scores = pd.DataFrame([
        ("amina", "postures", pd.Timestamp("2026-11-20"), True, {"q7"}),    # q2 right now
        ("lea", "ppe", pd.Timestamp("2026-11-01"), True, set()),            # passed before
    ], columns=["learner", "module", "date", "passed", "wrong"])
    out = rules.due(refreshers, scores, TODAY)
    assert out[["learner", "module", "reason"]].values.tolist() == [["lea", "ppe", "visit"]]
    still = scores.assign(wrong=[{"q2"}, set()])
    out = rules.due(refreshers, still, TODAY)
    assert sorted(out.reason) == ["spaced", "visit"]
