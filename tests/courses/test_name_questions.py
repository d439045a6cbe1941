"""Naming each graded quiz slot by the question it drew: the whole-column matching gives
what the loop over submissions gave.

``loop_names`` is the loop ``balise/catalogue/draw.py`` had before (one submission at a
time, filtering its attempts), kept as the reference; on a random gradebook with retries,
attempts later than the grade, a module not in the catalogue, a learner without graded
attempts and time zones, both name every row the same.
"""

import random
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from balise.catalogue.draw import name_questions, slot_questions
from balise.catalogue.modules import Module, load_catalogue

COURSES = Path(__file__).resolve().parents[2] / "courses"


def loop_names(grades: pd.DataFrame, attempts: pd.DataFrame,
                   catalogue: dict[str, Module]) -> pd.DataFrame:
    """nbgrader's grades frame with each quiz slot replaced by the question it asked.

    The gradebook holds each learner's latest graded submission of a module;
    its attempt is the learner's latest attempt submitted at or before the
    gradebook's timestamp (the server writes both with the same time).
    """
    if grades.empty:
        return grades
    graded = attempts[attempts.status == "graded"] if not attempts.empty else attempts
    groups = {key: group for key, group in graded.groupby(["learner_id", "module_id"])} \
        if not graded.empty else {}
    renames: dict[tuple[str, str, str], str] = {}
    for (learner, module_id, stamp), _ in grades.groupby(["learner", "module", "timestamp"]):
        module, group = catalogue.get(module_id), groups.get((learner, module_id))
        if module is None or group is None:
            continue
        when = pd.Timestamp(stamp)
        when = when.tz_convert(None) if when.tzinfo else when
        earlier = group[pd.to_datetime(group.submitted_at) <= when + pd.Timedelta(seconds=1)]
        number = int((earlier if not earlier.empty else group).number.max())
        for slot, qid in slot_questions(module, learner, number).items():
            renames[(learner, module_id, slot)] = qid
    out = grades.copy()
    out["question"] = [renames.get((who, m, q), q) for who, m, q in
                       zip(out.learner, out.module, out.question)]
    return out


def gradebook(seed: int, catalogue: dict, zone: str | None = None):
    rng = random.Random(seed)
    grades, attempts = [], []
    modules = [*list(catalogue)[:4], "gone"]           # "gone": no longer in the catalogue
    for n in range(40):
        who = f"p{n:02d}"
        for module in rng.sample(modules, 3):
            tries = rng.randint(0, 3)
            start = datetime(2026, 3, 1, 9) + timedelta(days=rng.randint(0, 200))
            for k in range(1, tries + 1):
                attempts.append((f"{who}-{module}-{k}", who, module, k,
                                 rng.choice(["graded", "graded", "failed"]),
                                 start + timedelta(hours=k)))
            stamp = pd.Timestamp(start + timedelta(hours=rng.randint(0, tries + 1)))
            if zone:
                stamp = stamp.tz_localize(zone)
            names = (catalogue[module].grade_names if module in catalogue
                     else ["s1", "quiz1"])
            for name in names:
                grades.append((who, module, name, 1.0, 1.0, stamp))
    return (pd.DataFrame(grades, columns=["learner", "module", "question", "score",
                                          "max_score", "timestamp"]),
            pd.DataFrame(attempts, columns=["id", "learner_id", "module_id", "number",
                                            "status", "submitted_at"]))


def test_names_are_the_loops_names():
    catalogue = load_catalogue(COURSES)
    for seed, zone in [(1, None), (2, None), (3, "UTC")]:
        grades, attempts = gradebook(seed, catalogue, zone)
        new = name_questions(grades, attempts, catalogue)
        pd.testing.assert_frame_equal(new, loop_names(grades, attempts, catalogue))
        assert (new.question != grades.question).any()          # slots were renamed
    grades, attempts = gradebook(4, catalogue)
    assert name_questions(grades.iloc[:0], attempts, catalogue).empty
    none = attempts.iloc[:0]
    pd.testing.assert_frame_equal(name_questions(grades, none, catalogue), grades)
    assert slot_questions                                       # the draw both use
