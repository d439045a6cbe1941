"""The store's schema comes from Alembic migrations, and they match the models."""

from alembic.migration import MigrationContext
from shared import store_at
from sqlalchemy import inspect

from balise.store.models import Base, Store


def test_new_store_is_migrated_to_head(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    tables = set(inspect(store.engine).get_table_names())
    assert {"sites", "people", "attempts", "saved_answers", "balise_alembic_version"} <= tables
    store.dispose()


def test_migrations_match_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata

    store = Store(f"sqlite:///{tmp_path / 'balise.db'}")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table":
                                                         "balise_alembic_version"})
        diff = [d for d in compare_metadata(context, Base.metadata)
                if not (d[0] == "remove_table" and d[1].name == "balise_alembic_version")]
    assert diff == []
    store.dispose()


def test_second_open_keeps_the_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'balise.db'}"
    from balise.demo import accounts as demo

    first = Store(url)
    demo.seed(first)
    first.dispose()
    again = Store(url)
    assert not again.is_empty()
    again.dispose()


def test_a_store_in_service_upgrades_with_its_people_and_their_attempts(tmp_path):
    """An upgrade never copies and drops the people table: SQLite refuses to drop it once
    an attempt points at a person (foreign keys on), and the server would not start."""
    import balise.store.models as models

    url = store_at(
        tmp_path / "old.db", "0001",
        "INSERT INTO sites (id, name) VALUES ('s1', 'Lyon')",
        "INSERT INTO people (id, name, role, site_id, language, password_hash) "
        "VALUES ('amina', 'Amina', 'learner', 's1', 'fr', '!')",
        "INSERT INTO attempts (id, learner_id, module_id, number, status, submitted_at, "
        "failures) VALUES ('a1', 'amina', 'culture', 1, 'graded', '2026-12-01 10:00:00', 0)")
    store = Store(url)                                   # every migration to head
    with store.session() as s:
        assert s.get(models.Attempt, "a1").learner_id == "amina"
        assert s.get(models.Person, "amina").name == "Amina"
    store.dispose()


def test_accidents_and_visits_recorded_before_0006_keep_their_figures(tmp_path):
    """Migration 0006 adds the accident's details and the visit's grid as columns with
    defaults: a row from before keeps its date, lost time and days lost, and has none."""
    from balise.store.programme import Accident, SafetyVisit

    url = store_at(
        tmp_path / "old.db", "0005",
        "INSERT INTO sites (id, name) VALUES ('s1', 'Lyon')",
        "INSERT INTO accidents (site_id, activity, \"on\", lost_time, days_lost) "
        "VALUES ('s1', 'logistics', '2026-11-03', 1, 12)",
        "INSERT INTO safety_visits (site_id, \"on\", finding) "
        "VALUES ('s1', '2026-11-04', 'Allée encombrée')")
    store = Store(url)
    with store.session() as s:
        accident = s.get(Accident, 1)
        assert (accident.lost_time, accident.days_lost, accident.what_happened) == (True, 12, "")
        assert accident.declared_on is None and accident.person_id is None
        visit = s.get(SafetyVisit, 1)
        assert (visit.finding, visit.talked, visit.follow_up) == ("Allée encombrée", False, None)
    store.dispose()
