"""What the room's pages and API share: the room from its token, the guest, the owner's mail.

A room is reached only through its token: an unknown, revoked or expired token answers 404
for every room path, and nothing seller-only is ever read here (PLAT-3). A guest is known by
a token kept in the signed cookie session under "room_guests" (deps.carries_room_guest sees
it, so the same browser gets 404 from every seller page).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from dealplan.engines.facts import buyer_actor
from dealplan.errors import DealplanError
from dealplan.room import service as rooms
from dealplan.room.models import Room, RoomGuest

GUESTS_KEY = "room_guests"
log = logging.getLogger("dealplan.room")


def room_or_404(session: Session, token: str, as_of: dt.datetime) -> Room:
    """The working room of `token`; 404 (saying nothing more) otherwise."""
    room = rooms.room_for_token(session=session, token=token, as_of=as_of)
    if room is None:
        raise HTTPException(404, "Not Found")
    return room


def current_guest(request: Request, session: Session, room: Room) -> RoomGuest | None:
    """The guest this browser joined `room` as, if it did."""
    known = request.session.get(GUESTS_KEY)
    cookie = known.get(str(room.id)) if isinstance(known, dict) else None
    return rooms.guest_for_cookie(session=session, room=room, cookie=cookie)


def remember_guest(request: Request, room: Room, cookie: str) -> None:
    """Keep the guest's token in the signed session (one per room)."""
    known = request.session.get(GUESTS_KEY)
    known = dict(known) if isinstance(known, dict) else {}
    known[str(room.id)] = cookie
    request.session[GUESTS_KEY] = known


def guest_or_403(request: Request, session: Session, room: Room) -> RoomGuest:
    """The joined guest; 403 asking for a name first."""
    guest = current_guest(request, session, room)
    if guest is None:
        raise HTTPException(403, "Join the room with your name first")
    return guest


def actor_of(guest: RoomGuest) -> str:
    """How the guest's changes are signed in history: "Dana Ruiz (buyer)"."""
    return buyer_actor(guest.name)


def tell_owner(request: Request, session: Session, room: Room, actor: str, what: str) -> None:
    """Mail the room's owner about a buyer change; a mail failure never loses the change."""
    from dealplan.notify.room_mail import notify_owner

    try:
        notify_owner(
            session=session,
            room=room,
            actor=actor,
            what=what,
            settings=request.app.state.settings,
        )
    except DealplanError as exc:
        log.warning("room %s: owner not notified: %s", room.id, exc)


STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "blocked": "Blocked",
    "cancelled": "Cancelled",
}


def describe_change(action: str, changes: dict[str, Any]) -> str:
    """One line for the owner's mail: 'completed "Share sample data"'."""
    if changes.get("status") == "complete":
        return f'completed "{action}"'
    parts = []
    for key, value in changes.items():
        label = STATUS_LABELS.get(str(value), value) if key == "status" else value
        parts.append(f"{key.replace('_', ' ')} to {label or 'nothing'}")
    return f'changed "{action}": ' + ", ".join(parts)
