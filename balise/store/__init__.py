"""Balise's own tables and their life: SQLAlchemy models, migrations, backups.

:mod:`.models` holds the store (people, sites, attempts, saved answers) and the
session; :mod:`.programme` the safety programme's tables (teams, quarter-hours,
warm-ups, validations, certificates, refreshers, accidents, hours); ``migrations/``
the Alembic revisions that build them; :mod:`.backup` copies and restores the
data folder. Imports nothing from the web, hub or demo rooms.
"""
