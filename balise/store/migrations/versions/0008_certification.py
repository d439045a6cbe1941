"""Each learner's certification kept in the store, so the dashboard sums it instead of
recomputing two million module statuses from the gradebook on every view.

``learner_certification``: one row per learner (see :mod:`balise.store.certification`:
what it holds and why nothing in it depends on the day); ``certification_stale``: the
learners whose row must be worked out again (a grade, a field validation). A store in
service gets every learner marked here, so its first reading fills the summary from its
own rows; nothing is invented by the migration itself, which cannot read the gradebook.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learner_certification",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("activity", sa.String(40), nullable=True),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("routes", sa.Integer(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
    )
    op.create_table(
        "certification_stale",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_certification_stale_learner_id", "certification_stale",
                    ["learner_id"])
    op.execute("INSERT INTO certification_stale (learner_id) "
               "SELECT id FROM people WHERE role = 'learner'")


def downgrade() -> None:
    op.drop_index("ix_certification_stale_learner_id", "certification_stale")
    op.drop_table("certification_stale")
    op.drop_table("learner_certification")
