"""The seller's side of the deal room, on the deal page (MAP-7, MAP-8, PLAT-3).

`GET /deals/{deal_id}/room` is the room panel: HTMX gets the fragment W3's deal page swaps
into its "room" card; a browser gets it on its own page. From it the seller creates a link
(shown once: only its hash is kept), revokes it, sees who joined and what they changed,
comments, and signs the plan for the seller's side.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dealplan.deal.models import Deal
from dealplan.errors import InputError
from dealplan.room import activity, signoff
from dealplan.room import service as rooms
from dealplan.room.models import Room
from dealplan.web.deps import AsOfDep, SellerDep, SessionDep
from dealplan.web.templating import templates

router = APIRouter(tags=["deal room (seller)"], include_in_schema=False)
# The fresh link, kept for one showing; the key must not start with "room" (that marks a guest).
FRESH_LINK = "fresh_room_link"


def _deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise HTTPException(404, "Not Found")
    return deal


def panel_context(request: Request, session: Session, deal: Deal, as_of: Any) -> dict[str, Any]:
    """The panel's data: rooms with their guests, a fresh link, sign-off and activity."""
    all_rooms = rooms.rooms_of_deal(session=session, deal_id=deal.id)
    fresh = request.session.pop(FRESH_LINK, None)
    link = fresh.get("link") if isinstance(fresh, dict) and fresh.get("deal") == deal.id else None
    return {
        "deal": deal,
        "rooms": [
            {
                "room": r,
                "open": rooms.is_open(r, as_of),
                "guests": rooms.guests(session=session, room_id=r.id),
            }
            for r in all_rooms
        ],
        "open_room": next((r for r in all_rooms if rooms.is_open(r, as_of)), None),
        "fresh_link": link,
        "signature": signoff.signature_status(session=session, deal_id=deal.id),
        "feed": activity.feed(session=session, deal_id=deal.id, limit=15),
        "as_of": as_of,
    }


Back = Annotated[str, Form()]


def _back(deal_id: int, back: str) -> RedirectResponse:
    """Back to where the form was: the panel's own page, or the deal page's room card."""
    if back == "panel":
        return RedirectResponse(f"/deals/{deal_id}/room", status_code=303)
    return RedirectResponse(f"/deals/{deal_id}#room", status_code=303)


@router.get("/deals/{deal_id}/room", response_class=HTMLResponse)
def room_panel(
    request: Request, deal_id: int, user: SellerDep, session: SessionDep, as_of: AsOfDep
) -> Response:
    """The room panel (fragment for HTMX, a page otherwise)."""
    deal = _deal(session, deal_id)
    ctx = panel_context(request, session, deal, as_of)
    name = "room/panel.html" if request.headers.get("HX-Request") else "room/panel_page.html"
    return templates.TemplateResponse(request, name, ctx)


@router.post("/deals/{deal_id}/room")
def create(
    request: Request,
    deal_id: int,
    user: SellerDep,
    session: SessionDep,
    as_of: AsOfDep,
    back: Back = "deal",
) -> Response:
    """Open a room link for the buyer; the link is shown once on the panel."""
    _deal(session, deal_id)
    _, token = rooms.create_room(session=session, deal_id=deal_id, created_by=user, as_of=as_of)
    base = request.app.state.settings.base_url.rstrip("/")
    request.session[FRESH_LINK] = {"deal": deal_id, "link": f"{base}/room/{token}"}
    return _back(deal_id, back)


@router.post("/deals/{deal_id}/room/{room_id}/revoke")
def revoke(
    deal_id: int,
    room_id: int,
    user: SellerDep,
    session: SessionDep,
    as_of: AsOfDep,
    back: Back = "deal",
) -> Response:
    """Revoke a link: its guests lose access at once."""
    room = session.get(Room, room_id)
    if room is None or room.deal_id != deal_id:
        raise HTTPException(404, "Not Found")
    rooms.revoke_room(session=session, room_id=room_id, as_of=as_of)
    return _back(deal_id, back)


@router.post("/deals/{deal_id}/room/signoff")
def sign(
    deal_id: int,
    user: SellerDep,
    session: SessionDep,
    as_of: AsOfDep,
    name: Annotated[str, Form()] = "",
    back: Back = "deal",
) -> Response:
    """Sign the plan as it stands for the seller's side (MAP-8)."""
    _deal(session, deal_id)
    signoff.sign(session=session, deal_id=deal_id, side="seller", name=name or user.name, at=as_of)
    return _back(deal_id, back)


@router.post("/deals/{deal_id}/room/comments")
def comment(
    deal_id: int,
    user: SellerDep,
    session: SessionDep,
    as_of: AsOfDep,
    body: Annotated[str, Form()] = "",
    back: Back = "deal",
) -> Response:
    """A seller's comment in the deal's open room."""
    room = rooms.open_room_of_deal(session=session, deal_id=deal_id, as_of=as_of)
    if room is None:
        raise InputError("share the room first: there is no open room to comment in")
    rooms.add_comment(
        session=session, room=room, author=user.name, side="seller", body=body, at=as_of
    )
    return _back(deal_id, back)
