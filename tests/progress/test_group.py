"""The trainer's group: who has not begun first, and each one's next step from her route."""

from datetime import datetime

import pandas as pd

from balise.progress.group import group
from balise.progress.journey import route_progress
from balise.progress.routes import Route

ROUTE = Route("logistics", {"fr": "Logistique", "en": "Logistics"}, ["logistics"],
              ["culture", "postures"], [{"id": "lift", "fr": "Levage", "en": "Lift"}])
LEARNERS = pd.DataFrame(
    [("zoe", "Zoé Martin", "quai", "logistics"), ("eric", "Éric Abel", "quai", "logistics"),
     ("ana", "Ana Bo", None, "logistics"), ("max", "Max Roy", "quai", "office"),
     ("ines", "Inès Dupont", "quai", "logistics")],
    columns=["id", "name", "team_id", "activity"])
NO_VALIDATIONS = pd.DataFrame(columns=["learner", "skill"])


def status(rows):
    return pd.DataFrame([(learner, m, s, None, None, None) for learner, m, s in rows],
                        columns=["learner", "module", "status", "percent", "passed_on",
                                 "expires_on"])


def attempts(rows):
    return pd.DataFrame([(f"a{n}", learner, module, when, flags)
                         for n, (learner, module, when, flags) in enumerate(rows)],
                        columns=["id", "learner_id", "module_id", "submitted_at", "flags"])


def test_those_who_have_not_begun_come_first_then_by_name_accents_aside():
    frame = status([("zoe", "culture", "in_progress"), ("ana", "culture", "passed"),
                    ("ana", "postures", "passed"), ("ines", "culture", "in_progress")])
    done = pd.DataFrame([("ana", "lift")], columns=["learner", "skill"])
    tried = attempts([("zoe", "culture", datetime(2026, 3, 1, 9), None),
                      ("ines", "culture", datetime(2026, 3, 2, 9), None),
                      ("ana", "culture", datetime(2026, 2, 1, 9), None)])
    members = group(LEARNERS, [ROUTE], frame, done, tried)
    assert [(m.learner, m.stage) for m in members] == [
        ("eric", "not_started"), ("max", "not_started"),        # Éric before Max
        ("ines", "in_progress"), ("zoe", "in_progress"), ("ana", "complete")]
    assert members[0].team == "quai" and members[-1].team is None


def test_each_next_step_is_her_route_progress_and_a_learner_without_route_has_none():
    frame = status([("zoe", "culture", "passed"), ("zoe", "postures", "expired")])
    members = {m.learner: m for m in group(LEARNERS, [ROUTE], frame, NO_VALIDATIONS,
                                           attempts([]))}
    assert members["zoe"].journey == route_progress(ROUTE, frame, NO_VALIDATIONS, "zoe")
    assert members["zoe"].journey.next_module == "postures"
    assert members["eric"].journey.next_module == "culture"           # the first of the route
    assert members["max"].journey is None and members["max"].stage == "not_started"


def test_the_field_validation_comes_next_once_every_module_holds():
    frame = status([("zoe", "culture", "passed"), ("zoe", "postures", "expiring")])
    got = route_progress(ROUTE, frame, NO_VALIDATIONS, "zoe")
    assert got.next_module is None and got.next_validation["id"] == "lift"
    assert got.started and not got.complete
    begun = route_progress(ROUTE, status([("zoe", "culture", "passed")]), NO_VALIDATIONS, "zoe")
    assert begun.next_validation is None                   # a module first
    assert not route_progress(ROUTE, status([]), NO_VALIDATIONS, "zoe").started


def test_the_last_day_handed_in_and_the_modules_to_check_are_hers():
    tried = attempts([("zoe", "culture", datetime(2026, 3, 1, 9), None),
                      ("zoe", "postures", datetime(2026, 3, 5, 17), '{"code": 1}'),
                      ("eric", "culture", datetime(2026, 4, 1, 9), '{"code": 1}'),
                      ("someone-else", "culture", datetime(2026, 5, 1, 9), '{"code": 1}')])
    members = {m.learner: m for m in group(LEARNERS, [ROUTE], status([]), NO_VALIDATIONS, tried)}
    assert str(members["zoe"].last_attempt) == "2026-03-05"
    assert members["zoe"].to_check == ["postures"] and members["eric"].to_check == ["culture"]
    assert members["ana"].last_attempt is None and members["ana"].to_check == []
