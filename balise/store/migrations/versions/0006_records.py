"""The programme's own records: an accident's details and cause tree, a safety visit's
grid, hazard and near-miss reports, one action plan.

``accidents`` and ``safety_visits`` gain columns (plain ADD COLUMN with literal defaults,
so SQLite keeps the tables as they are; see 0005); the rest are new tables
(:mod:`balise.store.records`). Existing rows keep their figures: an accident without a
description or a visit without a grid is shown as such, never invented.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ACCIDENT_COLUMNS = [
    sa.Column("at", sa.String(5), nullable=True),
    sa.Column("person_id", sa.String(64), nullable=True),
    sa.Column("what_happened", sa.String(2000), nullable=False, server_default=""),
    sa.Column("first_aid", sa.String(1000), nullable=False, server_default=""),
    sa.Column("declared_on", sa.Date(), nullable=True),
    sa.Column("recorded_by", sa.String(64), nullable=True),
]
VISIT_COLUMNS = [
    sa.Column("visitor_id", sa.String(64), nullable=True),
    sa.Column("talked", sa.Boolean(), nullable=False, server_default="0"),
    sa.Column("follow_up", sa.String(20), nullable=True),
]


def upgrade() -> None:
    for column in ACCIDENT_COLUMNS:
        op.add_column("accidents", column)
    op.create_index("ix_accidents_person_id", "accidents", ["person_id"])
    for column in VISIT_COLUMNS:
        op.add_column("safety_visits", column)
    op.create_table(
        "cause_facts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("accident_id", sa.Integer(), sa.ForeignKey("accidents.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
    )
    op.create_index("ix_cause_facts_accident_id", "cause_facts", ["accident_id"])
    op.create_table(
        "cause_links",
        sa.Column("effect_id", sa.Integer(), sa.ForeignKey("cause_facts.id"), primary_key=True),
        sa.Column("cause_id", sa.Integer(), sa.ForeignKey("cause_facts.id"), primary_key=True),
    )
    op.create_table(
        "visit_marks",
        sa.Column("visit_id", sa.Integer(), sa.ForeignKey("safety_visits.id"),
                  primary_key=True),
        sa.Column("theme", sa.String(20), primary_key=True),
        sa.Column("safe", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
    )
    op.create_table(
        "hazard_reports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("reporter_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("photo", sa.String(100), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handled_by", sa.String(64), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_hazard_reports_site_id", "hazard_reports", ["site_id"])
    op.create_index("ix_hazard_reports_reporter_id", "hazard_reports", ["reporter_id"])
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_actions_site_id", "actions", ["site_id"])
    op.create_index("ix_actions_owner_id", "actions", ["owner_id"])


def downgrade() -> None:
    op.drop_index("ix_actions_owner_id", "actions")
    op.drop_index("ix_actions_site_id", "actions")
    op.drop_table("actions")
    op.drop_index("ix_hazard_reports_reporter_id", "hazard_reports")
    op.drop_index("ix_hazard_reports_site_id", "hazard_reports")
    op.drop_table("hazard_reports")
    op.drop_table("visit_marks")
    op.drop_table("cause_links")
    op.drop_index("ix_cause_facts_accident_id", "cause_facts")
    op.drop_table("cause_facts")
    with op.batch_alter_table("safety_visits") as batch:
        for column in VISIT_COLUMNS:
            batch.drop_column(column.name)
    op.drop_index("ix_accidents_person_id", "accidents")
    with op.batch_alter_table("accidents") as batch:
        for column in ACCIDENT_COLUMNS:
            batch.drop_column(column.name)
