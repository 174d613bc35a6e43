"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("hq", sa.String(length=300), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.Numeric(precision=18, scale=2, asdecimal=False), nullable=True),
        sa.Column("industry", sa.String(length=120), nullable=True),
        sa.Column("subsidiary_of", sa.String(length=300), nullable=True),
        sa.Column("subsidiaries", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("technical_landscape", sa.Text(), nullable=True),
        sa.Column("initiatives", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("arr", sa.Numeric(precision=18, scale=2, asdecimal=False), nullable=True),
        sa.Column("products_owned", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("hypothesis", sa.Text(), nullable=True),
        sa.Column("hypothesis_date", sa.Date(), nullable=True),
        sa.Column("first_meeting_date", sa.Date(), nullable=True),
        sa.Column("whitespace", sa.Numeric(precision=18, scale=2, asdecimal=False), nullable=True),
        sa.Column("expansion_opportunities", sa.Text(), nullable=True),
        sa.Column("goal_90_days", sa.Text(), nullable=True),
        sa.Column("goal_12_months", sa.Text(), nullable=True),
        sa.Column("nrr", sa.Numeric(precision=18, scale=2, asdecimal=False), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("strategic_fit", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("external_id", name=op.f("uq_accounts_external_id")),
        sa.UniqueConstraint("name", name=op.f("uq_accounts_name")),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_history_entity_entity_id_at", ["entity", "entity_id", "at"], unique=False
        )

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("linkedin", sa.String(length=300), nullable=True),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("domain", sa.String(length=200), nullable=True),
        sa.Column("reports_to_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=True),
        sa.Column("influence", sa.String(length=40), nullable=True),
        sa.Column("support", sa.String(length=40), nullable=True),
        sa.Column("engagement", sa.String(length=40), nullable=True),
        sa.Column("relationship_depth", sa.Integer(), nullable=True),
        sa.Column("professional_win", sa.Text(), nullable=True),
        sa.Column("personal_win", sa.Text(), nullable=True),
        sa.Column("professional_risk", sa.Text(), nullable=True),
        sa.Column("motivations", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("personal_win_answers", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_contacts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reports_to_id"],
            ["contacts.id"],
            name=op.f("fk_contacts_reports_to_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("external_id", name=op.f("uq_contacts_external_id")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_account_id"), ["account_id"], unique=False)

    op.create_table(
        "deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("stage", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2, asdecimal=False), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("forecast_category", sa.String(length=40), nullable=True),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_date", sa.Date(), nullable=True),
        sa.Column("competitor", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=True),
        sa.Column("type", sa.String(length=120), nullable=True),
        sa.Column("industry", sa.String(length=120), nullable=True),
        sa.Column("segment", sa.String(length=120), nullable=True),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("created_date", sa.Date(), nullable=True),
        sa.Column("stage_date", sa.Date(), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("loss_reason", sa.Text(), nullable=True),
        sa.Column("last_activity_date", sa.Date(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("solution", sa.Text(), nullable=True),
        sa.Column("buying_process", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deals_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deals")),
        sa.UniqueConstraint("external_id", name=op.f("uq_deals_external_id")),
    )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deals_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_outcome"), ["outcome"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_deals_stage"), ["stage"], unique=False)

    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=120), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_activities_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_activities_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_activities_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("external_id", name=op.f("uq_activities_external_id")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_activities_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "map_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_map_milestones_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_milestones")),
    )
    with op.batch_alter_table("map_milestones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_milestones_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "meddpicc_elements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("element", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("validated_by_id", sa.Integer(), nullable=True),
        sa.Column("validated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_meddpicc_elements_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validated_by_id"],
            ["contacts.id"],
            name=op.f("fk_meddpicc_elements_validated_by_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meddpicc_elements")),
        sa.UniqueConstraint(
            "deal_id", "element", name=op.f("uq_meddpicc_elements_deal_id_element")
        ),
    )
    with op.batch_alter_table("meddpicc_elements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meddpicc_elements_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("issue", sa.Text(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("help_needed", sa.Text(), nullable=True),
        sa.Column("responsible", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_risks_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_risks_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risks_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risks_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "map_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("side", sa.String(length=40), nullable=False),
        sa.Column("seller_owner", sa.String(length=200), nullable=True),
        sa.Column("customer_owner", sa.String(length=200), nullable=True),
        sa.Column("others", sa.Text(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("created_by_side", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_map_items_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["map_milestones.id"],
            name=op.f("fk_map_items_milestone_id_map_milestones"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_items")),
    )
    with op.batch_alter_table("map_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_items_deal_id"), ["deal_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("map_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_items_deal_id"))

    op.drop_table("map_items")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risks_deal_id"))
        batch_op.drop_index(batch_op.f("ix_risks_account_id"))

    op.drop_table("risks")
    with op.batch_alter_table("meddpicc_elements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meddpicc_elements_deal_id"))

    op.drop_table("meddpicc_elements")
    with op.batch_alter_table("map_milestones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_milestones_deal_id"))

    op.drop_table("map_milestones")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_activities_deal_id"))
        batch_op.drop_index(batch_op.f("ix_activities_account_id"))

    op.drop_table("activities")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deals_stage"))
        batch_op.drop_index(batch_op.f("ix_deals_owner"))
        batch_op.drop_index(batch_op.f("ix_deals_outcome"))
        batch_op.drop_index(batch_op.f("ix_deals_account_id"))

    op.drop_table("deals")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_account_id"))

    op.drop_table("contacts")
    op.drop_table("users")
    op.drop_table("settings")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index("ix_history_entity_entity_id_at")

    op.drop_table("history")
    op.drop_table("accounts")
