"""A site's monthly review: exactly that site's and month's records, its figures from the
one function each, "heures manquantes" without hours, and only for who may see the site.

The test makes its own site and rows (ids unique to the test), in a month long past, so
no demo row or other test falls in it.
"""

import json
import uuid
from datetime import date, datetime

import pandas as pd
import pytest

from balise.formats import decimal
from balise.progress.indicators import frequency_rate, severity_rate
from balise.store.models import Person, Site
from balise.store.programme import Accident, HoursWorked, SafetyVisit
from balise.store.records import Action, CauseFact, HazardReport

MONTH, BEFORE = "2024-03", date(2024, 2, 29)


@pytest.fixture(scope="module")
def seeded(store):
    """A new site with one of each record in March 2024, and others just outside it."""
    site, other = f"rv-{uuid.uuid4().hex[:8]}", f"rv-{uuid.uuid4().hex[:8]}"
    ids = {"site": site, "other": other}
    with store.session() as s:
        for sid in (site, other):
            s.add(Site(id=sid, name=f"Site {sid}", activities=json.dumps(["logistics"])))
        s.flush()
        s.add(Person(id=f"tr-{site}", name="Formatrice du site", role="trainer", site_id=site,
                     password_hash="!"))
        rows = {
            "in": [Accident(site_id=site, activity="logistics", on=date(2024, 3, 4),
                            lost_time=True, days_lost=6, what_happened="Chute du quai"),
                   Accident(site_id=site, activity="logistics", on=date(2024, 3, 20),
                            lost_time=False, days_lost=0, what_happened="Coupure au doigt")],
            "out": [Accident(site_id=site, activity="logistics", on=BEFORE, lost_time=True,
                             days_lost=3),
                    Accident(site_id=other, activity="logistics", on=date(2024, 3, 10),
                             lost_time=True, days_lost=2)],
        }
        for group in rows.values():
            s.add_all(group)
        s.flush()
        ids["accidents_in"] = [a.id for a in rows["in"]]
        ids["accidents_out"] = [a.id for a in rows["out"]]
        s.add(CauseFact(accident_id=rows["in"][0].id, kind="injury", text="Entorse"))
        visits = [SafetyVisit(site_id=site, on=date(2024, 3, 12), finding="Allée encombrée"),
                  SafetyVisit(site_id=site, on=date(2024, 4, 1), finding="Avril"),
                  SafetyVisit(site_id=other, on=date(2024, 3, 12), finding="Autre site")]
        reports = [HazardReport(site_id=site, kind="slip", place="Quai A",
                                created_at=datetime(2024, 3, 31, 22)),
                   HazardReport(site_id=site, kind="fall", place="Quai B",
                                created_at=datetime(2024, 2, 28, 9)),
                   HazardReport(site_id=other, kind="fire", place="Atelier",
                                created_at=datetime(2024, 3, 5, 9))]
        actions = [Action(site_id=site, source="committee", text="Ouverte en mars",
                          owner_id=f"tr-{site}", due_on=date(2024, 4, 30), state="open",
                          created_by="t", created_at=datetime(2024, 3, 2, 9)),
                   Action(site_id=site, source="committee", text="Faite en mars",
                          owner_id=f"tr-{site}", due_on=date(2024, 3, 15), state="done",
                          done_on=date(2024, 3, 14), created_by="t",
                          created_at=datetime(2024, 1, 2, 9)),
                   Action(site_id=other, source="committee", text="Autre site",
                          owner_id="coordinateur", due_on=date(2024, 3, 15), state="done",
                          done_on=date(2024, 3, 14), created_by="t",
                          created_at=datetime(2024, 3, 2, 9))]
        s.add_all(visits + reports + actions)
        s.add(HoursWorked(site_id=site, activity="logistics", month=date(2024, 3, 1),
                          hours=12_500))
        s.flush()
        ids["visits"] = [v.id for v in visits]
        ids["reports"] = [r.id for r in reports]
        ids["actions"] = [a.id for a in actions]
    return ids


def test_the_review_lists_exactly_that_sites_records_of_that_month(server, seeded, coordinator):
    page = coordinator.get(
        server.url + f"balise/review/{seeded['site']}/{MONTH}").text
    for accident in seeded["accidents_in"]:
        assert f'id="accident-{accident}"' in page
        assert f'href="/balise/accidents/{accident}"' in page
    for accident in seeded["accidents_out"]:
        assert f'id="accident-{accident}"' not in page
    visit_in, visit_april, visit_other = seeded["visits"]
    assert f'id="visit-{visit_in}"' in page
    assert f'id="visit-{visit_april}"' not in page and f'id="visit-{visit_other}"' not in page
    report_in, report_february, report_other = seeded["reports"]
    assert f'id="report-{report_in}"' in page
    assert f'id="report-{report_february}"' not in page
    assert f'id="report-{report_other}"' not in page
    opened, closed, other = seeded["actions"]
    assert f'id="opened-{opened}"' in page and f'id="closed-{closed}"' in page
    assert f'id="opened-{closed}"' not in page                   # opened in January
    assert f'-{other}"' not in page
    # The first accident's cause analysis has a fact; the second's is still to do.
    assert "Analyse des causes : 1 fait(s)" in page
    assert "Analyse des causes à faire" in page


def test_the_review_figures_are_the_indicators_functions(server, seeded, coordinator):
    page = coordinator.get(
        server.url + f"balise/review/{seeded['site']}/{MONTH}").text
    site = seeded["site"]
    accidents = pd.DataFrame([{"site_id": site, "on": date(2024, 3, 4), "lost_time": True,
                               "days_lost": 6},
                              {"site_id": site, "on": date(2024, 3, 20), "lost_time": False,
                               "days_lost": 0}])
    hours = pd.DataFrame([{"site_id": site, "month": date(2024, 3, 1), "hours": 12_500.0}])
    tf = frequency_rate(accidents, hours, ["site_id", "month"]).tf.iloc[0]
    tg = severity_rate(accidents, hours, ["site_id", "month"]).tg.iloc[0]
    assert (tf, tg) == (80.0, 0.48)                  # 1 × 10⁶ / 12 500; 6 × 10³ / 12 500
    figure = page.split('id="figure-tf"')[1].split("</li>")[0]
    assert f'<p class="value">{decimal(tf)}</p>' in figure
    figure = page.split('id="figure-tg"')[1].split("</li>")[0]
    assert f'<p class="value">{decimal(tg)}</p>' in figure            # "0,48"
    figure = page.split('id="figure-actions"')[1].split("</li>")[0]
    assert '<p class="value">1 / 1</p>' in figure                      # closed on time / closed


def test_a_month_without_hours_reads_heures_manquantes_not_a_rate(server, seeded, coordinator):
    page = coordinator.get(
        server.url + f"balise/review/{seeded['site']}/2024-02").text
    for figure in ("hours", "tf", "tg"):
        said = page.split(f'id="figure-{figure}"')[1].split("</li>")[0]
        assert "heures manquantes" in said
        assert "∞" not in said and '<p class="value">0</p>' not in said
    assert 'id="enter-hours"' in page


def test_its_own_trainer_sees_it_another_sites_trainer_gets_403(server, seeded):
    r = server.session("formatrice").get(server.url + f"balise/review/{seeded['site']}/{MONTH}")
    assert r.status_code == 403
    assert "Chute du quai" not in r.text
    assert server.session("amina").get(
        server.url + f"balise/review/{seeded['site']}/{MONTH}").status_code == 403
    own = server.session("formatrice").get(server.url + f"balise/review/lyon-logistique/{MONTH}")
    assert own.status_code == 200


@pytest.mark.parametrize("path", ["balise/review/no-such-site/2024-03",
                                  "balise/review/lyon-logistique/2099-01",
                                  "balise/review/lyon-logistique/2024-13"])
def test_an_unknown_site_or_a_month_to_come_gets_a_plain_message(server, coordinator, path):
    r = coordinator.get(server.url + path)
    assert r.status_code == 404
    assert "<h1>" in r.text and "Traceback" not in r.text
