"""Deal rooms (MAP-7), their buyer guests, comments and sign-offs (MAP-8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dealplan.database import Base
from dealplan.types import Json, StrEnumType


class Room(Base):
    """A link through which the buyer reaches one deal's MAP (PLAT-3).

    Only the SHA-256 of the link's token is kept: a copy of the database opens no room.
    """

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The seller who shared the room: the owner notified of buyer changes.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class RoomGuest(Base):
    """A buyer who opened the room and gave a name; known again by a cookie token."""

    __tablename__ = "room_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime)


class Comment(Base):
    """A comment in the room, on one MAP item or on the plan as a whole (item_id null)."""

    __tablename__ = "room_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("map_items.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(StrEnumType)
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class SignOff(Base):
    """One side's signature on a version of the MAP (MAP-8), with the plan as signed."""

    __tablename__ = "map_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(StrEnumType)
    name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Signed versions count 1, 2, ... per deal; both sides signing the same plan share one.
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)
    note: Mapped[str | None] = mapped_column(Text)
