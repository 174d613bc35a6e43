"""forecast snapshots (PIPE-4)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("forecast", sa.Float(), nullable=False),
        sa.Column("won_to_date", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_snapshots")),
    )
    op.create_index(
        "ix_forecast_snapshots_period_start", "forecast_snapshots", ["period_start"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_forecast_snapshots_period_start", table_name="forecast_snapshots")
    op.drop_table("forecast_snapshots")
