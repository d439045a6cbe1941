"""Into service: sites gain an address and activities, teams and people a trainer, people the
day their placement ended (archived), and the trail of every change and every page opened.

Existing data is carried over: a site's activities are those of its teams; a team's
trainer is the first trainer of its site (by id); a learner's trainer is her team's, else
the first of her site's. Nobody is archived.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("activities", sa.String(300), nullable=False,
                                   server_default="[]"))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("trainer_id", sa.String(64), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("trainer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    op.create_table(
        "trail",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("site_id", sa.String(40), nullable=True),
        sa.Column("team_id", sa.String(40), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("form_key", sa.String(64), nullable=True, unique=True),
    )
    op.create_index("ix_trail_at", "trail", ["at"])
    op.create_index("ix_trail_person_id", "trail", ["person_id"])
    carry_over(op.get_bind())


def carry_over(bind) -> None:
    """Fill the new columns from what the store already says (see the module's text)."""
    sites = sa.table("sites", sa.column("id"), sa.column("activities"))
    teams = sa.table("teams", sa.column("id"), sa.column("site_id"), sa.column("activity"),
                     sa.column("trainer_id"))
    people = sa.table("people", sa.column("id"), sa.column("role"), sa.column("site_id"),
                      sa.column("team_id"), sa.column("trainer_id"))
    team_rows = bind.execute(sa.select(teams.c.id, teams.c.site_id, teams.c.activity)).all()
    trainers: dict[str, str] = {}
    for pid, site in bind.execute(sa.select(people.c.id, people.c.site_id)
                                  .where(people.c.role == "trainer").order_by(people.c.id)):
        trainers.setdefault(site, pid)
    for (site,) in bind.execute(sa.select(sites.c.id)).all():
        found = sorted({activity for _, s, activity in team_rows if s == site and activity})
        bind.execute(sites.update().where(sites.c.id == site)
                     .values(activities=json.dumps(found)))
    team_trainer = {}
    for team, site, _ in team_rows:
        team_trainer[team] = trainers.get(site)
        if team_trainer[team]:
            bind.execute(teams.update().where(teams.c.id == team)
                         .values(trainer_id=team_trainer[team]))
    for pid, site, team in bind.execute(sa.select(people.c.id, people.c.site_id,
                                                  people.c.team_id)
                                        .where(people.c.role == "learner")).all():
        trainer = team_trainer.get(team) or trainers.get(site)
        if trainer:
            bind.execute(people.update().where(people.c.id == pid).values(trainer_id=trainer))


def downgrade() -> None:
    op.drop_index("ix_trail_person_id", "trail")
    op.drop_index("ix_trail_at", "trail")
    op.drop_table("trail")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("ended_on")
        batch.drop_column("trainer_id")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("trainer_id")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("activities")
        batch.drop_column("address")
