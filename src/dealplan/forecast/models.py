"""Stored forecast snapshots (PIPE-4): one row per period, as-of date, owner and method."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base


class ForecastSnapshot(Base):
    __tablename__ = "forecast_snapshots"
    __table_args__ = (Index("ix_forecast_snapshots_period_start", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime)
    as_of: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(20))  # "2026-Q4" or "2026-11"
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)  # exclusive
    owner: Mapped[str | None] = mapped_column(String(200))  # null: the whole team
    method: Mapped[str] = mapped_column(String(40))
    forecast: Mapped[float] = mapped_column(Float)
    won_to_date: Mapped[float] = mapped_column(Float)
