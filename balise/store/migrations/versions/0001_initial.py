"""Sites, people, attempts and saved answers.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=True),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
    )
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("graded_at", sa.DateTime(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("message", sa.String(500), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("details", sa.String(), nullable=True),
        sa.Column("flags", sa.String(), nullable=True),
        sa.UniqueConstraint("learner_id", "module_id", "number"),
    )
    op.create_index("ix_attempts_status", "attempts", ["status"])
    op.create_table(
        "saved_answers",
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("module_id", sa.String(64), primary_key=True),
        sa.Column("item", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(2000), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("saved_answers")
    op.drop_index("ix_attempts_status", "attempts")
    op.drop_table("attempts")
    op.drop_table("people")
    op.drop_table("sites")
