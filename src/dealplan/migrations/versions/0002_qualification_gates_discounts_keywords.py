"""qualification, gates, discounts, keywords

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "keyword_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_keyword_counts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyword_counts")),
    )
    with op.batch_alter_table("keyword_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_keyword_counts_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "discount_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=False),
        sa.Column("approver", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("quid_pro_quo", sa.Text(), nullable=True),
        sa.Column("executive_sponsor", sa.String(length=200), nullable=True),
        sa.Column("business_case", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_discount_requests_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_requests")),
    )
    with op.batch_alter_table("discount_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discount_requests_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "gate_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=80), nullable=False),
        sa.Column("to_stage", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("unmet", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_gate_overrides_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_overrides")),
    )
    with op.batch_alter_table("gate_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gate_overrides_deal_id"), ["deal_id"], unique=False)

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "potential_value",
                sa.Numeric(precision=18, scale=2, asdecimal=False),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("active_buying", sa.Boolean(), nullable=True))

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=True))

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chess", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("thread_checks", sa.JSON(none_as_null=True), nullable=True))

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eb_access", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("eb_checklist", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("poc_success_met", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("compelling_event", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("competitive_position", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("competitor_type", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("scorecard", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("disqualifiers", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("map_cadence_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("next_checkin_date", sa.Date(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_column("next_checkin_date")
        batch_op.drop_column("map_cadence_days")
        batch_op.drop_column("disqualifiers")
        batch_op.drop_column("scorecard")
        batch_op.drop_column("competitor_type")
        batch_op.drop_column("competitive_position")
        batch_op.drop_column("compelling_event")
        batch_op.drop_column("poc_success_met")
        batch_op.drop_column("eb_checklist")
        batch_op.drop_column("eb_access")

    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("thread_checks")
        batch_op.drop_column("chess")

    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("duration_minutes")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("active_buying")
        batch_op.drop_column("potential_value")

    with op.batch_alter_table("gate_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gate_overrides_deal_id"))

    op.drop_table("gate_overrides")
    with op.batch_alter_table("discount_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discount_requests_deal_id"))

    op.drop_table("discount_requests")
    with op.batch_alter_table("keyword_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keyword_counts_account_id"))

    op.drop_table("keyword_counts")
