"""The store's schema comes from Alembic migrations, and they match the models."""

from alembic.migration import MigrationContext
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
