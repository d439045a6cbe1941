"""Who expires, by name: hand-checked lists, and as many names as the dashboard counts."""

from datetime import date

import pandas as pd
from test_indicators import CERT, PEOPLE, TODAY

from balise.progress.expiry import who_expires
from balise.progress.indicators import certification_shares, learner_certification

NAMES = PEOPLE.assign(name=PEOPLE.id.str.upper())
STATUS = pd.DataFrame(
    # learner, module, status, expires on
    [("a", "postures", "passed", date(2027, 6, 1)),      # 188 days: in no list
     ("a", "ppe", "passed", date(2027, 1, 5)),           # 41 days: within 60
     ("b", "culture", "expiring", date(2026, 12, 10)),   # 15 days: within 30
     ("c", "culture", "expired", date(2026, 11, 25)),    # today: expired (as its status says)
     ("g", "culture", "expired", date(2026, 1, 1)),      # left: in no list
     ("d", "culture", "in_progress", None)],
    columns=["learner", "module", "status", "expires_on"]).assign(percent=None, passed_on=None)


def lists():
    return who_expires(learner_certification(NAMES, CERT, TODAY), STATUS, TODAY)


def test_each_list_names_the_people_worked_out_by_hand():
    out = lists()
    got = {(r.list, r.learner, r.kind, r.item) for r in out.itertuples()}
    assert got == {
        ("within_30", "b", "certificate", None), ("within_30", "b", "module", "culture"),
        ("within_60", "c", "certificate", None), ("within_60", "a", "module", "ppe"),
        ("expired", "j", "certificate", None), ("expired", "c", "module", "culture"),
        ("overdue", "d", "certificate", None)}
    d = out[(out.learner == "d")].iloc[0]
    assert d.on == date(2026, 7, 30) and d["name"] == "D"        # 1 May + 90 days


def test_most_urgent_first():
    assert list(lists()["list"].astype(str)) == ["expired", "expired", "within_30",
                                                  "within_30", "within_60", "within_60",
                                                  "overdue"]


def test_as_many_certificate_names_as_the_dashboard_counts():
    out = lists()
    certs = out[out.kind == "certificate"]
    for site, row in certification_shares(NAMES, CERT, "site", TODAY).set_index("site").iterrows():
        here = certs[certs.site_id == site]
        assert (here.list == "within_30").sum() == row.expiring_30, site
        assert here.list.isin(["within_30", "within_60"]).sum() == row.expiring_60, site
        assert here.list.isin(["expired", "overdue"]).sum() == row.overdue, site
