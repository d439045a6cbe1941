"""Alembic environment for Balise's store (not nbgrader's gradebook, which has its own)."""

from alembic import context

from balise.store.models import Base

VERSION_TABLE = "balise_alembic_version"   # apart from nbgrader's alembic_version

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
