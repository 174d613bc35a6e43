"""Accounts: the account summary (ACC-1) and expansion fields (ACC-9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import Json, Money


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    hq: Mapped[str | None] = mapped_column(String(300))
    employees: Mapped[int | None] = mapped_column(Integer)
    revenue: Mapped[float | None] = mapped_column(Money)
    industry: Mapped[str | None] = mapped_column(String(120))
    subsidiary_of: Mapped[str | None] = mapped_column(String(300))
    subsidiaries: Mapped[list[str] | None] = mapped_column(Json)
    technical_landscape: Mapped[str | None] = mapped_column(Text)
    # [{"initiative": ..., "source": ...}]
    initiatives: Mapped[list[dict[str, Any]] | None] = mapped_column(Json)
    arr: Mapped[float | None] = mapped_column(Money)
    products_owned: Mapped[list[str] | None] = mapped_column(Json)
    hypothesis: Mapped[str | None] = mapped_column(Text)
    hypothesis_date: Mapped[dt.date | None] = mapped_column(Date)
    first_meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    # ACC-9 expansion
    whitespace: Mapped[float | None] = mapped_column(Money)
    expansion_opportunities: Mapped[str | None] = mapped_column(Text)
    goal_90_days: Mapped[str | None] = mapped_column(Text)
    goal_12_months: Mapped[str | None] = mapped_column(Text)
    nrr: Mapped[float | None] = mapped_column(Money)
    tier: Mapped[int | None] = mapped_column(Integer)
    strategic_fit: Mapped[bool | None] = mapped_column()
    # ACC-8: potential deal size and whether the account is actively buying
    potential_value: Mapped[float | None] = mapped_column(Money)
    active_buying: Mapped[bool | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class KeywordCount(Base):
    """ACC-10: employees matching a keyword, imported (never scraped), with when collected."""

    __tablename__ = "keyword_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    keyword: Mapped[str] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))
    employees: Mapped[int] = mapped_column(Integer)
    collected_on: Mapped[dt.date] = mapped_column(Date)
