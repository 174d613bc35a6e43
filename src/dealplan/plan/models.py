"""Mutual action plans: milestones and items (MAP-1)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import StrEnumType


class Milestone(Base):
    __tablename__ = "map_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class MapItem(Base):
    __tablename__ = "map_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("map_milestones.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(Text)
    side: Mapped[str] = mapped_column(StrEnumType)
    seller_owner: Mapped[str | None] = mapped_column(String(200))
    customer_owner: Mapped[str | None] = mapped_column(String(200))
    others: Mapped[str | None] = mapped_column(Text)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(StrEnumType, default="not_started")
    created_by_side: Mapped[str] = mapped_column(StrEnumType, default="seller")
    notes: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # PLAT-4: every edit names the version it was based on.
    version: Mapped[int] = mapped_column(Integer, default=1)
