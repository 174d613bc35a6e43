"""The append-only history of every change (who, when, field, old, new)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import StrEnumType


class HistoryEntry(Base):
    """One change: a create (field "*"), an update of one field, or a delete.

    `old` and `new` hold JSON text. A create stores no snapshot: the record as it stands now,
    walked back through its later updates, is the record as created. A delete stores the
    whole record in `old`, so a deleted record can still be rebuilt for dates before it went.
    """

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_entity_entity_id_at", "entity", "entity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(StrEnumType)
    field: Mapped[str] = mapped_column(String(80))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
