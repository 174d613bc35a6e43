"""Deal rooms (MAP-7, PLAT-3): links, guests, comments and the buyer-facing view of a MAP.

A room link carries a 256-bit token (`secrets.token_urlsafe(32)`); only its SHA-256 is
stored, and a lookup compares hashes in constant time. A link stops working when revoked
or after `room_days` (settings). Everything a room shows comes from `room_view`, which
picks buyer-safe fields only: no MEDDPICC, health, forecast, amounts or internal notes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.deal.models import Deal
from dealplan.enums import Side
from dealplan.errors import InputError, NotFoundError
from dealplan.plan import map_service
from dealplan.plan.models import MapItem
from dealplan.room.models import Comment, Room, RoomGuest, SignOff
from dealplan.user.models import User

DEFAULT_ROOM_DAYS = 90
NAME_LIMIT = 120
COMMENT_LIMIT = 4000


def hash_token(token: str) -> str:
    """The SHA-256 of a link or cookie token, as stored (hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _room_days() -> int:
    from dealplan.config import Settings

    return int(getattr(Settings(), "room_days", DEFAULT_ROOM_DAYS))


def create_room(
    *,
    session: Session,
    deal_id: int,
    created_by: User | int | None,
    as_of: dt.datetime,
    days: int | None = None,
) -> tuple[Room, str]:
    """Open a room on the deal; returns the room and its raw token (shown once, never stored).

    `created_by` is the seller (a User or a user id) notified of buyer changes; the link
    expires `days` (default: settings.room_days) after `as_of`. NotFoundError for an
    unknown deal.
    """
    if session.get(Deal, deal_id) is None:
        raise NotFoundError(f"deal {deal_id} not found")
    owner = created_by.id if isinstance(created_by, User) else created_by
    token = secrets.token_urlsafe(32)
    room = Room(
        deal_id=deal_id,
        token_hash=hash_token(token),
        created_by=owner,
        created_at=as_of,
        expires_at=as_of + dt.timedelta(days=days if days is not None else _room_days()),
    )
    session.add(room)
    session.flush()
    return room, token


def revoke_room(*, session: Session, room_id: int, as_of: dt.datetime | None = None) -> Room:
    """Revoke the room's link (its guests lose access at once); NotFoundError if unknown."""
    from dealplan.clock import utcnow

    room = session.get(Room, room_id)
    if room is None:
        raise NotFoundError(f"room {room_id} not found")
    if room.revoked_at is None:
        room.revoked_at = as_of or utcnow()
        session.flush()
    return room


def rooms_of_deal(*, session: Session, deal_id: int) -> list[Room]:
    """The deal's rooms, newest first (revoked and expired ones included)."""
    return list(
        session.scalars(
            select(Room).where(Room.deal_id == deal_id).order_by(Room.created_at.desc(), Room.id)
        )
    )


def is_open(room: Room, as_of: dt.datetime) -> bool:
    """True while the room's link works: not revoked and not expired at `as_of`."""
    return room.revoked_at is None and as_of < room.expires_at


def open_room_of_deal(*, session: Session, deal_id: int, as_of: dt.datetime) -> Room | None:
    """The deal's newest working room, if any."""
    return next(
        (r for r in rooms_of_deal(session=session, deal_id=deal_id) if is_open(r, as_of)), None
    )


def room_for_token(*, session: Session, token: str, as_of: dt.datetime) -> Room | None:
    """The working room the raw `token` opens at `as_of`; None when unknown, revoked or expired."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    room = session.scalar(select(Room).where(Room.token_hash == digest))
    if room is None or not hmac.compare_digest(room.token_hash, digest):
        return None
    return room if is_open(room, as_of) else None


# Built once: constructing the statement costs more than running it (every room request).
_ROOM_WITH_GUEST = (
    select(Room, RoomGuest)
    .outerjoin(
        RoomGuest,
        (RoomGuest.room_id == Room.id)
        & RoomGuest.token_hash.in_(bindparam("guests", expanding=True)),
    )
    .where(Room.token_hash == bindparam("room"))
    .limit(1)
)


def room_with_guest(
    *, session: Session, token: str, cookies: Mapping[str, object], as_of: dt.datetime
) -> tuple[Room | None, RoomGuest | None]:
    """`room_for_token` and `guest_for_cookie` in one query.

    `cookies`: the guest cookie tokens a browser holds, by room id (as text). Returns the
    working room `token` opens (None when unknown, revoked or expired) and the guest whose
    cookie this browser holds for that room (None when it holds none). Both hashes are
    compared in constant time, as by the two functions.
    """
    if not token or len(token) > 200:
        return None, None
    digest = hash_token(token)
    held = [hash_token(c) for c in cookies.values() if isinstance(c, str) and c and len(c) <= 200]
    row = session.execute(_ROOM_WITH_GUEST, {"room": digest, "guests": held}).first()
    if row is None:
        return None, None
    room: Room = row[0]
    guest: RoomGuest | None = row[1]  # None: no guest of this room holds one of the cookies
    if not hmac.compare_digest(room.token_hash, digest) or not is_open(room, as_of):
        return None, None
    cookie = cookies.get(str(room.id))
    if (
        guest is None
        or not isinstance(cookie, str)
        or not hmac.compare_digest(guest.token_hash, hash_token(cookie))
    ):
        return room, None
    return room, guest


def _name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InputError("name: tell us who you are")
    if len(clean) > NAME_LIMIT:
        raise InputError(f"name: longer than {NAME_LIMIT} characters")
    return clean


def join_room(
    *, session: Session, room: Room, name: str, as_of: dt.datetime
) -> tuple[RoomGuest, str]:
    """Record a buyer guest by name; returns the guest and the raw cookie token (kept hashed)."""
    token = secrets.token_urlsafe(32)
    guest = RoomGuest(
        room_id=room.id, name=_name(name), token_hash=hash_token(token), first_seen=as_of
    )
    session.add(guest)
    session.flush()
    return guest, token


def guest_for_cookie(*, session: Session, room: Room, cookie: str | None) -> RoomGuest | None:
    """The guest of `room` the cookie token names; None for no cookie or another room's."""
    if not cookie or len(cookie) > 200:
        return None
    digest = hash_token(cookie)
    guest = session.scalar(select(RoomGuest).where(RoomGuest.token_hash == digest))
    if guest is None or guest.room_id != room.id:
        return None
    return guest if hmac.compare_digest(guest.token_hash, digest) else None


def guests(*, session: Session, room_id: int) -> list[RoomGuest]:
    """The room's guests in the order they arrived."""
    return list(
        session.scalars(
            select(RoomGuest).where(RoomGuest.room_id == room_id).order_by(RoomGuest.id)
        )
    )


def add_comment(
    *,
    session: Session,
    room: Room,
    author: str,
    side: str,
    body: str,
    at: dt.datetime,
    item_id: int | None = None,
) -> Comment:
    """Add a comment to the room (on one of its deal's items when `item_id` is given)."""
    text = (body or "").strip()
    if not text:
        raise InputError("comment: must not be empty")
    if len(text) > COMMENT_LIMIT:
        raise InputError(f"comment: longer than {COMMENT_LIMIT} characters")
    if item_id is not None:
        item = session.get(MapItem, item_id)
        if item is None or item.deal_id != room.deal_id:
            raise NotFoundError(f"MAP item {item_id} not found")
    comment = Comment(
        room_id=room.id, item_id=item_id, author=author, side=Side(side).value, body=text, at=at
    )
    session.add(comment)
    session.flush()
    return comment


def comments(*, session: Session, deal_id: int) -> list[Comment]:
    """Every comment made in any room of the deal, oldest first."""
    room_ids = select(Room.id).where(Room.deal_id == deal_id)
    return list(
        session.scalars(
            select(Comment).where(Comment.room_id.in_(room_ids)).order_by(Comment.at, Comment.id)
        )
    )


def owner_of(*, session: Session, room: Room) -> User | None:
    """The seller who shared the room (notified of buyer changes), if known."""
    return session.get(User, room.created_by) if room.created_by is not None else None


def room_view(
    *, session: Session, room: Room, plan: map_service.Plan | None = None
) -> dict[str, Any]:
    """Everything the buyer may see of the room's deal, as plain data.

    Keys: deal (id, name, account, problem, solution, buying_process, target_date, seller),
    milestones (each with its items) and loose items (no milestone). Items carry the MAP-1
    fields, version and created_by_side; never MEDDPICC, health, forecast, amount or notes
    of the deal itself. `plan`: the deal's `map_service.deal_map` when already read.
    """
    deal = session.get(Deal, room.deal_id)
    if deal is None:
        raise NotFoundError(f"deal {room.deal_id} not found")
    account = session.get(Account, deal.account_id) if deal.account_id else None
    milestones, items = (
        plan if plan is not None else map_service.deal_map(session=session, deal_id=deal.id)
    )
    by_ms: dict[int | None, list[dict[str, Any]]] = {}
    for item in items:
        by_ms.setdefault(item.milestone_id, []).append(buyer_item(item))
    owner = owner_of(session=session, room=room)
    return {
        "room_id": room.id,
        "expires_at": room.expires_at,
        "deal": {
            "id": deal.id,
            "name": deal.name,
            "account": account.name if account else None,
            "problem": deal.problem,
            "solution": deal.solution,
            "buying_process": deal.buying_process,
            "target_date": deal.close_date,
            "seller": owner.name if owner else deal.owner,
        },
        "milestones": [
            {
                "id": m.id,
                "name": m.name,
                "due_date": m.due_date,
                "items": by_ms.get(m.id, []),
            }
            for m in milestones
        ],
        "items": by_ms.get(None, []),
    }


BUYER_ITEM_KEYS = (
    "id",
    "milestone_id",
    "action",
    "side",
    "seller_owner",
    "customer_owner",
    "others",
    "due_date",
    "status",
    "created_by_side",
    "notes",
    "completed_at",
    "version",
)


def buyer_item(item: MapItem) -> dict[str, Any]:
    """A MAP item as the room shows it (MAP-1 fields; item notes are shared by both sides)."""
    return {k: getattr(item, k) for k in BUYER_ITEM_KEYS}


def signoffs(*, session: Session, deal_id: int) -> list[SignOff]:
    """The deal's sign-offs, oldest first."""
    return list(
        session.scalars(
            select(SignOff)
            .where(SignOff.deal_id == deal_id)
            .order_by(SignOff.signed_at, SignOff.id)
        )
    )
