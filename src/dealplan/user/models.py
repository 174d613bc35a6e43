"""Workspace users (PLAT-3)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import StrEnumType


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(StrEnumType, default="seller")
    password_hash: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
