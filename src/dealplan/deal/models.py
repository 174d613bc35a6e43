"""Deals, their MEDDPICC elements (ACC-4) and risks (ACC-5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import Money, StrEnumType


class Deal(Base):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    stage: Mapped[str] = mapped_column(String(80), index=True)
    amount: Mapped[float | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    close_date: Mapped[dt.date | None] = mapped_column(Date)
    forecast_category: Mapped[str | None] = mapped_column(StrEnumType)
    probability: Mapped[float | None] = mapped_column(Float)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_date: Mapped[dt.date | None] = mapped_column(Date)
    competitor: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(120))
    type: Mapped[str | None] = mapped_column(String(120))
    industry: Mapped[str | None] = mapped_column(String(120))
    segment: Mapped[str | None] = mapped_column(String(120))
    product: Mapped[str | None] = mapped_column(String(200))
    created_date: Mapped[dt.date | None] = mapped_column(Date)
    stage_date: Mapped[dt.date | None] = mapped_column(Date)
    closed_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(StrEnumType, default="open", index=True)
    loss_reason: Mapped[str | None] = mapped_column(Text)
    last_activity_date: Mapped[dt.date | None] = mapped_column(Date)
    # MAP-9: what the buyer-facing plan states
    problem: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    buying_process: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class MeddpiccElement(Base):
    __tablename__ = "meddpicc_elements"
    __table_args__ = (UniqueConstraint("deal_id", "element"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    element: Mapped[str] = mapped_column(StrEnumType)
    value: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(StrEnumType, default="unknown")
    validated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    validated_on: Mapped[dt.date | None] = mapped_column(Date)


class Risk(Base):
    __tablename__ = "risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    issue: Mapped[str] = mapped_column(Text)
    mitigation: Mapped[str | None] = mapped_column(Text)
    help_needed: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(StrEnumType, default="open")
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
