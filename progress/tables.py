"""The trainer's and coordinator's tables, as pure functions of frames.

Inputs come from the store (people, attempts) and nbgrader's gradebook
(grades: learner, module, question, score, max_score, timestamp); nothing
here reads a database, so each figure can be checked by hand in a test.
"""

from __future__ import annotations

import pandas as pd


def current(people: pd.DataFrame) -> pd.DataFrame:
    """The people whose placement goes on: those archived (``ended_on`` set, their placement
    ended by a trainer or coordinator) are left out of every current figure. Their history
    stays in the store and on their own page."""
    if "ended_on" not in people:
        return people
    return people[people.ended_on.isna()]


def module_scores(grades: pd.DataFrame, pass_marks: dict[str, int]) -> pd.DataFrame:
    """Per learner and module: score, max, percent, date, passed."""
    cols = ["learner", "module", "score", "max_score", "percent", "date", "passed"]
    if grades.empty:
        return pd.DataFrame(columns=cols)
    out = (grades.groupby(["learner", "module"], as_index=False)
           .agg(score=("score", "sum"), max_score=("max_score", "sum"), date=("timestamp", "max")))
    out["percent"] = (100 * out.score / out.max_score.where(out.max_score > 0)).fillna(0).round()
    out["passed"] = out.percent >= out.module.map(pass_marks).fillna(100)
    return out[cols]


def best_scores(last: pd.DataFrame, attempts: pd.DataFrame,
                pass_marks: dict[str, int]) -> pd.DataFrame:
    """``last`` (from the gradebook) with each module's best graded attempt instead.

    nbgrader's gradebook keeps a learner's latest submission; Balise's
    attempts keep every score, so a worse retry need not take a pass away.
    """
    graded = attempts[(attempts.status == "graded") & (attempts.max_score > 0)]
    if graded.empty or last.empty:
        return last
    graded = graded.assign(percent=(100 * graded.score / graded.max_score).round())
    best = (graded.sort_values(["percent", "graded_at"], ascending=[False, False])
            .drop_duplicates(["learner_id", "module_id"])
            .rename(columns={"learner_id": "learner", "module_id": "module"}))
    merged = last.merge(best[["learner", "module", "score", "max_score", "percent", "graded_at"]],
                        on=["learner", "module"], how="left", suffixes=("", "_best"))
    better = merged.percent_best.notna() & (merged.percent_best > merged.percent)
    for col in ("score", "max_score", "percent"):
        merged.loc[better, col] = merged.loc[better, f"{col}_best"]
    merged.loc[better, "date"] = merged.loc[better, "graded_at"]
    merged["passed"] = merged.percent >= merged.module.map(pass_marks).fillna(100)
    return merged[list(last.columns)]


def attempts_count(attempts: pd.DataFrame) -> pd.DataFrame:
    """Per learner and module: attempts made, and how many a trainer should look at."""
    if attempts.empty:
        return pd.DataFrame(columns=["learner", "module", "attempts", "flagged"])
    flagged = attempts["flags"].notna() if "flags" in attempts else False
    return (attempts.assign(flagged=flagged)
            .groupby(["learner_id", "module_id"])
            .agg(attempts=("id", "size"), flagged=("flagged", "sum"))
            .reset_index()
            .rename(columns={"learner_id": "learner", "module_id": "module"}))


def failure_rates(grades: pd.DataFrame, learners: list[str]) -> pd.DataFrame:
    """Per module and question: how many of these learners answered, share who got it wrong."""
    cols = ["module", "question", "answered", "failure_rate"]
    mine = grades[grades.learner.isin(learners)]
    if mine.empty:
        return pd.DataFrame(columns=cols)
    mine = mine.assign(failed=mine.score < mine.max_score)
    out = (mine.groupby(["module", "question"], as_index=False)
           .agg(answered=("learner", "nunique"), failure_rate=("failed", "mean")))
    out["failure_rate"] = out.failure_rate.round(2)
    return out.sort_values(["module", "failure_rate"], ascending=[True, False])[cols]
