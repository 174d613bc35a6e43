"""Deals, their MEDDPICC elements (ACC-4) and risks (ACC-5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import Json, Money, StrEnumType


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
    # QUAL-3: EB access (direct, champion_mediated, unknown, blocked) and its checklist
    # {item: true/false}: identified, confirmed_by_champion, met, agrees_problem,
    # agrees_metrics, knows_price, understands_timeline
    eb_access: Mapped[str | None] = mapped_column(StrEnumType)
    eb_checklist: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # QUAL-2 unified gate 3->4: the POC's success criteria were met
    poc_success_met: Mapped[bool | None] = mapped_column()
    compelling_event: Mapped[str | None] = mapped_column(Text)
    # QUAL-9
    competitive_position: Mapped[str | None] = mapped_column(StrEnumType)
    competitor_type: Mapped[str | None] = mapped_column(StrEnumType)
    # QUAL-4: seller scores {budget: 1-5, ...} and disqualifiers {code: true}
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(Json)
    disqualifiers: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # ACC-7: the MAP check-in cadence in days (7 = weekly) and the next check-in
    map_cadence_days: Mapped[int | None] = mapped_column(Integer)
    next_checkin_date: Mapped[dt.date | None] = mapped_column(Date)


class GateOverride(Base):
    """QUAL-2: a stage change made although exit criteria failed, with the reason given."""

    __tablename__ = "gate_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str] = mapped_column(String(80))
    to_stage: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    unmet: Mapped[list[str] | None] = mapped_column(Json)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class DiscountRequest(Base):
    """QUAL-10: a discount asked for, the approver it was routed to, and what was recorded."""

    __tablename__ = "discount_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    percent: Mapped[float] = mapped_column(Float)
    approver: Mapped[str] = mapped_column(StrEnumType)
    reason: Mapped[str | None] = mapped_column(Text)
    justification: Mapped[str | None] = mapped_column(Text)
    quid_pro_quo: Mapped[str | None] = mapped_column(Text)
    executive_sponsor: Mapped[str | None] = mapped_column(String(200))
    business_case: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(StrEnumType, default="pending")
    requested_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


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
