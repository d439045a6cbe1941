"""Badges instead of passwords for learners, and a first sign-in that asks trainers and
coordinators for a new password.

``badges``: one row per badge printed, its token and short code stored as keyed hashes
(:mod:`balise.store.badges`), who issued it and when, and when it was revoked (reissued or
lost). ``people.must_change_password``: set by a coordinator's reset (how a trainer added
from the pages gets her first password); the next sign-in asks for a password of her own
before anything else. Existing people keep theirs: nobody is asked.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badges",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_badges_person_id", "badges", ["person_id"])
    # A plain ADD COLUMN with a literal default: SQLite then keeps the table as it is. A
    # batch with sa.false() (an expression) makes Alembic copy and DROP the people table,
    # which SQLite refuses once other tables point at people (foreign keys on).
    op.add_column("people", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("must_change_password")
    op.drop_index("ix_badges_person_id", "badges")
    op.drop_table("badges")
