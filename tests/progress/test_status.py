"""Module status and certification, on hand-checked dates."""

from datetime import date

import pandas as pd

from balise.progress import Route
from balise.progress.status import certification, module_status

TODAY = date(2026, 11, 25)
SCORES = pd.DataFrame(
    [("amina", "postures", 90.0, "2026-06-01", True),    # expires 2027-06-01: passed
     ("yusuf", "postures", 85.0, "2025-12-10", True),    # expires 2026-12-10: in 15 days
     ("lea", "postures", 100.0, "2025-11-01", True),     # expired 2026-11-01
     ("zoe", "postures", 40.0, "2026-11-20", False)],    # tried, not passed
    columns=["learner", "module", "percent", "date", "passed"])
ATTEMPTS = pd.DataFrame([("marc", "ppe")], columns=["learner_id", "module_id"])
LEARNERS = ["amina", "yusuf", "lea", "zoe", "marc"]


def status_of(frame, learner, module):
    return frame.set_index(["learner", "module"]).loc[(learner, module), "status"]


def test_each_status_on_hand_checked_dates():
    st = module_status(LEARNERS, {"postures": 12, "ppe": 12}, SCORES, ATTEMPTS, TODAY)
    assert status_of(st, "amina", "postures") == "passed"
    assert status_of(st, "yusuf", "postures") == "expiring"
    assert status_of(st, "lea", "postures") == "expired"
    assert status_of(st, "zoe", "postures") == "in_progress"
    assert status_of(st, "marc", "ppe") == "in_progress"           # an attempt, no score yet
    assert status_of(st, "marc", "postures") == "not_started"
    row = st.set_index(["learner", "module"]).loc[("yusuf", "postures")]
    assert row.expires_on == date(2026, 12, 10)


def test_module_validity_comes_from_the_module():
    st = module_status(["lea"], {"postures": 24}, SCORES, ATTEMPTS, TODAY)
    assert status_of(st, "lea", "postures") == "passed"             # 24 months: until 2027-11


def test_certified_when_modules_hold_and_validations_are_signed():
    st = module_status(LEARNERS, {"postures": 12}, SCORES, ATTEMPTS, TODAY)
    routes = [Route("socle", {}, [], ["postures"],
                    [{"id": "correct-lift", "fr": "Levage correct", "en": "Correct lift"}])]
    validations = pd.DataFrame([("amina", "correct-lift"), ("yusuf", "correct-lift")],
                               columns=["learner", "skill"])
    cert = certification(st, validations, routes).set_index("learner")
    assert bool(cert.loc["amina", "certified"]) and bool(cert.loc["yusuf", "certified"])
    assert not cert.loc["lea", "certified"] and cert.loc["lea", "missing_modules"] == ["postures"]
    assert cert.loc["zoe", "missing_validations"] == ["correct-lift"]


def test_site_certification_counts_per_site_as_the_dashboard_does():
    """The coordinator's table by site counts the same learners, with the same words, as
    the dashboard's certification by site: a placement that ended is in neither."""
    from balise.progress import site_certification
    from balise.progress.indicators import certification_shares

    start = date(2026, 1, 5)
    rows = [(p, "learner", "lyon", start, None) for p in LEARNERS[:3]]
    rows += [(p, "learner", "paris", start, None) for p in LEARNERS[3:]]
    rows += [("nadia", "trainer", "lyon", start, None),
             ("old", "learner", "lyon", start, date(2026, 10, 31))]      # placement ended
    people = pd.DataFrame(rows, columns=["id", "role", "site_id", "placement_start",
                                         "placement_end"]).assign(activity="logistics")
    sites = pd.DataFrame([("lyon", "Lyon"), ("paris", "Paris")], columns=["id", "name"])
    st = module_status(LEARNERS + ["old"], {"postures": 12}, SCORES, ATTEMPTS, TODAY)
    cert = certification(st, pd.DataFrame(columns=["learner", "skill"]),
                         [Route("socle", {}, [], ["postures"])])
    summary = site_certification(people, sites, st, cert, TODAY).set_index("site")
    # Lyon: amina and yusuf certified, yusuf's until 10 December (in 15 days); lea's pass
    # expired, so she is overdue (started in January). "old" has left: not counted.
    assert summary.loc["Lyon"].tolist() == [3, 2, 1, 1, 2, 1]
    # Paris: zoe tried, marc started: neither certified; both overdue (started in January).
    assert summary.loc["Paris"].tolist() == [2, 0, 0, 2, 0, 0]
    shares = certification_shares(people, cert, "site", TODAY).set_index("site")
    for site, name in [("lyon", "Lyon"), ("paris", "Paris")]:
        for column in ("learners", "certified", "expiring_30", "overdue"):
            assert summary.loc[name, column] == shares.loc[site, column]
