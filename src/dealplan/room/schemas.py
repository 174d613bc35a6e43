"""Pydantic shapes of the room API (MAP-7, MAP-8): buyer-safe fields only (PLAT-3)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class JoinIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class GuestRead(BaseModel):
    name: str
    room_id: int


class ItemRead(BaseModel):
    id: int
    milestone_id: int | None
    action: str
    side: str
    seller_owner: str | None
    customer_owner: str | None
    others: str | None
    due_date: dt.date | None
    status: str
    created_by_side: str
    notes: str | None
    completed_at: dt.datetime | None
    version: int


class MilestoneRead(BaseModel):
    id: int
    name: str
    due_date: dt.date | None
    items: list[ItemRead]


class DealRead(BaseModel):
    id: int
    name: str
    account: str | None
    problem: str | None
    solution: str | None
    buying_process: str | None
    target_date: dt.date | None
    seller: str | None


class SignedBy(BaseModel):
    name: str
    signed_at: dt.datetime


class SignatureRead(BaseModel):
    version: int | None
    signed: dict[str, SignedBy]
    complete: bool
    changes: list[dict[str, object]]


class RoomRead(BaseModel):
    room_id: int
    expires_at: dt.datetime
    deal: DealRead
    milestones: list[MilestoneRead]
    items: list[ItemRead]
    signature: SignatureRead
    guest: str | None


class ItemCreate(BaseModel):
    action: str = Field(min_length=1, max_length=2000)
    due_date: dt.date | None = None
    customer_owner: str | None = Field(default=None, max_length=200)
    others: str | None = None
    notes: str | None = None
    milestone_id: int | None = None
    side: str = "buyer"


class ItemUpdate(BaseModel):
    base_version: int
    status: str | None = None
    due_date: dt.date | None = None
    customer_owner: str | None = Field(default=None, max_length=200)
    others: str | None = None
    notes: str | None = None


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=4000)
    item_id: int | None = None


class CommentRead(BaseModel):
    id: int
    item_id: int | None
    author: str
    side: str
    body: str
    at: dt.datetime


class SignIn(BaseModel):
    name: str | None = Field(default=None, max_length=120)


class SignOffRead(BaseModel):
    version: int
    side: str
    name: str
    signed_at: dt.datetime


class ActivityRead(BaseModel):
    at: dt.datetime
    actor: str
    side: str
    kind: str
    text: str
    item_id: int | None
