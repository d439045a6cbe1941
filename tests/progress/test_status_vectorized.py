"""The whole-column module status and certification give what the plain loops gave.

``loop_status`` and ``loop_certification`` are the loops ``progress/status.py`` had
before (one learner and module at a time), kept here as the reference: on a random
group with every case (passed, expiring, expired, tried, started, duplicated scores,
learners without a route or outside ``people``), both give the same frames.
"""

import random
from datetime import date, datetime, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta

from balise.progress import Route
from balise.progress.status import EXPIRING_DAYS, certification, module_status

TODAY = date(2026, 11, 25)
MODULES = {"culture": 12, "postures": 12, "ppe": 24, "road": 6, "weee": 1}
ROUTES = [Route("logistics", {}, ["logistics"], ["culture", "postures", "ppe"],
                [{"id": "lift", "fr": "Levage", "en": "Lift"}]),
          Route("transport", {}, ["transport", "logistics"], ["culture", "road"], []),
          Route("empty", {}, ["digital"], [], [])]


def loop_status(learners: list[str], modules: dict[str, int], scores: pd.DataFrame,
                  attempts: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per learner and module: status, percent, passed_on, expires_on.

    ``modules`` maps module id to validity in months; ``scores`` has learner,
    module, percent, date, passed (the counted score); ``attempts`` has
    learner_id, module_id (any attempt, graded or not).
    """
    tried = set(zip(attempts.get("learner_id", []), attempts.get("module_id", [])))
    counted = {(r.learner, r.module): r for r in scores.itertuples()} if not scores.empty else {}
    rows = []
    for learner in learners:
        for module, months in modules.items():
            score = counted.get((learner, module))
            status, passed_on, expires_on, percent = "not_started", None, None, None
            if score is not None:
                percent = float(score.percent)
            if score is not None and bool(score.passed):
                passed_on = pd.Timestamp(score.date).date()
                expires_on = passed_on + relativedelta(months=months)
                if expires_on <= today:
                    status = "expired"
                elif (expires_on - today).days <= EXPIRING_DAYS:
                    status = "expiring"
                else:
                    status = "passed"
            elif score is not None or (learner, module) in tried:
                status = "in_progress"
            rows.append((learner, module, status, percent, passed_on, expires_on))
    return pd.DataFrame(rows, columns=["learner", "module", "status", "percent", "passed_on",
                                       "expires_on"])


def loop_certification(status: pd.DataFrame, validations: pd.DataFrame, routes: list[Route],
                  people: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per learner and route: certified, modules and validations missing, and until
    when the certification holds (the earliest expiry of its modules).

    ``validations`` has learner, skill (field validations signed off by a
    trainer). With ``people`` (id, activity), each learner is measured
    against the route of her job family only; without, against every route.
    """
    holds = status[status.status.isin(["passed", "expiring"])]
    done = set(zip(validations.get("learner", []), validations.get("skill", [])))
    activity = {} if people is None else dict(zip(people.id, people.get("activity", [])))
    rows = []
    for learner in status.learner.unique():
        mine = holds[holds.learner == learner]
        have = dict(zip(mine.module, mine.expires_on))
        for route in routes:
            if people is not None and activity.get(learner) not in route.jobs:
                continue
            missing = [m for m in route.modules if m not in have]
            missing_skills = [s for s in route.skills if (learner, s) not in done]
            certified = not missing and not missing_skills
            until = min((have[m] for m in route.modules), default=None) if certified else None
            rows.append((learner, route.id, certified, missing, missing_skills, until))
    return pd.DataFrame(rows, columns=["learner", "route", "certified", "missing_modules",
                                       "missing_validations", "valid_until"])


def group(seed: int):
    rng = random.Random(seed)
    learners = [f"p{n:03d}" for n in range(300)]
    scores = []
    for who in learners:
        for module in MODULES:
            if rng.random() < 0.6:
                percent = rng.choice([40.0, 80.0, 100.0])
                when = datetime(2025, 1, 31) + timedelta(days=rng.randint(0, 690),
                                                        hours=rng.randint(0, 23))
                scores.append((who, module, percent, pd.Timestamp(when), percent >= 80))
    scores.append(scores[0][:2] + (100.0, pd.Timestamp(2026, 11, 1), True))    # a duplicate
    attempts = pd.DataFrame([(rng.choice(learners), rng.choice(list(MODULES)))
                             for _ in range(200)], columns=["learner_id", "module_id"])
    people = pd.DataFrame({"id": learners[:-10],
                           "activity": [rng.choice(["logistics", "transport", "digital", None])
                                        for _ in learners[:-10]]})
    validations = pd.DataFrame([(who, "lift") for who in learners if rng.random() < 0.7],
                               columns=["learner", "skill"])
    scores = pd.DataFrame(scores, columns=["learner", "module", "percent", "date", "passed"])
    return learners, scores, attempts, people, validations


def same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    for column in new.columns:
        assert [None if v is None or v != v else v for v in new[column]] == \
            [None if v is None or v != v else v for v in old[column]], column


def test_status_and_certification_are_the_loops_results():
    learners, scores, attempts, people, validations = group(21)
    new, old = (f(learners, MODULES, scores, attempts, TODAY)
                for f in (module_status, loop_status))
    same(new, old)
    assert set(new.status) == {"not_started", "in_progress", "passed", "expiring", "expired"}
    for with_people in (people, None):
        same(certification(new, validations, ROUTES, with_people),
             loop_certification(old, validations, ROUTES, with_people))


def test_no_scores_no_attempts_no_learners():
    empty = pd.DataFrame(columns=["learner", "module", "percent", "date", "passed"])
    none = pd.DataFrame(columns=["learner_id", "module_id"])
    same(module_status(["a", "b"], MODULES, empty, none, TODAY),
         loop_status(["a", "b"], MODULES, empty, none, TODAY))
    assert module_status([], MODULES, empty, none, TODAY).empty
    status = module_status([], MODULES, empty, none, TODAY)
    assert certification(status, pd.DataFrame(columns=["learner", "skill"]), ROUTES).empty
