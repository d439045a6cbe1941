"""Her route in one look: states in route order, the counts, and the one next step."""

from datetime import date

import pandas as pd

from balise.progress.journey import route_progress
from balise.progress.routes import Route

ROUTE = Route("logistics", {"fr": "Logistique", "en": "Logistics"}, ["logistics"],
              ["culture", "postures", "ppe", "warehouse"],
              [{"id": "lift", "fr": "Levage", "en": "Lift"},
               {"id": "truck", "fr": "Transpalette", "en": "Pallet truck"}])


def status(rows):
    return pd.DataFrame([("amina", m, s, p, None, None) for m, s, p in rows],
                        columns=["learner", "module", "status", "percent", "passed_on",
                                 "expires_on"])


def test_the_next_step_is_the_first_open_module_of_the_route():
    frame = status([("culture", "passed", 100), ("postures", "not_started", None),
                    ("warehouse", "not_started", None)])
    got = route_progress(ROUTE, frame, pd.DataFrame(columns=["learner", "skill"]), "amina")
    assert [m["module"] for m in got.modules] == ROUTE.modules          # route order
    assert got.next_module == "postures"
    assert (got.modules_done, len(got.modules)) == (1, 4)
    assert [m["status"] for m in got.modules] == ["passed", "not_started", "not_started",
                                                  "not_started"]   # ppe: no row, not started


def test_an_expired_module_comes_before_one_begun_and_one_new():
    frame = status([("culture", "passed", 100), ("postures", "in_progress", 50),
                    ("ppe", "not_started", None), ("warehouse", "expired", 90)])
    got = route_progress(ROUTE, frame, pd.DataFrame(columns=["learner", "skill"]), "amina")
    assert got.next_module == "warehouse"
    frame = status([("culture", "passed", 100), ("ppe", "in_progress", 40)])
    assert route_progress(ROUTE, frame, pd.DataFrame(columns=["learner", "skill"]),
                          "amina").next_module == "ppe"


def test_validations_count_and_a_complete_route_has_no_next_module():
    frame = status([(m, "passed", 100) for m in ROUTE.modules[:-1]]
                   + [("warehouse", "expiring", 85)])
    done = pd.DataFrame([("amina", "lift", date(2026, 1, 2)), ("yusuf", "truck", None)],
                        columns=["learner", "skill", "on"])
    got = route_progress(ROUTE, frame, done, "amina")
    assert got.next_module is None and got.modules_done == 4
    assert [v["done"] for v in got.validations] == [True, False]    # yusuf's is not hers
    assert got.validations_done == 1 and not got.complete
    done.loc[len(done)] = ("amina", "truck", None)
    assert route_progress(ROUTE, frame, done, "amina").complete
