"""Erasing one person: afterwards no file and no table row of the data folder holds her id
or her name (searched byte by byte); another person's export is unchanged; her
certificates check as revoked; the trail says someone was erased, not who."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime

import pytest

from balise.config import Balise
from balise.grading.coursedir import COURSE_ID
from balise.progress.certificates import verify
from balise.store import admin, badges
from balise.store.erasure import erase_person, traces
from balise.store.models import Attempt, SavedAnswer, Store
from balise.store.personal_data import export_person, store_rows
from balise.store.programme import Accident, Certificate
from balise.store.records import HazardReport

pytestmark = pytest.mark.slow
SECRET = b"k" * 32
HER, NAME = "zoe-erase", "Zoé Kowalczyk"
OTHER = "keep-me"
ROUTES = {"logistics": ["logistics"]}


@pytest.fixture()
def folder(built_course, tmp_path):
    """A data folder of its own: the built course's gradebook, and a store with two learners
    who each have an attempt graded (gradebook, files), a saved answer, a badge."""
    from nbgrader.api import Gradebook

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(built_course.data_path / "gradebook.db", data / "gradebook.db")
    config = Balise(data_dir=str(data))
    store = Store(config.store_url)
    admin.add_site(store, "coordinateur", {"name": "Lyon", "activities": ["logistics"]},
                   site_id="lyon")
    when = datetime(2026, 11, 20, 10)
    for pid, name in [(HER, NAME), (OTHER, "Karim Other")]:
        admin.add_person(store, "coordinateur", {"name": name, "role": "learner",
                                                 "site_id": "lyon", "route": "logistics",
                                                 "placement_start": "2026-10-01"},
                         ROUTES, person_id=pid, password_hash="!")
        with store.session() as s:
            s.add(Attempt(id=f"att-{pid}", learner_id=pid, module_id="culture", number=1,
                          status="graded", submitted_at=when, score=10, max_score=12))
            s.add(SavedAnswer(learner_id=pid, module_id="culture", item="q1",
                              value=json.dumps({"who": name})))
        badges.issue(store, SECRET, "formatrice", pid)
        with Gradebook(config.gradebook_url, COURSE_ID) as gb:
            gb.update_or_create_student(pid, first_name=name)
            gb.update_or_create_submission("culture", pid, timestamp=when)
        for part in ("submitted", "autograded", "feedback"):
            target = data / "course" / part / pid / "culture"
            target.mkdir(parents=True)
            (target / "culture.ipynb").write_text(json.dumps({"learner": pid, "name": name}))
        (data / "attempts").mkdir(exist_ok=True)
        (data / "attempts" / f"att-{pid}.answers.json").write_text(json.dumps({"by": pid}))
    with store.session() as s:
        s.add(Certificate(code="Zq3xT8vB2nLw5Yr7Kp1mDs", learner_id=HER, route_id="logistics",
                          issued_on=date(2026, 11, 21), valid_until=date(2027, 11, 21),
                          modules="[]"))
        s.add(Accident(site_id="lyon", activity="logistics", on=date(2026, 11, 2),
                       lost_time=True, days_lost=4, person_id=HER,
                       what_happened=f"{NAME} a glissé ; {OTHER} l'a aidée."))
        s.add(HazardReport(site_id="lyon", reporter_id=HER, kind="slip", place="Allée 3",
                           text=f"Signalé par {NAME}", created_at=when))
    yield config, store, data
    store.dispose()


def erase(config, store, data, who=HER):
    return erase_person(store, config.gradebook_url, COURSE_ID, data, SECRET, "coordinateur",
                        who, today=date(2026, 12, 7))


def test_after_erasure_nothing_in_the_data_folder_holds_her_id_or_her_name(folder):
    config, store, data = folder
    before = traces(data, [HER, NAME])           # before: the store (or its log), the rest
    assert any(p.startswith("balise.db") for p in before) and "gradebook.db" in before
    assert f"course/feedback/{HER}/culture/culture.ipynb" in before
    done = erase(config, store, data)
    store.dispose()
    assert traces(data, [HER, NAME]) == []
    assert done["certificates"] == 1 and done["files"] == 1
    # The employer's records stay, without her: the accident and its days lost, the report.
    again = Store(config.store_url)
    with again.session() as s:
        accident = s.get(Accident, 1)
        assert (accident.person_id, accident.days_lost) == (None, 4)
        assert "Personne effacée a glissé" in accident.what_happened
        assert OTHER in accident.what_happened
        assert s.get(HazardReport, 1).reporter_id is None
    line = admin.trail(again)[0]
    assert line.kind == "person.erase" and line.actor_id == "coordinateur"
    assert done["ref"] in line.changes and HER not in line.changes
    # A printed certificate now checks as revoked, without a name.
    found = verify(again, "Zq3xT8vB2nLw5Yr7Kp1mDs")
    assert found["state"] == "revoked" and found["name"] is None
    again.dispose()


def test_another_persons_export_is_unchanged(folder):
    config, store, data = folder

    def exported():
        rows = store_rows(store, OTHER)
        rows.pop("trail", None)          # the trail grows by the erasure's own line only
        return rows, export_person(store, config.gradebook_url, COURSE_ID, data / "attempts",
                                   OTHER)

    (rows_before, zip_before) = exported()
    erase(config, store, data)
    rows_after, zip_after = exported()
    assert rows_after == rows_before
    import io
    import zipfile
    for name in ("gradebook.json",):
        assert (zipfile.ZipFile(io.BytesIO(zip_after)).read(name)
                == zipfile.ZipFile(io.BytesIO(zip_before)).read(name))
    assert traces(data, [OTHER]) != []             # she is still there, whole


def test_an_unknown_id_erases_nothing(folder):
    from balise import BaliseError

    config, store, data = folder
    with pytest.raises(BaliseError, match="Nobody with the id"):
        erase(config, store, data, who="nobody-at-all")
    assert store.person(HER) is not None and (data / "course/submitted" / HER).is_dir()
