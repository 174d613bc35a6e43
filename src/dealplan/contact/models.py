"""Contacts and the buying committee (ACC-2) with personal wins (ACC-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import Json, StrEnumType


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    linkedin: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(200))
    reports_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    role: Mapped[str | None] = mapped_column(StrEnumType)
    influence: Mapped[str | None] = mapped_column(StrEnumType)
    support: Mapped[str | None] = mapped_column(StrEnumType)
    engagement: Mapped[str | None] = mapped_column(StrEnumType)
    relationship_depth: Mapped[int | None] = mapped_column(Integer)
    professional_win: Mapped[str | None] = mapped_column(Text)
    personal_win: Mapped[str | None] = mapped_column(Text)
    professional_risk: Mapped[str | None] = mapped_column(Text)
    motivations: Mapped[list[str] | None] = mapped_column(Json)
    personal_win_answers: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # QUAL-6 CHESS for a champion {credibility, hunger, engagement, savvy, sponsorship: bool}
    chess: Mapped[dict[str, Any] | None] = mapped_column(Json)
    # QUAL-5 thread quality {relevance, access, engagement, support, information: bool}
    thread_checks: Mapped[dict[str, Any] | None] = mapped_column(Json)
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
