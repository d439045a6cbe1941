"""Each figure on a small hand-checked case."""

import pandas as pd

from balise.progress import failure_rates, module_scores
from balise.progress.tables import attempts_count

GRADES = pd.DataFrame(
    [  # learner, module, question, score, max, timestamp
        ("amina", "postures", "q1", 1, 1, "2026-11-01"),
        ("amina", "postures", "q2", 1, 1, "2026-11-01"),
        ("amina", "postures", "q3", 1, 1, "2026-11-01"),
        ("amina", "postures", "q4", 1, 1, "2026-11-01"),
        ("amina", "postures", "q5", 0, 1, "2026-11-01"),   # 4/5 = 80 %: passes at 80
        ("yusuf", "postures", "q1", 1, 1, "2026-11-02"),
        ("yusuf", "postures", "q2", 0, 1, "2026-11-02"),
        ("yusuf", "postures", "q3", 0, 1, "2026-11-02"),
        ("yusuf", "postures", "q4", 1, 1, "2026-11-02"),
        ("yusuf", "postures", "q5", 0, 1, "2026-11-02"),   # 2/5 = 40 %
        ("zoe", "postures", "q5", 0, 1, "2026-11-03"),     # other site
    ],
    columns=["learner", "module", "question", "score", "max_score", "timestamp"])
ATTEMPTS = pd.DataFrame([("a1", "amina", "postures"), ("a2", "amina", "postures"),
                         ("y1", "yusuf", "postures")],
                        columns=["id", "learner_id", "module_id"])


def test_module_scores_sum_questions_and_apply_pass_mark():
    scores = module_scores(GRADES, {"postures": 80}).set_index("learner")
    assert scores.loc["amina", "score"] == 4 and scores.loc["amina", "percent"] == 80
    assert bool(scores.loc["amina", "passed"]) and not bool(scores.loc["yusuf", "passed"])


def test_attempts_are_counted_per_learner_and_module():
    counted = attempts_count(ATTEMPTS).set_index("learner")
    assert counted.loc["amina", "attempts"] == 2 and counted.loc["yusuf", "attempts"] == 1
    assert counted.flagged.sum() == 0                      # no flags column: none to check


def test_failure_rate_per_question_of_a_group():
    rates = failure_rates(GRADES, ["amina", "yusuf"]).set_index("question")
    assert rates.loc["q5", "failure_rate"] == 1.0          # both wrong; Zoé not counted
    assert rates.loc["q2", "failure_rate"] == 0.5
    assert rates.loc["q1", "failure_rate"] == 0.0
    assert rates.loc["q5", "answered"] == 2


def test_best_policy_keeps_a_pass_after_a_worse_retry():
    from balise.progress import best_scores

    last = module_scores(GRADES, {"postures": 80})        # amina 80 %, yusuf 40 %
    attempts = pd.DataFrame(
        [("y1", "yusuf", "postures", "graded", 5.0, 5.0, "2026-11-01 10:00"),  # 100 % first
         ("y2", "yusuf", "postures", "graded", 2.0, 5.0, "2026-11-02 10:00"),  # 40 % last
         ("a1", "amina", "postures", "graded", 1.0, 5.0, "2026-10-30 10:00"),  # worse, earlier
         ("p1", "amina", "postures", "pending", None, None, None)],
        columns=["id", "learner_id", "module_id", "status", "score", "max_score", "graded_at"])
    best = best_scores(last, attempts, {"postures": 80}).set_index("learner")
    assert best.loc["yusuf", "percent"] == 100 and bool(best.loc["yusuf", "passed"])
    assert best.loc["amina", "percent"] == 80                 # the gradebook's was better
