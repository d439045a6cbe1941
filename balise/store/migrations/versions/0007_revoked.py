"""Certificates revoked by an erasure: their codes, so a printed copy checks as revoked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_certificates",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("route_id", sa.String(64), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("revoked_certificates")
