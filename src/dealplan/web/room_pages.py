"""The buyer's deal room pages (MAP-7, MAP-8, MAP-9): `/room/{token}` and its forms.

Plain HTML forms posting back and redirecting (they work without JavaScript); a stale edit
re-renders the room with the conflict message (409, PLAT-4). Exports (ICS, agenda) come from
dealplan.web.room_exports, included here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dealplan.errors import InputError
from dealplan.plan import map_service
from dealplan.plan.map_service import ConflictError
from dealplan.plan.models import MapItem
from dealplan.room import activity, signoff
from dealplan.room import service as rooms
from dealplan.room.models import Room, RoomGuest
from dealplan.web import room_exports
from dealplan.web.deps import AsOfDep, SessionDep
from dealplan.web.room_common import (
    STATUS_LABELS,
    actor_of,
    describe_change,
    joined_room,
    remember_guest,
    room_and_guest,
    tell_owner,
)
from dealplan.web.templating import templates

router = APIRouter(tags=["deal room pages"], include_in_schema=False)
router.include_router(room_exports.router)

Text = Annotated[str, Form()]
OptText = Annotated[str, Form()]


def room_context(
    session: Session, room: Room, guest: RoomGuest | None, as_of: Any
) -> dict[str, Any]:
    """What the room template shows: the plan, sign-off, activity and the guest."""
    plan = map_service.deal_map(session=session, deal_id=room.deal_id)
    signed = rooms.signoffs(session=session, deal_id=room.deal_id)
    view = rooms.room_view(session=session, room=room, plan=plan)
    return {
        "view": view,
        "deal": view["deal"],
        "room_title": view["deal"]["account"] or view["deal"]["name"],
        "guest_name": guest.name if guest else None,
        "signature": signoff.signature_status(
            session=session, deal_id=room.deal_id, plan=plan, signed_offs=signed
        ),
        "feed": activity.feed(
            session=session, deal_id=room.deal_id, limit=15, plan=plan, signed=signed
        ),
        "as_of": as_of,
        "statuses": STATUS_LABELS,
        "progress": _progress(view),
    }


def _progress(view: dict[str, Any]) -> dict[str, int]:
    items = [i for m in view["milestones"] for i in m["items"]] + view["items"]
    live = [i for i in items if i["status"] != "cancelled"]
    done = sum(1 for i in live if i["status"] == "complete")
    return {"done": done, "total": len(live), "pct": round(100 * done / len(live)) if live else 0}


def _page(
    request: Request,
    session: Session,
    room: Room,
    token: str,
    as_of: Any,
    *,
    status: int = 200,
    guest: RoomGuest | None,
    conflict: ConflictError | None = None,
    error: str | None = None,
) -> HTMLResponse:
    ctx = room_context(session, room, guest, as_of) | {
        "token": token,
        "conflict": conflict,
        "error": error,
        "notice": request.query_params.get("done"),
    }
    if guest is None:
        return templates.TemplateResponse(request, "room/join.html", ctx, status_code=status)
    return templates.TemplateResponse(request, "room/room.html", ctx, status_code=status)


def _back(token: str, done: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/room/{token}?done={done}{anchor}", status_code=303)


@router.get("/room/{token}", response_class=HTMLResponse)
def room_page(request: Request, token: str, session: SessionDep, as_of: AsOfDep) -> Response:
    """The room: the buyer's name first, then the shared plan."""
    room, guest = room_and_guest(request, session, token, as_of)
    return _page(request, session, room, token, as_of, guest=guest)


@router.post("/room/{token}/join")
def join(
    request: Request, token: str, session: SessionDep, as_of: AsOfDep, name: Text = ""
) -> Response:
    """Record the buyer's name and remember them in this browser."""
    room, guest = room_and_guest(request, session, token, as_of)
    try:
        _, cookie = rooms.join_room(session=session, room=room, name=name, as_of=as_of)
    except InputError as exc:
        return _page(request, session, room, token, as_of, guest=guest, status=422, error=str(exc))
    remember_guest(request, room, cookie)
    return RedirectResponse(f"/room/{token}", status_code=303)


@router.post("/room/{token}/items")
def add_item(
    request: Request,
    token: str,
    session: SessionDep,
    as_of: AsOfDep,
    action: Text = "",
    due_date: OptText = "",
    customer_owner: OptText = "",
    milestone_id: OptText = "",
) -> Response:
    """The buyer adds an item of their own."""
    room, guest = joined_room(request, session, token, as_of)
    fields = {
        "action": action,
        "due_date": due_date,
        "customer_owner": customer_owner or guest.name,
        "milestone_id": milestone_id or None,
    }
    try:
        item = map_service.add_item(
            session=session,
            deal_id=room.deal_id,
            fields=fields,
            actor=actor_of(guest),
            side="buyer",
            at=as_of,
        )
    except InputError as exc:
        return _page(request, session, room, token, as_of, guest=guest, status=422, error=str(exc))
    tell_owner(request, session, room, actor_of(guest), f'added "{item.action}"')
    return _back(token, "added", f"#item-{item.id}")


@router.post("/room/{token}/items/{item_id}")
def update_item(
    request: Request,
    token: str,
    item_id: int,
    session: SessionDep,
    as_of: AsOfDep,
    base_version: Annotated[int, Form()],
    status: OptText = "",
    due_date: OptText = "",
) -> Response:
    """The buyer changes an item's status or due date (refused when stale)."""
    room, guest = joined_room(request, session, token, as_of)
    item = session.get(MapItem, item_id)
    if item is None or item.deal_id != room.deal_id:
        return _page(
            request, session, room, token, as_of, guest=guest, status=404, error="No such item"
        )
    changes: dict[str, Any] = {}
    if status and status != item.status:
        changes["status"] = status
    if due_date != (item.due_date.isoformat() if item.due_date else ""):
        changes["due_date"] = due_date or None
    try:
        map_service.update_item(
            session=session,
            item_id=item_id,
            changes=changes,
            base_version=base_version,
            actor=actor_of(guest),
            side="buyer",
            at=as_of,
            deal_id=room.deal_id,
        )
    except ConflictError as exc:
        session.rollback()
        return _page(request, session, room, token, as_of, guest=guest, status=409, conflict=exc)
    except InputError as exc:
        return _page(request, session, room, token, as_of, guest=guest, status=422, error=str(exc))
    if changes:
        tell_owner(request, session, room, actor_of(guest), describe_change(item.action, changes))
    return _back(token, "saved", f"#item-{item_id}")


@router.post("/room/{token}/comments")
def comment(
    request: Request,
    token: str,
    session: SessionDep,
    as_of: AsOfDep,
    body: Text = "",
    item_id: OptText = "",
) -> Response:
    """The buyer comments on the plan or on one item."""
    room, guest = joined_room(request, session, token, as_of)
    try:
        rooms.add_comment(
            session=session,
            room=room,
            author=guest.name,
            side="buyer",
            body=body,
            at=as_of,
            item_id=int(item_id) if item_id.isdigit() else None,
        )
    except InputError as exc:
        return _page(request, session, room, token, as_of, guest=guest, status=422, error=str(exc))
    tell_owner(request, session, room, actor_of(guest), f"commented: {body.strip()[:80]}")
    return _back(token, "commented", "#activity")


@router.post("/room/{token}/signoff")
def sign(
    request: Request, token: str, session: SessionDep, as_of: AsOfDep, name: Text = ""
) -> Response:
    """The buyer signs the plan as it stands (MAP-8)."""
    room, guest = joined_room(request, session, token, as_of)
    try:
        row = signoff.sign(
            session=session,
            deal_id=room.deal_id,
            side="buyer",
            name=name or guest.name,
            at=as_of,
            room_id=room.id,
        )
    except InputError as exc:
        return _page(request, session, room, token, as_of, guest=guest, status=422, error=str(exc))
    tell_owner(request, session, room, actor_of(guest), f"signed version {row.version} of the plan")
    return _back(token, "signed", "#signoff")
