"""Teams and placements; field validations, quarter-hours, warm-ups, safety visits,
accidents, hours worked, certificates and refreshers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("activity", sa.String(40), nullable=False),
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("team_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("activity", sa.String(40), nullable=True))
        batch.add_column(sa.Column("placement_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("placement_end", sa.Date(), nullable=True))
    op.create_table(
        "field_validations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("skill", sa.String(64), nullable=False),
        sa.Column("trainer_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.UniqueConstraint("learner_id", "skill"),
    )
    op.create_index("ix_field_validations_learner_id", "field_validations", ["learner_id"])
    op.create_table(
        "quarter_hours",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(40), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("trainer_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
    )
    op.create_index("ix_quarter_hours_team_id", "quarter_hours", ["team_id"])
    op.create_table(
        "attendance",
        sa.Column("quarter_hour_id", sa.Integer(), sa.ForeignKey("quarter_hours.id"),
                  primary_key=True),
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), primary_key=True),
    )
    op.create_table(
        "warm_ups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(40), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("trainer_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.UniqueConstraint("team_id", "on"),
    )
    op.create_index("ix_warm_ups_team_id", "warm_ups", ["team_id"])
    op.create_table(
        "safety_visits",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("team_id", sa.String(40), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("finding", sa.String(500), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_safety_visits_site_id", "safety_visits", ["site_id"])
    op.create_table(
        "accidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), nullable=False),
        sa.Column("team_id", sa.String(40), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("activity", sa.String(40), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("lost_time", sa.Boolean(), nullable=False),
        sa.Column("days_lost", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_accidents_site_id", "accidents", ["site_id"])
    op.create_table(
        "hours_worked",
        sa.Column("site_id", sa.String(40), sa.ForeignKey("sites.id"), primary_key=True),
        sa.Column("activity", sa.String(40), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("hours", sa.Float(), nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("route_id", sa.String(64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("modules", sa.String(2000), nullable=False),
    )
    op.create_index("ix_certificates_learner_id", "certificates", ["learner_id"])
    op.create_table(
        "refreshers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("module_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("questions", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("learner_id", "module_id", "reason", "due_on"),
    )
    op.create_index("ix_refreshers_learner_id", "refreshers", ["learner_id"])


def downgrade() -> None:
    for table in ("refreshers", "certificates", "hours_worked", "accidents", "safety_visits",
                  "warm_ups", "attendance", "quarter_hours", "field_validations"):
        op.drop_table(table)
    with op.batch_alter_table("people") as batch:
        for column in ("placement_end", "placement_start", "activity", "team_id"):
            batch.drop_column(column)
    op.drop_table("teams")
