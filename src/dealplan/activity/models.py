"""Activities, momentum signals (QUAL-7) and account signals (ABX-1), each dated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import StrEnumType


class Activity(Base):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(StrEnumType)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))
    # ACC-8 time allocation; PIPE-7 activity metrics
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
