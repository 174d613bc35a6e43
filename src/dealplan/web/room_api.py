"""The room's JSON API under /api/room/{token} (MAP-7, MAP-8): what the room page does.

A client reads the room (GET answers with the CSRF token in `X-CSRF-Token`), joins with a
name, then adds and updates items, comments and signs. Writes need the joined guest
(403 otherwise) and the CSRF header; a stale update answers 409 with what changed. Writes
commit in their own worker thread (`deps.commits`) and mail the owner after the commit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from dealplan.plan import map_service
from dealplan.room import activity, signoff
from dealplan.room import service as rooms
from dealplan.room.schemas import (
    ActivityRead,
    CommentIn,
    CommentRead,
    GuestRead,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    JoinIn,
    RoomRead,
    SignIn,
    SignOffRead,
)
from dealplan.web.csrf import HEADER, csrf_token
from dealplan.web.deps import AsOfDep, SessionDep, commits
from dealplan.web.room_common import (
    actor_of,
    describe_change,
    joined_room,
    remember_guest,
    room_and_guest,
    room_or_404,
    tell_owner,
)

router = APIRouter(prefix="/api/room/{token}", tags=["deal room"])


@router.get("", response_model=RoomRead)
def read_room(
    request: Request, response: Response, token: str, session: SessionDep, as_of: AsOfDep
) -> dict[str, Any]:
    """The shared plan: problem, solution, timeline, milestones and items, sign-off."""
    room, guest = room_and_guest(request, session, token, as_of)
    response.headers[HEADER] = csrf_token(request)
    plan = map_service.deal_map(session=session, deal_id=room.deal_id)
    view = rooms.room_view(session=session, room=room, plan=plan)
    return view | {
        "signature": signoff.signature_status(session=session, deal_id=room.deal_id, plan=plan),
        "guest": guest.name if guest else None,
    }


@router.post("/join", response_model=GuestRead)
@commits
def join(
    request: Request,
    response: Response,
    token: str,
    body: JoinIn,
    session: SessionDep,
    as_of: AsOfDep,
) -> dict[str, Any]:
    """Join the room as `name` (kept in this client's session cookie)."""
    room = room_or_404(session, token, as_of)
    guest, cookie = rooms.join_room(session=session, room=room, name=body.name, as_of=as_of)
    remember_guest(request, room, cookie)
    response.headers[HEADER] = csrf_token(request)
    return {"name": guest.name, "room_id": room.id}


@router.post("/items", response_model=ItemRead, status_code=201)
@commits
def add_item(
    request: Request, token: str, body: ItemCreate, session: SessionDep, as_of: AsOfDep
) -> dict[str, Any]:
    """Add an item of the buyer's (side buyer or both)."""
    room, guest = joined_room(request, session, token, as_of)
    fields = body.model_dump(exclude_none=True)
    fields.setdefault("customer_owner", guest.name)
    item = map_service.add_item(
        session=session,
        deal_id=room.deal_id,
        fields=fields,
        actor=actor_of(guest),
        side="buyer",
        at=as_of,
    )
    tell_owner(request, session, room, actor_of(guest), f'added "{item.action}"')
    return rooms.buyer_item(item)


@router.patch("/items/{item_id}", response_model=ItemRead)
@commits
def update_item(
    request: Request,
    token: str,
    item_id: int,
    body: ItemUpdate,
    session: SessionDep,
    as_of: AsOfDep,
) -> dict[str, Any]:
    """Change status, dates, the customer owner or notes; 409 when `base_version` is stale."""
    room, guest = joined_room(request, session, token, as_of)
    changes = body.model_dump(exclude_unset=True, exclude={"base_version"})
    item = map_service.update_item(
        session=session,
        item_id=item_id,
        changes=changes,
        base_version=body.base_version,
        actor=actor_of(guest),
        side="buyer",
        at=as_of,
        deal_id=room.deal_id,
    )
    if changes:
        tell_owner(request, session, room, actor_of(guest), describe_change(item.action, changes))
    return rooms.buyer_item(item)


@router.post("/comments", response_model=CommentRead, status_code=201)
@commits
def comment(
    request: Request, token: str, body: CommentIn, session: SessionDep, as_of: AsOfDep
) -> Any:
    """Comment on the plan, or on one item with `item_id`."""
    room, guest = joined_room(request, session, token, as_of)
    row = rooms.add_comment(
        session=session,
        room=room,
        author=guest.name,
        side="buyer",
        body=body.body,
        at=as_of,
        item_id=body.item_id,
    )
    tell_owner(request, session, room, actor_of(guest), f"commented: {body.body.strip()[:80]}")
    return row


@router.post("/signoff", response_model=SignOffRead, status_code=201)
@commits
def sign(request: Request, token: str, body: SignIn, session: SessionDep, as_of: AsOfDep) -> Any:
    """Sign the plan as it stands for the buyer's side (MAP-8)."""
    room, guest = joined_room(request, session, token, as_of)
    row = signoff.sign(
        session=session,
        deal_id=room.deal_id,
        side="buyer",
        name=body.name or guest.name,
        at=as_of,
        room_id=room.id,
    )
    tell_owner(request, session, room, actor_of(guest), f"signed version {row.version}")
    return row


@router.get("/activity", response_model=list[ActivityRead])
def read_activity(token: str, session: SessionDep, as_of: AsOfDep) -> list[dict[str, Any]]:
    """Changes, comments and sign-offs, newest first."""
    room = room_or_404(session, token, as_of)
    return activity.feed(session=session, deal_id=room.deal_id)
