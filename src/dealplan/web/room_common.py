"""What the room's pages and API share: the room from its token, the guest, the owner's mail.

A room is reached only through its token: an unknown, revoked or expired token answers 404
for every room path, and nothing seller-only is ever read here (PLAT-3). A guest is known by
a token kept in the signed cookie session under "room_guests" (deps.carries_room_guest sees
it, so the same browser gets 404 from every seller page).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from dealplan.engines.facts import buyer_actor
from dealplan.notify.mail import configured
from dealplan.notify.outbox import Outbox
from dealplan.notify.room_mail import owner_notice_text
from dealplan.room import service as rooms
from dealplan.room.models import Room, RoomGuest
from dealplan.web.deps import after_commit

GUESTS_KEY = "room_guests"


def room_or_404(session: Session, token: str, as_of: dt.datetime) -> Room:
    """The working room of `token`; 404 (saying nothing more) otherwise."""
    room = rooms.room_for_token(session=session, token=token, as_of=as_of)
    if room is None:
        raise HTTPException(404, "Not Found")
    return room


def room_and_guest(
    request: Request, session: Session, token: str, as_of: dt.datetime
) -> tuple[Room, RoomGuest | None]:
    """`room_or_404` and `current_guest` in one query: the room, and the guest if joined."""
    known = request.session.get(GUESTS_KEY)
    room, guest = rooms.room_with_guest(
        session=session, token=token, cookies=known if isinstance(known, dict) else {}, as_of=as_of
    )
    if room is None:
        raise HTTPException(404, "Not Found")
    return room, guest


def joined_room(
    request: Request, session: Session, token: str, as_of: dt.datetime
) -> tuple[Room, RoomGuest]:
    """`room_or_404` and `guest_or_403` in one query: the room and its joined guest."""
    room, guest = room_and_guest(request, session, token, as_of)
    if guest is None:
        raise HTTPException(403, "Join the room with your name first")
    return room, guest


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
    """Mail the room's owner about a buyer change, after the response (MAP-7).

    The notice is read here (one query) and queued on the app's outbox once the change has
    committed; the outbox's worker sends it. Without an SMTP host nothing is read or sent.
    """
    outbox: Outbox = request.app.state.outbox
    if not configured(outbox.settings):
        return
    notice = owner_notice_text(
        session=session, room=room, actor=actor, what=what, base_url=outbox.settings.base_url
    )
    if notice is not None:
        after_commit(session, partial(outbox.post, notice))


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
